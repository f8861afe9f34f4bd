"""Every free-text answer analysed once, in the background, and the result kept beside it.

Plain functions over a SQLAlchemy session that the caller passes in (no Flask): the
worker, the `themes` commands, the RQ jobs and the reviewer pages all call these, and
pages only read what they stored (DESIGN.md: dashboards never recompute it).

- **What counts as a comment**: an answer to a survey's own free-text question (type
  ``text``; not the harmonised "about you" ones such as the postcode district or "which
  language?"). Its question's wording says whether it asks "what was good" or "what could
  be better", and the same response's Friends and Family Test rating is evidence too
  (surveyapp/analysis/evidence.py).
- **Waiting** (:func:`pending_comments`): a comment with no :class:`CommentAnalysis` row
  yet (the respondent journey stores answers with one Core insert and knows nothing of
  analysis), or a row whose ``analysed_at`` was cleared (framework changed, translation
  added). New comments come first, oldest first.
- **Not in English**: stored with its language and ``needs_translation``, its sentiment
  from the rating and question alone, and no themes, until :func:`add_translation` gives
  the English words, which are then analysed. The original stays as written.
- **A reviewer's edits** (:func:`add_theme`, :func:`remove_theme`) are rows with source
  "reviewer". Re-analysis replaces only "auto" rows, never duplicates a theme a reviewer
  added and never adds back one she removed.
- **Framework changes** (:func:`mark_outdated`, :func:`reanalyse`): rows analysed with
  another framework key or version are queued again; their old themes stay visible until
  each is replaced.
- **Several workers at once** are safe: a comment analysed meanwhile by another worker is
  skipped (the unique answer id, and row locks on PostgreSQL), never stored twice.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveyapp.analysis import themes as th
from surveyapp.analysis.evidence import FFT_CODES, question_kind
from surveyapp.analysis.redaction import redact
from surveyapp.analysis.text import STOP_WORDS
from surveyapp.models import (
    Answer,
    CommentAnalysis,
    CommentTheme,
    EmergingPhrase,
    SurveyVersion,
    ThemeSource,
)
from surveyapp.models.base import utcnow
from surveyapp.surveys.definition import MAX_TEXT_LENGTH, from_document

log = logging.getLogger(__name__)

MAX_NOUN_PHRASES = 40  # kept per comment, for emerging themes
MIN_RESPONDENTS_FOR_EMERGING = 5


# --- the framework in use ----------------------------------------------------------------


@dataclass(frozen=True)
class ActiveFramework:
    """The theme framework analysis runs with; ``key`` is its file's name ("maternity")."""

    key: str
    framework: th.Framework

    @property
    def version(self) -> int:
        return self.framework.version


def active_framework(path: str | Path | None = None) -> ActiveFramework:
    chosen = Path(path) if path else th.DEFAULT_FRAMEWORK
    return ActiveFramework(chosen.stem, th.load_framework(chosen))


# --- which answers are comments ------------------------------------------------------------


@dataclass(frozen=True)
class CommentQuestions:
    """A survey's free-text comment questions, each with the kind of question it is
    ("what_was_good", "what_could_be_better" or None), and its FFT rating questions."""

    kinds: dict[str, str | None]
    rating_keys: tuple[str, ...]


# Published versions never change, so each process reads a definition once.
_VERSIONS: dict[tuple[int, int, datetime | None], CommentQuestions] = {}


def _questions_of(document: dict) -> CommentQuestions:
    kinds: dict[str, str | None] = {}
    ratings: list[str] = []
    for question in from_document(document).questions:
        if question.type == "text" and not question.catalog and not question.pattern:
            if question.key in (th.GOOD_QUESTION, th.BETTER_QUESTION):
                kinds[question.key] = question.key
            else:
                kinds[question.key] = question_kind(question.text)
        elif question.type == "rating" and set(FFT_CODES) <= {o.code for o in question.options}:
            ratings.append(question.key)
    return CommentQuestions(kinds, tuple(ratings))


