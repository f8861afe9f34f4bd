"""Counting responses in SQL: every breakdown is one GROUP BY over indexed answer rows.

Pages and commands call these, then hand the counts to surveyapp.analysis, so a figure
is computed the same way everywhere. Nothing here loops over responses in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, DistributionLink, Response


@dataclass(frozen=True)
class Filters:
    """What a reviewer narrowed the figures to. Empty means everything."""

    date_from: date | None = None
    date_to: date | None = None
    partner_id: int | None = None
    link_id: int | None = None
    version_id: int | None = None

    @property
    def narrows_responses(self) -> bool:
        return any(v is not None for v in (self.date_from, self.date_to, self.partner_id,
                                           self.link_id, self.version_id))

    def apply(self, query: Select, rows=Response) -> Select:  # type: ignore[no-untyped-def]
        """Narrow a query over responses, or over answers (which carry their response's
        link and hour, so no join is needed for those)."""
        if self.date_from is not None:
            query = query.where(rows.submitted_at >= datetime.combine(self.date_from, time.min))
        if self.date_to is not None:
            query = query.where(rows.submitted_at < datetime.combine(
                self.date_to + timedelta(days=1), time.min))
        if self.link_id is not None:
            query = query.where(rows.link_id == self.link_id)
        if self.partner_id is not None:
            query = query.where(rows.link_id.in_(
                select(DistributionLink.id).where(DistributionLink.partner_id
                                                  == self.partner_id)))
        if self.version_id is not None:
            query = query.where(rows.response_id.in_(
                select(Response.id).where(Response.version_id == self.version_id))
                if rows is Answer else rows.version_id == self.version_id)
        return query


NO_FILTERS = Filters()


def response_count(survey_id: int, filters: Filters = NO_FILTERS) -> int:
    query = select(func.count()).select_from(Response).where(Response.survey_id == survey_id)
    return db.session.scalar(filters.apply(query)) or 0


def answer_counts_by_link(survey_id: int, question_key: str,
                          filters: Filters = NO_FILTERS) -> dict[int | None, dict[str, int]]:
    """Respondents per option code, for each link responses came through: one GROUP BY
    that the index (survey_id, question_key, link_id, option_code) answers on its own."""
    query = filters.apply(
        select(Answer.link_id, Answer.option_code, func.count())
        .where(Answer.survey_id == survey_id, Answer.question_key == question_key,
               Answer.option_code.is_not(None))
        .group_by(Answer.link_id, Answer.option_code), rows=Answer)
    result: dict[int | None, dict[str, int]] = {}
    for link_id, code, count in db.session.execute(query):
        result.setdefault(link_id, {})[code] = count
    return result


def total_by_code(by_link: dict[int | None, dict[str, int]]) -> dict[str, int]:
    """Respondents per option code overall: the per-link counts added up (no query)."""
    totals: dict[str, int] = {}
    for counts in by_link.values():
        for code, count in counts.items():
            totals[code] = totals.get(code, 0) + count
    return totals
