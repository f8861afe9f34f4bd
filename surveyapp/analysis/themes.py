"""Recurring themes in what people wrote: language, sentiment, noun phrases, keywords and
themes of one free-text comment.

Plain Python (no Flask, no database): ``analyse()`` takes a string and returns an
:class:`Analysis`; the background job stores it beside the answer and every page reads the
stored result (DESIGN.md: dashboards never recompute it).

How themes are found. The framework (``frameworks/maternity.yaml``) lists each theme's
phrases and regular expressions. A comment is split into sentences, and each sentence into
clauses at "but", "however", "although" and semicolons, so "the midwife was lovely but
nobody listened" gives staff_attitude (positive) and listened_to (negative). Each clause is
normalised first (lowercased, "didn't" -> "did not", "mw" -> "midwife", "epi" ->
"epidural", "csection" -> "c-section") and matched both as written and as lemmas. A theme
can also carry ``negative`` and ``positive`` cues ("didn't listen", "fobbed off", "felt
heard"): they raise the theme and fix its sentiment in that clause, which is how negation
is handled where a lexicon would be fooled ("not listened to" contains "listened").

How sentiment is scored. Per clause: TextBlob's PatternAnalyzer, VADER's compound score and
maternity cues (see :mod:`surveyapp.analysis.text`). The comment's label is "mixed" when it
has clearly positive and clearly negative clauses of comparable weight; otherwise the
weighted mean decides. The Friends and Family Test rating ("1" very good ... "5" very
poor, "6" don't know) and the question answered ("what_was_good", "what_could_be_better")
are evidence too: they decide when the text itself is neutral ("More parking." to "what
could be better" is a complaint) and nudge it otherwise.

Non-English comments (langdetect, seeded so results are repeatable) are flagged
``needs_translation``; the English lexicons and patterns are not run on them, and their
sentiment rests on the rating and question alone until a translation is analysed.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from surveyapp.analysis import text as T

DEFAULT_FRAMEWORK = Path(__file__).resolve().parent / "frameworks" / "maternity.yaml"

POSITIVE = "positive"
NEGATIVE = "negative"
NEUTRAL = "neutral"
MIXED = "mixed"
SENTIMENTS = (POSITIVE, MIXED, NEUTRAL, NEGATIVE)

GOOD_QUESTION = "what_was_good"
BETTER_QUESTION = "what_could_be_better"

# Friends and Family Test codes: "1" very good ... "5" very poor, "6" don't know.
RATING_LEAN = {"1": 0.3, "2": 0.15, "3": -0.1, "4": -0.3, "5": -0.4}
QUESTION_LEAN = {GOOD_QUESTION: 0.05, BETTER_QUESTION: -0.05}
THRESHOLD = 0.1  # |polarity| below this is neutral
CLEAR = 0.15  # a clause this far from zero counts towards "mixed"
MIXED_RATIO = 0.3  # the weaker side must be at least this share of the stronger one


class FrameworkError(ValueError):
    """The theme framework file is not valid; the message names the theme."""


# --- the framework ---------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_THEME_KEYS = {"code", "name", "description", "category", "phrases", "patterns", "exclude",
               "negative", "positive"}
_SUFFIX = r"(?:s|es|ed|d|ing)?"


def phrase_regex(phrase: str) -> str:
    """A plain phrase as a regex: whole words, a space also matches a hyphen or nothing
    ("c section" matches "c-section" and "csection"), and the last word also matches
    with -s, -es, -ed, -d or -ing."""
    words = phrase.lower().split()
    body = r"[\s\-]?".join(re.escape(w) for w in words)
    return rf"(?<![\w-]){body}{_SUFFIX}(?![\w-])"


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    description: str
    category: str
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    negative: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _signal: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _exclude: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _negative: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _positive: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def _without_excluded(self, text: str) -> str:
        # Words that look like the theme but are about something else ("after my
        # c-section" is the postnatal ward, not the birth) are blanked before matching.
        return self._exclude.sub(" | ", text) if self._exclude else text

    def matches(self, *texts: str) -> bool:
        if self._signal is None:
            return False
        return any(self._signal.search(self._without_excluded(t)) for t in texts)

    def cue(self, norm: str) -> str | None:
        """"negative" or "positive" when a sentiment-bearing cue of this theme matches."""
        norm = self._without_excluded(norm)
        neg = bool(self._negative and self._negative.search(norm))
        pos = bool(self._positive and self._positive.search(norm))
        if neg and not pos:
            return NEGATIVE
        if pos and not neg:
            return POSITIVE
        return None


@dataclass(frozen=True)
class Framework:
    name: str
    version: int
    themes: tuple[Theme, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.themes)

    def theme(self, code: str) -> Theme:
        for t in self.themes:
            if t.code == code:
                return t
        raise KeyError(code)


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FrameworkError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _compile(parts: list[str], where: str, key: str) -> re.Pattern[str] | None:
    for p in parts:
        try:
            re.compile(p)
        except re.error as exc:
            raise FrameworkError(f"{where}: {key} {p!r} does not compile: {exc}") from exc
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def _theme(raw: Any, index: int) -> Theme:
    if not isinstance(raw, dict):
        raise FrameworkError(f"theme #{index + 1}: must be a mapping")
    code = raw.get("code")
    where = f"theme {code!r}" if isinstance(code, str) else f"theme #{index + 1}"
    if not isinstance(code, str) or not _CODE.match(code):
        raise FrameworkError(f"{where}: 'code' must be lowercase letters, digits and _")
    unknown = set(raw) - _THEME_KEYS
    if unknown:
        raise FrameworkError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "description", "category"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise FrameworkError(f"{where}: {key!r} is required")
    phrases = _strings(raw, "phrases", where)
    patterns = _strings(raw, "patterns", where)
    negative = _strings(raw, "negative", where)
    positive = _strings(raw, "positive", where)
    exclude = _strings(raw, "exclude", where)
    if not (phrases or patterns):
        raise FrameworkError(f"{where}: needs at least one phrase or pattern")
    signals = [phrase_regex(p) for p in phrases] + list(patterns + negative + positive)
    return Theme(
        code=code,
        name=raw["name"].strip(),
        description=" ".join(raw["description"].split()),
        category=raw["category"].strip(),
        phrases=phrases,
        patterns=patterns,
        negative=negative,
        positive=positive,
        exclude=exclude,
        _signal=_compile(signals, where, "pattern"),
        _exclude=_compile(list(exclude), where, "exclude"),
        _negative=_compile(list(negative), where, "negative"),
        _positive=_compile(list(positive), where, "positive"),
    )


def parse_framework(data: Any) -> Framework:
    """Validate a framework already read from YAML (a mapping with a ``themes`` list)."""
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise FrameworkError("a framework is a mapping with a 'themes' list")
    themes = tuple(_theme(raw, i) for i, raw in enumerate(data["themes"]))
    if not themes:
        raise FrameworkError("a framework needs at least one theme")
    seen: set[str] = set()
    for t in themes:
        if t.code in seen:
            raise FrameworkError(f"theme {t.code!r}: code is used twice")
        seen.add(t.code)
    return Framework(name=str(data.get("name", "")), version=int(data.get("version", 1)),
                     themes=themes)


@lru_cache(maxsize=8)
def _load(path: Path) -> Framework:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: not valid YAML: {exc}") from exc
    return parse_framework(data)


def load_framework(path: str | Path | None = None) -> Framework:
    """The validated theme framework (the maternity one by default); cached per path."""
    return _load(Path(path).resolve() if path else DEFAULT_FRAMEWORK)


# --- normalising text ------------------------------------------------------------------------

_CONTRACTIONS = [
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bcannot\b"), "can not"),
    (re.compile(r"\bwon'?t\b"), "will not"),
    (re.compile(r"\bain'?t\b"), "is not"),
    (re.compile(r"\b(did|does|do|was|were|is|are|could|would|should|has|have|had|must|need)"
                r"n'?t\b"), r"\1 not"),
    (re.compile(r"\bdnt\b"), "do not"),
    (re.compile(r"\b(could|would|should|must) of\b"), r"\1 have"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"\bi'?ve\b"), "i have"),
    (re.compile(r"\b(they|we|you)'re\b"), r"\1 are"),
    (re.compile(r"\b(it|that|there|she|he)'s\b"), r"\1 is"),
]
_TEXT_SPEAK = {
    "mw": "midwife", "mws": "midwives", "mwife": "midwife", "mwives": "midwives",
    "midwifes": "midwives", "midwive": "midwife", "dr": "doctor", "drs": "doctors",
    "docs": "doctors", "doc": "doctor", "epi": "epidural", "epis": "epidurals",
    "epidual": "epidural", "epideral": "epidural", "csection": "c-section",
    "csec": "c-section", "c-sec": "c-section", "c/s": "c-section", "cesarean": "caesarean",
    "cesarian": "caesarean", "caesarian": "caesarean", "hrs": "hours", "hr": "hour",
    "mins": "minutes", "min": "minute", "wks": "weeks", "wk": "week", "u": "you",
    "ur": "your", "cos": "because", "coz": "because", "cuz": "because", "bc": "because",
    "bcos": "because", "bcoz": "because", "pls": "please", "plz": "please", "thx": "thanks",
    "thanx": "thanks", "thnx": "thanks", "ty": "thanks", "tyvm": "thanks", "gr8": "great",
    "ppl": "people", "b4": "before", "hv": "health visitor", "hvs": "health visitors",
    "bfing": "breastfeeding", "bfeeding": "breastfeeding", "bfed": "breastfed",
    "gas&air": "gas and air", "g&a": "gas and air", "obs": "observations",
    "labor": "labour", "nurses'": "nurses", "wasnt": "was not", "didnt": "did not",
    "dont": "do not", "couldnt": "could not", "wouldnt": "would not", "cant": "can not",
    "isnt": "is not", "werent": "were not", "wont": "will not", "havent": "have not",
    "im": "i am", "ive": "i have", "v": "very", "realy": "really", "definately": "definitely",
    "amazin": "amazing", "fab": "fabulous", "gd": "good", "experiance": "experience",
    "expierence": "experience", "appt": "appointment", "appts": "appointments", "ta": "thanks",
}
_SPEAK_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(_TEXT_SPEAK, key=len, reverse=True))
    + r")(?![\w-])"
)
_C_SECTION = re.compile(r"\bc[\s\-]?sec(?:tion)?s?\b")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lowercase, straight apostrophes, contractions and text-speak expanded."""
    s = text.translate(_APOSTROPHES).lower()
    for rx, repl in _CONTRACTIONS:
        s = rx.sub(repl, s)
    s = _C_SECTION.sub("c-section", s)
    s = _SPEAK_RE.sub(lambda m: _TEXT_SPEAK[m.group(1)], s)
    return _SPACES.sub(" ", s).strip()