def comment_questions(session: Session,
                      survey_ids: Iterable[int] | None = None) -> dict[int, CommentQuestions]:
    """Comment questions of every survey (or of ``survey_ids``), over all its published
    versions; where versions differ, the latest wording decides."""
    query = (select(SurveyVersion.id, SurveyVersion.survey_id, SurveyVersion.published_at)
             .where(SurveyVersion.published_at.is_not(None))
             .order_by(SurveyVersion.survey_id, SurveyVersion.number))
    if survey_ids is not None:
        query = query.where(SurveyVersion.survey_id.in_(list(survey_ids)))
    versions = [tuple(row) for row in session.execute(query)]
    missing = [v[0] for v in versions if v not in _VERSIONS]
    if missing:
        documents = {version_id: document for version_id, document in session.execute(
            select(SurveyVersion.id, SurveyVersion.definition)
            .where(SurveyVersion.id.in_(missing)))}
        for version in versions:
            if version[0] in documents:
                _VERSIONS[version] = _questions_of(documents[version[0]])
    merged: dict[int, CommentQuestions] = {}
    for version in versions:
        found = _VERSIONS[version]
        before = merged.get(version[1], CommentQuestions({}, ()))
        ratings = before.rating_keys + tuple(k for k in found.rating_keys
                                             if k not in before.rating_keys)
        merged[version[1]] = CommentQuestions({**before.kinds, **found.kinds}, ratings)
    return merged


def _is_comment(questions: dict[int, CommentQuestions]):  # type: ignore[no-untyped-def]
    clauses = [and_(Answer.survey_id == survey_id, Answer.question_key.in_(sorted(q.kinds)))
               for survey_id, q in questions.items() if q.kinds]
    return or_(*clauses) if clauses else None


# --- what is waiting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingComment:
    answer_id: int
    analysis_id: int | None  # None: never analysed
    response_id: int
    survey_id: int
    link_id: int | None
    submitted_at: datetime | None
    question_key: str
    text: str
    translation: str | None = None
    language: str | None = None


def pending_comments(session: Session, limit: int = 200, survey_id: int | None = None,
                     after_answer_id: int = 0) -> list[PendingComment]:
    """Up to ``limit`` comments waiting for analysis: never-analysed ones first (answer id
    above ``after_answer_id``, in id order), then ones queued again."""
    questions = comment_questions(session, None if survey_id is None else [survey_id])
    found: list[PendingComment] = []
    is_comment = _is_comment(questions)
    if is_comment is not None:
        new = (select(Answer.id, Answer.response_id, Answer.survey_id, Answer.link_id,
                      Answer.submitted_at, Answer.question_key, Answer.text)
               .outerjoin(CommentAnalysis, CommentAnalysis.answer_id == Answer.id)
               .where(CommentAnalysis.id.is_(None), Answer.text.is_not(None), is_comment,
                      Answer.id > after_answer_id)
               .order_by(Answer.id).limit(limit))
        found = [PendingComment(row[0], None, *row[1:]) for row in session.execute(new)]
    if len(found) < limit:
        ca = CommentAnalysis
        again = (select(ca.answer_id, ca.id, ca.response_id, ca.survey_id, ca.link_id,
                        ca.submitted_at, ca.question_key, Answer.text, ca.translation,
                        ca.language)
                 .join(Answer, Answer.id == ca.answer_id)
                 .where(ca.analysed_at.is_(None))
                 .order_by(ca.id).limit(limit - len(found)))
        if survey_id is not None:
            again = again.where(ca.survey_id == survey_id)
        found += [PendingComment(*row) for row in session.execute(again)]
    return found


@dataclass(frozen=True)
class Waiting:
    """What a dashboard says is not ready yet."""

    to_analyse: int  # new comments, and comments queued again
    to_translate: int  # not in English, waiting for an English translation


def waiting(session: Session, survey_id: int) -> Waiting:
    """Counts for one survey, from three indexed counts (no anti-join). Every answer to a
    free-text question has text (the journey and the importer store nothing else there),
    so the first count reads the (survey, question) index alone."""
    questions = comment_questions(session, [survey_id]).get(survey_id)
    comments = 0
    if questions and questions.kinds:
        comments = session.scalar(select(func.count()).select_from(Answer).where(
            Answer.survey_id == survey_id,
            Answer.question_key.in_(sorted(questions.kinds)))) or 0
    analysed = session.scalar(select(func.count()).select_from(CommentAnalysis).where(
        CommentAnalysis.survey_id == survey_id, CommentAnalysis.analysed_at.is_not(None))) or 0
    translate = session.scalar(select(func.count()).select_from(CommentAnalysis).where(
        CommentAnalysis.survey_id == survey_id, CommentAnalysis.needs_translation.is_(True),
    )) or 0
    return Waiting(max(0, comments - analysed), translate)


