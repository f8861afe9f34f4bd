"""Deleting responses: by retention period (`flask purge`) or by receipt code (erasure).

One plain function does the deleting for both, so they delete the same things in the same
way: a response, its answers and (through ON DELETE CASCADE) anything derived from them,
in batches so a large purge never holds a long lock, with the per-day summary counts put
right in the same transaction as each batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from surveyapp.models import Answer, Draft, Response
from surveyapp.respond.journey import RECEIPT_ALPHABET, fingerprint

BATCH_SIZE = 500
# A receipt code is three groups of four from RECEIPT_ALPHABET: ABCD-EFGH-JK23.
RECEIPT_LENGTH = 12


@dataclass
class DeletedSummary:
    responses: int = 0
    answers: int = 0
    # (survey id, day submitted) for every response deleted: the summaries to refresh.
    days: set[tuple[int, date]] = field(default_factory=set)


def delete_responses(session: Session, where: ColumnElement[bool],
                     batch_size: int = BATCH_SIZE) -> DeletedSummary:
    """Delete every response matching `where`, with its answers, committing each batch.

    Answers are deleted explicitly (not left to the cascade) so the count is exact and
    nothing depends on SQLite's foreign-key setting; tables derived from answers (comment
    analysis) go with them through their ON DELETE CASCADE foreign keys.
    """
    summary = DeletedSummary()
    while True:
        batch = session.execute(
            select(Response.id, Response.survey_id, Response.submitted_at)
            .where(where).order_by(Response.id).limit(batch_size)).all()
        if not batch:
            return summary
        ids = [row.id for row in batch]
        touched = {(row.survey_id, _day(row.submitted_at)) for row in batch}
        answers = session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
        session.execute(delete(Response).where(Response.id.in_(ids)))
        refresh_daily_summaries(session, touched)
        session.commit()
        summary.responses += len(ids)
        summary.answers += answers.rowcount  # type: ignore[attr-defined]
        summary.days |= touched


def count_responses(session: Session, where: ColumnElement[bool]) -> tuple[int, int]:
    """(responses, answers) that `delete_responses(session, where)` would delete."""
    responses = session.scalar(select(func.count()).select_from(Response).where(where)) or 0
    answers = session.scalar(
        select(func.count()).select_from(Answer)
        .where(Answer.response_id.in_(select(Response.id).where(where)))) or 0
    return responses, answers


def refresh_daily_summaries(session: Session, touched: Iterable[tuple[int, date]]) -> None:
    """Recount the per-day summary rows of the days whose responses were deleted.

    The statement hooks in models/daily_counts.py already take deleted rows off the
    counts; recounting the touched days as well keeps the summary right whatever else
    happened to those rows (a text-SQL fix, a restored backup)."""
    # Imported here: surveyapp.insights imports its blueprint's routes.
    from surveyapp.insights.summary import refresh_daily_counts

    by_survey: dict[int, set[date]] = defaultdict(set)
    for survey_id, day in touched:
        by_survey[survey_id].add(day)
    for survey_id, days in sorted(by_survey.items()):
        refresh_daily_counts(session, survey_id, days)


def _day(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


# --- retention ------------------------------------------------------------------------


def submitted_before(cutoff: datetime) -> ColumnElement[bool]:
    return Response.submitted_at < cutoff


def delete_drafts(session: Session, cutoff: datetime) -> int:
    """Unfinished surveys last saved before `cutoff`."""
    result = session.execute(delete(Draft).where(Draft.updated_at < cutoff))
    session.commit()
    return result.rowcount  # type: ignore[attr-defined]


def count_drafts(session: Session, cutoff: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Draft)
                          .where(Draft.updated_at < cutoff)) or 0


# --- receipt codes --------------------------------------------------------------------


def normalise_receipt(typed: str | None) -> str | None:
    """The code as it was issued (ABCD-EFGH-JK23), from what she typed: any case, with or
    without the hyphens or spaces. None if it cannot be a receipt code at all."""
    letters = "".join(ch for ch in (typed or "").upper() if not ch.isspace() and ch != "-")
    if len(letters) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in letters):
        return None
    return f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"


def with_receipt(code: str) -> ColumnElement[bool]:
    """The response issued with this receipt code (only its hash is stored)."""
    return Response.receipt_hash == fingerprint(code)


def find_by_receipt(session: Session, code: str) -> Response | None:
    return session.scalar(select(Response).where(with_receipt(code)))