_CLAUSE_SPLIT = re.compile(
    r"\s*(?:;|\s-\s|,(?=\s+\w)|,?\s+(?:but|however|although|though|whereas|except that|"
    r"apart from that|other than that|on the other hand)\b,?)\s*",
    re.IGNORECASE,
)


def clauses(sentence: str) -> list[str]:
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(sentence)]
    return [p for p in parts if re.search(r"\w", p)] or [sentence]


# --- language ----------------------------------------------------------------------------------

_lang_lock = threading.Lock()
_ENGLISH_HINTS = T.STOP_WORDS | {
    "midwife", "midwives", "staff", "baby", "birth", "ward", "care", "nurse", "doctor",
    "labour", "hospital", "good", "great", "kind", "lovely", "amazing", "thank", "thanks",
    "helpful", "nothing", "everything", "better", "more", "less", "wait", "waiting",
    "fabulous", "epidural", "c-section", "ok", "okay", "you", "because", "please",
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``: "en" for short ASCII text, "unknown" for short other
    text (langdetect is unreliable under a few words), langdetect otherwise."""
    words = _WORD.findall(normalise(text))
    ascii_text = text.isascii()
    if len(words) < 3 or len(text.strip()) < 12:
        return "en" if ascii_text else "unknown"
    hints = sum(w in _ENGLISH_HINTS for w in words) / len(words)
    if ascii_text and hints >= 0.3:
        return "en"
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    with _lang_lock:
        DetectorFactory.seed = 0
        try:
            best = detect_langs(text)[0]
        except LangDetectException:
            return "unknown"
    code = best.lang
    if code != "en" and ascii_text and hints >= 0.15 and best.prob < 0.9:
        return "en"  # text-speak English ("mw was fab x") reads as Somali to langdetect
    return code.split("-")[0] if code not in ("zh-cn", "zh-tw") else code


# --- the analysis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentenceResult:
    text: str
    polarity: float
    sentiment: str
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    language: str
    needs_translation: bool
    sentiment: str
    polarity: float
    subjectivity: float
    sentences: tuple[SentenceResult, ...]
    noun_phrases: tuple[str, ...]
    keywords: tuple[str, ...]
    themes: list[tuple[str, str]]

    @property
    def theme_codes(self) -> list[str]:
        return [code for code, _ in self.themes]


def label(polarity: float) -> str:
    if polarity >= THRESHOLD:
        return POSITIVE
    if polarity <= -THRESHOLD:
        return NEGATIVE
    return NEUTRAL


def _lean(rating: str | None, question: str | None) -> float:
    return RATING_LEAN.get((rating or "").strip(), 0.0) + QUESTION_LEAN.get(question or "", 0.0)


@dataclass
class _Clause:
    text: str
    norm: str
    polarity: float
    subjectivity: float
    themes: dict[str, str | None]  # code -> cue sentiment (or None)


_NOTHING = re.compile(
    r"^\s*(?:nothing|none|no|nope|n/?a|nil|not really|nothing really|nothing at all|"
    r"nothing to add|nothing to improve|no comment|no comments|cannot think of anything|"
    r"can not think of anything|no complaints?|all good|everything|everything was good|"
    r"everything was great|everything was fine)\s*[.!]*\s*$"
)


# A whole comment that is only a verdict ("Good", "Fab", "very good experience overall") is
# positive experience and gratitude; praise of one thing ("lovely midwives") is not.
_SHORT_PRAISE = re.compile(
    r"^(?:very |really |so |just |all |absolutely |overall |it was |all in all )?(?:good|great|"
    r"fabulous|excellent|amazing|brilliant|fantastic|perfect|lovely|wonderful|outstanding|"
    r"superb|spot on|faultless|first class)(?: (?:experience|care|service|overall|all round|"
    r"thanks|thank you|really|very|so|and|everything|x+))*[\s.!x]*$"
)


def _nothing_lean(norm: str, question: str | None, lean: float) -> float:
    """Polarity of a one-word answer such as "Nothing" or "Everything": "nothing" could
    be better is praise, "everything" could be better is a complaint, and the reverse for
    what was good."""
    if norm.startswith(("all good", "no complaint")):
        return max(lean, 0.0) + 0.3
    sign = 1.0 if norm.startswith("everything") else -1.0
    rating_lean = lean - QUESTION_LEAN.get(question or "", 0.0)
    if question == GOOD_QUESTION:
        return max(-1.0, min(1.0, sign * 0.4 + 0.5 * rating_lean))
    if question == BETTER_QUESTION:
        if sign > 0:  # "everything" could be better
            return max(-1.0, min(1.0, -0.4 + 0.5 * rating_lean))
        # "Nothing" could be better: praise when the rating says so, else nothing to say.
        return max(-1.0, min(1.0, rating_lean + 0.05))
    return lean


# A suggestion ("More chairs in the waiting room", "Better parking") is neutral in itself,
# whatever "more" and "better" score in a lexicon; a regret ("would have liked ...") is
# mildly negative.
_SUGGESTION = re.compile(
    r"^(?:please|maybe|perhaps|suggest|i suggest|i would suggest|it would be|would be|more|"
    r"better|extra|could you|could there|there should|should|you should|it would help|"
    r"would help|would be nice|it would be nice|if you could|if there was|if there were)\b"
)
_REGRET = re.compile(r"^(?:i )?(?:would have liked|would have loved|would love|would like|wish)\b")


def _analyse_clause(clause: str, words_tags: list[tuple[str, str]], fw: Framework) -> _Clause:
    norm = normalise(clause)
    lemma_text = normalise(" ".join(T.lemmatise(words_tags))) if words_tags else norm
    score = T.sentence_sentiment(clause, norm)
    themes: dict[str, str | None] = {}
    for theme in fw.themes:
        if theme.matches(norm, lemma_text):
            themes[theme.code] = theme.cue(norm)
    polarity = score.polarity
    if _REGRET.match(norm):
        polarity = min(polarity, -0.2)
    elif _SUGGESTION.match(norm) and (score.domain or 0.0) > -0.3:
        polarity = max(-0.05, min(0.05, polarity))
    cues = [c for c in themes.values() if c]
    if cues:
        shift = sum(0.3 if c == POSITIVE else -0.3 for c in cues) / len(cues)
        polarity = max(-1.0, min(1.0, polarity + shift))
    return _Clause(clause, norm, polarity, score.subjectivity, themes)


def _weight(c: _Clause) -> float:
    return min(3.0, 1.0 + len(c.norm.split()) / 15)


def _overall(
    clauses_: list[_Clause], lean: float, rating: str | None = None, question: str | None = None
) -> tuple[str, float]:
    if not clauses_:
        return label(lean), max(-1.0, min(1.0, lean))
    weights = [_weight(c) for c in clauses_]
    text_score = sum(c.polarity * w for c, w in zip(clauses_, weights, strict=True)) / sum(weights)
    pos = sum(c.polarity * w for c, w in zip(clauses_, weights, strict=True) if c.polarity >= CLEAR)
    neg = -sum(c.polarity * w for c, w in zip(clauses_, weights, strict=True)
               if c.polarity <= -CLEAR)
    polarity = max(-1.0, min(1.0, text_score + 0.3 * lean))
    poor_rating = (rating or "").strip() in ("4", "5")
    if pos and neg and min(pos, neg) / max(pos, neg) >= MIXED_RATIO:
        if poor_rating and neg >= pos:
            return NEGATIVE, polarity  # a poor rating settles a comment that leans negative
        return MIXED, polarity
    if question == BETTER_QUESTION and pos and len(clauses_) > 1 and not poor_rating and any(
        c.polarity < THRESHOLD for c in clauses_
    ):
        # Praise plus a suggestion, in answer to what could be better: both are meant.
        return MIXED, polarity
    if abs(text_score) < THRESHOLD:
        polarity = text_score + lean
    else:
        polarity = text_score + 0.5 * lean
    return label(polarity), max(-1.0, min(1.0, polarity))


def _theme_sentiment(votes: list[str]) -> str:
    kinds = set(votes) - {NEUTRAL}
    if kinds == {POSITIVE, NEGATIVE} or MIXED in kinds:
        return MIXED
    if kinds:
        return kinds.pop()
    return NEUTRAL


def analyse(
    text: str,
    rating: str | None = None,
    question: str | None = None,
    framework: Framework | None = None,
) -> Analysis:
    """Analyse one free-text answer. ``rating`` is the respondent's Friends and Family Test
    code ("1".."6"), ``question`` the key of the question it answers."""
    fw = framework or load_framework()
    text = (text or "").strip()
    lean = _lean(rating, question)
    language = detect_language(text) if text else "unknown"
    english = language == "en"
    if not text or not english:
        sentiment, polarity = _overall([], lean)
        return Analysis(language, bool(text) and language != "en", sentiment, polarity, 0.0,
                        (), (), (), [])

    norm_text = normalise(text)
    if _NOTHING.match(norm_text):
        nothing_lean = _nothing_lean(norm_text, question, lean)
        sentiment = label(nothing_lean)
        themes = [("positive_gratitude", POSITIVE)] if sentiment == POSITIVE and (
            "positive_gratitude" in fw.codes) else []
        return Analysis(language, False, sentiment, round(nothing_lean, 4), 0.0,
                        (SentenceResult(text, nothing_lean, sentiment),), (), (), themes)

    sentence_results: list[SentenceResult] = []
    all_clauses: list[_Clause] = []
    phrases: list[str] = []
    keyword_counts: Counter[str] = Counter()
    theme_votes: dict[str, list[str]] = {}
    subjectivity: list[float] = []

    for sentence in T.split_sentences(text):
        words_tags = T.pos_tags(T.tokenize(sentence))
        phrases.extend(T.noun_phrases(words_tags))
        for (_word, tag), lem in zip(words_tags, T.lemmatise(words_tags), strict=True):
            if (tag[:2] in ("NN", "VB", "JJ") and lem.isalpha() and len(lem) > 2
                    and lem not in T.STOP_WORDS):
                keyword_counts[lem] += 1
        parts = clauses(sentence)
        sentence_clauses = []
        for part in parts:
            part_tags = words_tags if len(parts) == 1 else T.pos_tags(T.tokenize(part))
            sentence_clauses.append(_analyse_clause(part, part_tags, fw))
        all_clauses.extend(sentence_clauses)
        weights = [_weight(c) for c in sentence_clauses]
        s_polarity = sum(c.polarity * w for c, w in zip(sentence_clauses, weights, strict=True))
        s_polarity /= sum(weights)
        codes: list[str] = []
        for c in sentence_clauses:
            subjectivity.append(c.subjectivity)
            for code, cue in c.themes.items():
                vote = cue or label(c.polarity)
                if vote == NEUTRAL and abs(lean) >= 0.2:
                    vote = label(lean)
                theme_votes.setdefault(code, []).append(vote)
                if code not in codes:
                    codes.append(code)
        sentence_results.append(SentenceResult(sentence, round(s_polarity, 4), label(s_polarity),
                                               tuple(codes)))

    sentiment, polarity = _overall(all_clauses, lean, rating, question)
    if (_SHORT_PRAISE.match(norm_text) and sentiment == POSITIVE
            and "positive_gratitude" in fw.codes):
        theme_votes.setdefault("positive_gratitude", [POSITIVE])
    order = {code: i for i, code in enumerate(fw.codes)}
    themes = [(code, _theme_sentiment(votes))
              for code, votes in sorted(theme_votes.items(), key=lambda kv: order[kv[0]])]
    keywords = tuple(k for k, _ in keyword_counts.most_common(15))
    return Analysis(
        language=language,
        needs_translation=False,
        sentiment=sentiment,
        polarity=round(polarity, 4),
        subjectivity=round(sum(subjectivity) / len(subjectivity), 4) if subjectivity else 0.0,
        sentences=tuple(sentence_results),
        noun_phrases=tuple(dict.fromkeys(phrases)),
        keywords=keywords,
        themes=themes,
    )