def latest_answer_id(session: Session) -> int:
    return session.scalar(select(func.max(Answer.id))) or 0


# --- analysing and storing -------------------------------------------------------------------


@dataclass
class Counts:
    analysed: int = 0  # theme-coded in English (or from an English translation)
    awaiting_translation: int = 0  # stored as not in English, waiting for a translation
    failed: int = 0  # the analysis raised (logged); stored without a result
    skipped: int = 0  # analysed meanwhile by another worker
    marked: int = 0  # queued again (framework changed)

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})

    @property
    def stored(self) -> int:
        return self.analysed + self.awaiting_translation + self.failed

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _ratings(session: Session, items: list[PendingComment],
             questions: dict[int, CommentQuestions]) -> dict[int, str]:
    """Each response's FFT code, from its survey's first rating question answered."""
    keys = {k for q in questions.values() for k in q.rating_keys}
    if not keys:
        return {}
    given: dict[tuple[int, str], str] = {}
    rows = session.execute(select(Answer.response_id, Answer.question_key, Answer.option_code)
                           .where(Answer.response_id.in_({i.response_id for i in items}),
                                  Answer.question_key.in_(sorted(keys))))
    for response_id, key, code in rows:
        if code:
            given[(response_id, key)] = code
    ratings: dict[int, str] = {}
    for item in items:
        survey = questions.get(item.survey_id)
        for key in survey.rating_keys if survey else ():
            if (item.response_id, key) in given:
                ratings[item.response_id] = given[(item.response_id, key)]
                break
    return ratings


def _analyse(item: PendingComment, rating: str | None, question: str | None,
             fw: ActiveFramework) -> th.Analysis | None:
    try:
        return th.analyse(item.translation or item.text, rating=rating, question=question,
                          framework=fw.framework)
    except Exception:  # one odd comment must not stop the rest  # noqa: BLE001
        log.exception("analysis failed for answer %s; stored without a result", item.answer_id)
        return None


def _fill(row: CommentAnalysis, item: PendingComment, result: th.Analysis | None,
          fw: ActiveFramework, now: datetime) -> None:
    row.framework_key = fw.key
    row.framework_version = fw.version
    row.analysed_at = now
    if result is None:
        row.needs_translation = False
        row.sentiment = row.polarity = row.subjectivity = None
        row.noun_phrases = None
        return
    if item.translation:
        # Analysed in English; the language is still the original's.
        row.language = row.language or th.detect_language(item.text)
        row.needs_translation = False
    else:
        row.language = result.language
        row.needs_translation = result.needs_translation
    row.sentiment = result.sentiment
    row.polarity = result.polarity
    row.subjectivity = result.subjectivity
    row.noun_phrases = _shareable_phrases(item.translation or item.text, result.noun_phrases)


_WORDS = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")


def _shareable_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """Noun phrases without any word that redaction takes out of the comment (a name
    after "my midwife", a postcode): emerging phrases are shown to reviewers unquoted."""
    removed = ({w.lower() for w in _WORDS.findall(text)}
               - {w.lower() for w in _WORDS.findall(redact(text))})
    kept = [p for p in phrases if not removed.intersection(p.split())]
    return kept[:MAX_NOUN_PHRASES]


