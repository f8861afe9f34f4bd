"""Coded comments as reviewers read them: redacted words, themes and sentiment.

Plain functions over a SQLAlchemy session (no Flask). The theme page, the translation
queue and the exports list comments through here, so every one of them shows the words
with personal details removed (surveyapp/analysis/redaction.py); only an admin's page
asks for the original as well.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from surveyapp.analysis.redaction import redact
from surveyapp.models import Answer, CommentAnalysis, CommentTheme, DistributionLink
from surveyapp.themes.classify import safe_cell
from surveyapp.themes.summary import commented_shown, narrow, themes_of_survey

PAGE_SIZE = 25
EXPORT_COLUMNS = ["comment", "month", "link", "question", "language", "translated",
                  "sentiment", "polarity", "themes", "theme_sentiments", "text",
                  "original_text"]


@dataclass(frozen=True)
class ShownTheme:
    code: str
    label: str
    sentiment: str
    by_reviewer: bool


@dataclass(frozen=True)
class CodedComment:
    analysis_id: int
    submitted_at: datetime | None
    question_key: str
    language: str | None
    sentiment: str | None
    polarity: float | None
    text: str  # redacted: the English translation if there is one, else the words as written
    original: str | None  # redacted original, when a translation is shown as ``text``
    raw_original: str = field(repr=False, default="")  # unredacted: admins only
    link_id: int | None = None
    themes: tuple[ShownTheme, ...] = ()


def _coded(row: CommentAnalysis, words: str, labels: dict[str, str]) -> CodedComment:
    shown = tuple(ShownTheme(t.theme_code, labels.get(t.theme_code, t.theme_code), t.sentiment,
                             t.source == "reviewer")
                  for t in row.themes if not t.removed_by_reviewer)
    return CodedComment(
        analysis_id=row.id, submitted_at=row.submitted_at, question_key=row.question_key,
        language=row.language, sentiment=row.sentiment, polarity=row.polarity,
        text=redact(row.translation or words),
        original=redact(words) if row.translation else None, raw_original=words,
        link_id=row.link_id, themes=shown)


def coded_comments(session: Session, survey_id: int, *, theme_code: str | None = None,
                   limit: int | None = PAGE_SIZE, offset: int = 0,
                   **filters: Any) -> list[CodedComment]:
    """Analysed comments, newest first: all of them, or those carrying ``theme_code``
    (not removed by a reviewer). ``filters`` as in surveyapp/themes/summary.py."""
    ca = CommentAnalysis
    query = (select(ca, Answer.text).join(Answer, Answer.id == ca.answer_id)
             .options(selectinload(ca.themes))
             .where(ca.framework_version.is_not(None), ca.needs_translation.is_(False)))
    query = narrow(session, query, ca, survey_id, **filters)
    if theme_code is not None:
        query = query.where(ca.id.in_(select(CommentTheme.analysis_id).where(
            CommentTheme.survey_id == survey_id, CommentTheme.theme_code == theme_code,
            CommentTheme.removed_by_reviewer.is_(False))))
    query = query.order_by(ca.submitted_at.desc(), ca.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    labels = {code: info.label for code, info in themes_of_survey(session, survey_id).items()}
    return [_coded(row, words or "", labels) for row, words in session.execute(query)]


def translation_queue(session: Session, survey_id: int, *, limit: int = PAGE_SIZE,
                      link_ids: Iterable[int] | None = None) -> list[CodedComment]:
    """Comments not in English waiting for a translation, oldest first."""
    ca = CommentAnalysis
    query = (select(ca, Answer.text).join(Answer, Answer.id == ca.answer_id)
             .where(ca.survey_id == survey_id, ca.needs_translation.is_(True))
             .order_by(ca.id).limit(limit))
    if link_ids is not None:
        query = query.where(ca.link_id.in_(sorted(set(link_ids))))
    return [_coded(row, words or "", {}) for row, words in session.execute(query)]


def translation_count(session: Session, survey_id: int, *,
                      link_ids: Iterable[int] | None = None) -> int:
    ca = CommentAnalysis
    query = select(func.count()).select_from(ca).where(ca.survey_id == survey_id,
                                                       ca.needs_translation.is_(True))
    if link_ids is not None:
        query = query.where(ca.link_id.in_(sorted(set(link_ids))))
    return session.scalar(query) or 0


# --- exports ------------------------------------------------------------------------------


def export_rows(session: Session, survey_id: int, threshold: int,
                **filters: Any) -> Iterator[dict[str, Any]]:
    """Every coded comment matching the filters, redacted, as export rows; nothing at all
    when fewer than ``threshold`` respondents wrote them (a handful of comments could be
    told apart, or narrowed to a group whose figures are not shown: see
    surveyapp/themes/summary.py). No respondent identifier, and the month only, never
    the hour."""
    commented, _hidden_because = commented_shown(session, survey_id, threshold=threshold,
                                                 **filters)
    if commented is None or commented < threshold:
        return
    links = dict(session.execute(select(DistributionLink.id, DistributionLink.label)
                                 .where(DistributionLink.survey_id == survey_id)).tuples().all())
    offset = 0
    while True:
        batch = coded_comments(session, survey_id, limit=1000, offset=offset, **filters)
        for c in batch:
            yield {
                "comment": c.analysis_id,
                "month": c.submitted_at.strftime("%Y-%m") if c.submitted_at else "",
                "link": links.get(c.link_id, "") if c.link_id else "Paper or imported",
                "question": c.question_key,
                "language": c.language or "",
                "translated": "yes" if c.original is not None else "no",
                "sentiment": c.sentiment or "",
                "polarity": "" if c.polarity is None else round(c.polarity, 3),
                "themes": ";".join(t.code for t in c.themes),
                "theme_sentiments": ";".join(f"{t.code}:{t.sentiment}" for t in c.themes),
                "text": c.text,
                "original_text": c.original or "",
            }
        if len(batch) < 1000:
            return
        offset += 1000


def _safe(value: Any) -> Any:
    return safe_cell(value) if isinstance(value, str) else value


def export_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return out.getvalue()


def export_xlsx(rows: Iterable[dict[str, Any]], summary: list[Any]) -> IO[bytes]:
    """A workbook: the coded comments, and the themes ranked (small numbers left
    blank). Strings are written as text, never as formulas; rows stream to a temporary
    file (surveyapp/xlsx.py), handed back rewound."""
    from surveyapp.xlsx import workbook  # only exports need it

    def comments() -> Iterator[list[Any]]:
        yield EXPORT_COLUMNS
        for row in rows:
            yield [_safe(row[column]) for column in EXPORT_COLUMNS]

    themes = [["theme", "label", "respondents", "negative", "positive"]]
    themes += [[t.theme_code, _safe(t.label),
                "fewer than threshold" if t.respondents is None else t.respondents,
                "" if t.negative is None else t.negative,
                "" if t.positive is None else t.positive] for t in summary]
    return workbook([("Coded comments", comments()), ("Themes", themes)])


def month_label(value: date | datetime | None) -> str:
    return value.strftime("%B %Y") if value else ""
