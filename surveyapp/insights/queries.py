"""Counting responses in SQL: every breakdown is one GROUP BY.

Breakdowns by answer and by link are read from the per-day counts
(surveyapp.models.daily_counts: thousands of rows for a million responses, kept in step
with every response stored or deleted); the filters are by whole days and by link, so
those figures are exactly the ones counted from the answers (the `*_from_answers`
functions, still used when a filter the per-day counts do not carry is set, and by tests).

Pages and commands call these, then hand the counts to surveyapp.analysis, so a figure
is computed the same way everywhere. Nothing here loops over responses in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from surveyapp.extensions import db
from surveyapp.models import (
    Answer,
    DailyAnswerCount,
    DailyResponseCount,
    DistributionLink,
    Response,
)
from surveyapp.models.daily_counts import NO_LINK


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
        query = self._narrow_to_links(query, rows.link_id)
        if self.version_id is not None:
            query = query.where(rows.response_id.in_(
                select(Response.id).where(Response.version_id == self.version_id))
                if rows is Answer else rows.version_id == self.version_id)
        return query

    @property
    def by_day_and_link(self) -> bool:
        """Whether the per-day counts carry every filter set (all but the version do)."""
        return self.version_id is None

    def apply_to_days(self, query: Select, rows: type[DailyAnswerCount | DailyResponseCount]
                      ) -> Select:
        """Narrow a query over the per-day counts: whole days, as `apply` does."""
        if self.date_from is not None:
            query = query.where(rows.day >= self.date_from)
        if self.date_to is not None:
            query = query.where(rows.day <= self.date_to)
        return self._narrow_to_links(query, rows.link_id)

    def _narrow_to_links(self, query: Select, link_id: Any) -> Select:
        if self.link_id is not None:
            query = query.where(link_id == self.link_id)
        if self.partner_id is not None:
            query = query.where(link_id.in_(
                select(DistributionLink.id).where(DistributionLink.partner_id
                                                  == self.partner_id)))
        return query


NO_FILTERS = Filters()


def response_count(survey_id: int, filters: Filters = NO_FILTERS) -> int:
    """Responses counted one by one (the survey list's count: no per-day counts used)."""
    query = select(func.count()).select_from(Response).where(Response.survey_id == survey_id)
    return db.session.scalar(filters.apply(query)) or 0


def _link(link_id: int | None) -> int | None:
    return None if link_id == NO_LINK else link_id


def responses_by_link(survey_id: int, filters: Filters = NO_FILTERS) -> dict[int | None, int]:
    """Responses through each link (None: no link), from the per-day counts."""
    if not filters.by_day_and_link:
        return responses_by_link_from_responses(survey_id, filters)
    query = filters.apply_to_days(
        select(DailyResponseCount.link_id, func.sum(DailyResponseCount.responses))
        .where(DailyResponseCount.survey_id == survey_id)
        .group_by(DailyResponseCount.link_id), DailyResponseCount)
    return {_link(link_id): int(count) for link_id, count in db.session.execute(query)
            if count}


def responses_by_link_from_responses(survey_id: int, filters: Filters = NO_FILTERS
                                     ) -> dict[int | None, int]:
    query = filters.apply(select(Response.link_id, func.count())
                          .where(Response.survey_id == survey_id).group_by(Response.link_id))
    return dict(db.session.execute(query).tuples().all())


def answer_counts_by_link(survey_id: int, question_key: str,
                          filters: Filters = NO_FILTERS) -> dict[int | None, dict[str, int]]:
    """Respondents per option code, for each link responses came through (None: no link):
    one GROUP BY over the question's per-day counts."""
    if not filters.by_day_and_link:
        return answer_counts_by_link_from_answers(survey_id, question_key, filters)
    query = filters.apply_to_days(
        select(DailyAnswerCount.link_id, DailyAnswerCount.option_code,
               func.sum(DailyAnswerCount.answers))
        .where(DailyAnswerCount.survey_id == survey_id,
               DailyAnswerCount.question_key == question_key)
        .group_by(DailyAnswerCount.link_id, DailyAnswerCount.option_code), DailyAnswerCount)
    result: dict[int | None, dict[str, int]] = {}
    for link_id, code, count in db.session.execute(query):
        if count:
            result.setdefault(_link(link_id), {})[code] = int(count)
    return result


def answer_counts_by_link_from_answers(survey_id: int, question_key: str,
                                       filters: Filters = NO_FILTERS
                                       ) -> dict[int | None, dict[str, int]]:
    """The same, counted from the answers: one GROUP BY that the index (survey_id,
    question_key, link_id, option_code) answers on its own."""
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