def _store(session: Session, pairs: list[tuple[PendingComment, th.Analysis | None]],
           fw: ActiveFramework, now: datetime) -> Counts:
    counts = Counts()
    existing_ids = [item.analysis_id for item, _ in pairs if item.analysis_id is not None]
    existing: dict[int, CommentAnalysis] = {}
    if existing_ids:
        # Another worker re-analysing the same rows holds their locks: skip them.
        existing = {row.id: row for row in session.scalars(
            select(CommentAnalysis).where(CommentAnalysis.id.in_(existing_ids))
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True))}
    stored: list[tuple[CommentAnalysis, th.Analysis | None]] = []
    for item, result in pairs:
        if item.analysis_id is None:
            row = CommentAnalysis(answer_id=item.answer_id, response_id=item.response_id,
                                  survey_id=item.survey_id, link_id=item.link_id,
                                  submitted_at=item.submitted_at,
                                  question_key=item.question_key)
            session.add(row)
        else:
            found = existing.get(item.analysis_id)
            if found is None or found.analysed_at is not None:
                counts.skipped += 1
                continue
            row = found
        _fill(row, item, result, fw, now)
        stored.append((row, result))
        if result is None:
            counts.failed += 1
        elif row.needs_translation:
            counts.awaiting_translation += 1
        else:
            counts.analysed += 1
    session.flush()  # ids for new rows; a duplicate answer id fails here
    ids = [row.id for row, _ in stored]
    if not ids:
        return counts
    theme = CommentTheme.__table__
    kept = set(session.execute(select(theme.c.analysis_id, theme.c.theme_code).where(
        theme.c.analysis_id.in_(ids), theme.c.source == ThemeSource.REVIEWER.value)).tuples())
    session.execute(delete(theme).where(theme.c.analysis_id.in_(ids),
                                        theme.c.source == ThemeSource.AUTO.value))
    promoted = promoted_themes(session, {row.survey_id for row, _ in stored})
    texts = {item.answer_id: item.translation or item.text for item, _ in pairs}
    rows = [{"analysis_id": row.id, "theme_code": code, "sentiment": sentiment,
             "source": ThemeSource.AUTO.value, "removed_by_reviewer": False,
             "response_id": row.response_id, "survey_id": row.survey_id,
             "link_id": row.link_id, "submitted_at": row.submitted_at}
            for row, result in stored if result is not None and not row.needs_translation
            for code, sentiment in [*result.themes,
                                    *_promoted_matches(promoted.get(row.survey_id, ()),
                                                       texts.get(row.answer_id, ""), result)]
            if (row.id, code) not in kept]
    if rows:
        session.execute(insert(theme), rows)
    for row, _ in stored:
        session.expire(row, ["themes"])
    return counts


# --- phrases a reviewer promoted into themes ------------------------------------------------

PROMOTED_PREFIX = "reviewer_"  # theme code of a promoted phrase: reviewer_<phrase id>


def promoted_themes(session: Session, survey_ids: Iterable[int]
                    ) -> dict[int, list[tuple[str, re.Pattern[str]]]]:
    """Each survey's promoted phrases as (theme code, pattern): themes of that survey
    only, kept in the database (the framework file stays read-only at run time)."""
    ids = sorted(set(survey_ids))
    found: dict[int, list[tuple[str, re.Pattern[str]]]] = {}
    if not ids:
        return found
    for phrase_id, survey_id, phrase in session.execute(
            select(EmergingPhrase.id, EmergingPhrase.survey_id, EmergingPhrase.phrase)
            .where(EmergingPhrase.survey_id.in_(ids), EmergingPhrase.promoted.is_(True))):
        found.setdefault(survey_id, []).append(
            (f"{PROMOTED_PREFIX}{phrase_id}", re.compile(th.phrase_regex(th.normalise(phrase)))))
    return found


def _promoted_matches(promoted: Iterable[tuple[str, re.Pattern[str]]], text: str,
                      result: th.Analysis) -> list[tuple[str, str]]:
    """Promoted themes found in ``text``, each with the comment's own sentiment."""
    found = []
    norm = th.normalise(text or "")
    for code, pattern in promoted:
        if pattern.search(norm):
            found.append((code, result.sentiment if result.sentiment in th.SENTIMENTS
                          else th.NEUTRAL))
    return found


def analyse_comments(session: Session, items: list[PendingComment],
                     fw: ActiveFramework | None = None) -> Counts:
    """Analyse these comments and store the results in one transaction (committed)."""
    if not items:
        return Counts()
    fw = fw or active_framework()
    questions = comment_questions(session, {i.survey_id for i in items})
    ratings = _ratings(session, items, questions)
    pairs = []
    for item in items:
        survey = questions.get(item.survey_id)
        kind = survey.kinds.get(item.question_key) if survey else None
        pairs.append((item, _analyse(item, ratings.get(item.response_id), kind, fw)))
    now = utcnow()
    try:
        counts = _store(session, pairs, fw, now)
        session.commit()
        return counts
    except IntegrityError:
        # Another worker stored some of these first: store the rest one by one.
        session.rollback()
    counts = Counts()
    for pair in pairs:
        try:
            counts += _store(session, [pair], fw, now)
            session.commit()
        except IntegrityError:
            session.rollback()
            counts.skipped += 1
    return counts


def analyse_pending(session: Session, batch_size: int = 200, survey_id: int | None = None,
                    after_answer_id: int = 0, fw: ActiveFramework | None = None,
                    should_stop: Callable[[], bool] | None = None,
                    on_batch: Callable[[Counts], None] | None = None) -> Counts:
    """Analyse everything waiting (for one survey, or every survey), ``batch_size``
    comments per transaction, until nothing is left or ``should_stop()`` says so.
    ``on_batch`` is given the running totals after each batch."""
    fw = fw or active_framework()
    total = Counts()
    seen: set[int] = set()
    after = after_answer_id
    while True:
        items = [i for i in pending_comments(session, batch_size, survey_id, after)
                 if i.answer_id not in seen]
        if not items:
            break
        seen.update(i.answer_id for i in items)
        new = [i.answer_id for i in items if i.analysis_id is None]
        if new:
            after = max(after, *new)
        total += analyse_comments(session, items, fw)
        if on_batch is not None:
            on_batch(total)
        if should_stop is not None and should_stop():
            break
    return total


def analyse_responses(session: Session, response_ids: Iterable[int], batch_size: int = 200,
                      fw: ActiveFramework | None = None) -> Counts:
    """Analyse the comments of these responses that are waiting (the queue's job)."""
    ids = sorted(set(response_ids))
    if not ids:
        return Counts()
    fw = fw or active_framework()
    total = Counts()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        surveys = set(session.scalars(select(Answer.survey_id).where(
            Answer.response_id.in_(chunk)).distinct()))
        is_comment = _is_comment(comment_questions(session, surveys))
        if is_comment is None:
            continue
        query = (select(Answer.id, CommentAnalysis.id, Answer.response_id, Answer.survey_id,
                        Answer.link_id, Answer.submitted_at, Answer.question_key, Answer.text,
                        CommentAnalysis.translation, CommentAnalysis.language)
                 .outerjoin(CommentAnalysis, CommentAnalysis.answer_id == Answer.id)
                 .where(Answer.response_id.in_(chunk), Answer.text.is_not(None), is_comment,
                        or_(CommentAnalysis.id.is_(None), CommentAnalysis.analysed_at.is_(None)))
                 .order_by(Answer.id))
        items = [PendingComment(*row) for row in session.execute(query)]
        for batch in range(0, len(items), batch_size):
            total += analyse_comments(session, items[batch:batch + batch_size], fw)
    return total


# --- the framework changed -----------------------------------------------------------------


def mark_outdated(session: Session, fw: ActiveFramework | None = None,
                  survey_id: int | None = None, everything: bool = False) -> int:
    """Queue again every comment analysed with another framework (key or version), or
    with ``everything``, every comment; returns how many. Committed."""
    fw = fw or active_framework()
    ca = CommentAnalysis
    query = update(ca).where(ca.analysed_at.is_not(None))
    if not everything:
        query = query.where(or_(ca.framework_key.is_(None), ca.framework_version.is_(None),
                                ca.framework_key != fw.key, ca.framework_version != fw.version))
    if survey_id is not None:
        query = query.where(ca.survey_id == survey_id)
    result = session.execute(query.values(analysed_at=None),
                             execution_options={"synchronize_session": False})
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_containing(session: Session, survey_id: int, phrase: str, batch: int = 2000) -> int:
    """Queue again only this survey's analysed comments in which ``phrase`` appears (in the
    English text, or in the English translation of a comment in another language): a
    promoted phrase can change nothing else. Matched the way the worker will match it, on
    the normalised text, so text-speak ("mw" for "midwife") is found too. Committed."""
    pattern = re.compile(th.phrase_regex(th.normalise(phrase)))
    ca = CommentAnalysis
    found: list[int] = []
    last = 0
    while True:
        rows = session.execute(
            select(ca.id, Answer.text, ca.translation).join(Answer, Answer.id == ca.answer_id)
            .where(ca.survey_id == survey_id, ca.analysed_at.is_not(None), ca.id > last)
            .order_by(ca.id).limit(batch)).all()
        if not rows:
            break
        last = rows[-1][0]
        found.extend(row_id for row_id, text, translation in rows
                     if pattern.search(th.normalise(translation or text or "")))
    for start in range(0, len(found), batch):
        session.execute(update(ca).where(ca.id.in_(found[start:start + batch]))
                        .values(analysed_at=None),
                        execution_options={"synchronize_session": False})
    session.commit()
    return len(found)


def reanalyse(session: Session, survey_id: int | None = None, batch_size: int = 200,
              fw: ActiveFramework | None = None, everything: bool = False) -> Counts:
    """Re-analyse comments whose stored framework version is not the loaded one (or all
    of them), keeping every reviewer's own theme edits."""
    fw = fw or active_framework()
    marked = mark_outdated(session, fw, survey_id, everything)
    counts = analyse_pending(session, batch_size, survey_id, fw=fw)
    counts.marked = marked
    return counts


# --- translations ----------------------------------------------------------------------------


class TranslationProblem(ValueError):
    """A translation that cannot be used; the message says why, for the person typing it."""


def add_translation(session: Session, analysis_id: int, english_text: str, user_id: int | None,
                    fw: ActiveFramework | None = None) -> CommentAnalysis:
    """Keep a reviewer's or partner's English translation of a comment and analyse it
    now (a staff request, never a respondent's). The original is kept as written."""
    row = session.get(CommentAnalysis, analysis_id)
    if row is None:
        raise LookupError(f"no comment analysis {analysis_id}")
    text = (english_text or "").strip()
    if not text:
        raise TranslationProblem("Enter the comment in English")
    if len(text) > 2 * MAX_TEXT_LENGTH:
        raise TranslationProblem(f"The translation must be {2 * MAX_TEXT_LENGTH} characters "
                                 "or fewer")
    if th.detect_language(text) not in ("en", "unknown"):
        raise TranslationProblem("This does not look like English: enter the comment "
                                 "translated into English")
    original = session.scalar(select(Answer.text).where(Answer.id == row.answer_id)) or ""
    row.translation = text
    row.translated_by_id = user_id
    row.translated_at = utcnow()
    row.analysed_at = None
    session.flush()
    item = PendingComment(row.answer_id, row.id, row.response_id, row.survey_id, row.link_id,
                          row.submitted_at, row.question_key, original, text, row.language)
    analyse_comments(session, [item], fw)
    session.refresh(row)
    return row


# --- a reviewer's own theme edits ----------------------------------------------------------------


def _reviewer_row(session: Session, analysis_id: int, code: str,
                  fw: ActiveFramework | None) -> CommentTheme:
    fw = fw or active_framework()
    analysis = session.get(CommentAnalysis, analysis_id)
    if analysis is None:
        raise LookupError(f"no comment analysis {analysis_id}")
    promoted = {c for c, _ in promoted_themes(session, [analysis.survey_id]).get(
        analysis.survey_id, ())}
    if code not in fw.framework.codes and code not in promoted:
        raise ValueError(f"'{code}' is not a theme of the {fw.key} framework")
    theme = session.scalar(select(CommentTheme).where(CommentTheme.analysis_id == analysis_id,
                                                      CommentTheme.theme_code == code))
    if theme is None:
        theme = CommentTheme(analysis_id=analysis_id, theme_code=code,
                             sentiment=th.NEUTRAL, response_id=analysis.response_id,
                             survey_id=analysis.survey_id, link_id=analysis.link_id,
                             submitted_at=analysis.submitted_at)
        session.add(theme)
    return theme


def add_theme(session: Session, analysis_id: int, code: str, sentiment: str,
              user_id: int | None, fw: ActiveFramework | None = None) -> CommentTheme:
    """A reviewer puts theme ``code`` on a comment (or sets its sentiment). Committed."""
    if sentiment not in th.SENTIMENTS:
        raise ValueError(f"sentiment must be one of {', '.join(th.SENTIMENTS)}")
    theme = _reviewer_row(session, analysis_id, code, fw)
    theme.sentiment = sentiment
    theme.source = ThemeSource.REVIEWER.value
    theme.removed_by_reviewer = False
    theme.reviewer_id = user_id
    theme.reviewed_at = utcnow()
    session.commit()
    return theme


def remove_theme(session: Session, analysis_id: int, code: str, user_id: int | None,
                 fw: ActiveFramework | None = None) -> CommentTheme:
    """A reviewer takes theme ``code`` off a comment; re-analysis never puts it back.
    Committed."""
    theme = _reviewer_row(session, analysis_id, code, fw)
    theme.source = ThemeSource.REVIEWER.value
    theme.removed_by_reviewer = True
    theme.reviewer_id = user_id
    theme.reviewed_at = utcnow()
    session.commit()
    return theme


# --- emerging themes ----------------------------------------------------------------------

# Words too general to be a theme on their own ("midwife", "hospital staff").
_GENERIC = frozenset("""
    midwife midwives nurse nurses doctor doctors staff baby babies hospital care birth
    experience time ward wards team service services people thing things day days night
    nights week weeks hour hours month months year years everything anything nothing lot
    lots mum mums mother partner husband son daughter maternity labour pregnancy nhs unit
    room bit way someone everyone something anyone support help place first second whole
    other same good great lovely amazing nice fine bad little big lot overall last next
    """.split()) | STOP_WORDS


def _uncovered(phrase: str, fw: ActiveFramework) -> bool:
    words = phrase.split()
    if not words or len(phrase) > 200 or all(w in _GENERIC for w in words):
        return False
    if any(not w.replace("-", "").replace("'", "").isalpha() for w in words):
        return False
    norm = th.normalise(phrase)
    return not any(theme.matches(norm) for theme in fw.framework.themes)


def refresh_emerging_phrases(session: Session, survey_id: int,
                             fw: ActiveFramework | None = None,
                             min_respondents: int = MIN_RESPONDENTS_FOR_EMERGING) -> int:
    """Recount the noun phrases no framework theme covers, by distinct respondents, and
    keep those raised by at least ``min_respondents`` as "new themes to review". A
    reviewer's promoted or dismissed phrases are kept whatever their count. Committed;
    returns how many phrases are listed."""
    fw = fw or active_framework()
    ca = CommentAnalysis
    counts: Counter[str] = Counter()
    current: int | None = None
    phrases_of_response: set[str] = set()
    rows = session.execute(
        select(ca.response_id, ca.noun_phrases)
        .where(ca.survey_id == survey_id, ca.analysed_at.is_not(None),
               ca.noun_phrases.is_not(None))
        .order_by(ca.response_id).execution_options(yield_per=2000))
    for response_id, phrases in rows:
        if response_id != current:
            counts.update(phrases_of_response)
            phrases_of_response = set()
            current = response_id
        phrases_of_response.update(p for p in phrases or () if isinstance(p, str))
    counts.update(phrases_of_response)
    listed = {p: n for p, n in counts.items() if n >= min_respondents and _uncovered(p, fw)}
    existing = {e.phrase: e for e in session.scalars(
        select(EmergingPhrase).where(EmergingPhrase.survey_id == survey_id))}
    now = utcnow()
    for phrase, n in listed.items():
        entry = existing.get(phrase)
        if entry is None:
            session.add(EmergingPhrase(survey_id=survey_id, phrase=phrase, respondents=n,
                                       first_seen_at=now, updated_at=now))
        elif entry.respondents != n:
            entry.respondents = n
            entry.updated_at = now
    for phrase, entry in existing.items():
        if phrase not in listed and not (entry.promoted or entry.dismissed):
            session.delete(entry)
    session.commit()
    return len(listed)
