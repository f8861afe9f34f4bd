"""The overview of one survey: the figures the review pack, the overview page and the
exports share, so each number is computed once (see DESIGN.md).

Responses, their trend and the Friends and Family Test are read from the per-day counts
(surveyapp.models.daily_counts), so the page adds up a few thousand rows however many
responses there are; languages and sources are one GROUP BY over responses. Every count
is made safe with surveyapp.analysis.disclosure before it leaves this module.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, func, select

from surveyapp.analysis.disclosure import Protected, completion_rate, protect, shown_total
from surveyapp.analysis.fft import FftScore, fft_score, is_fft_codes
from surveyapp.extensions import db
from surveyapp.insights.queries import Filters
from surveyapp.insights.representation import Counts, benchmarks_for, representations
from surveyapp.models import (
    Answer,
    DailyAnswerCount,
    DailyResponseCount,
    DistributionLink,
    LinkDailyCount,
    Response,
    Survey,
    SurveyVersion,
)
from surveyapp.models.daily_counts import NO_LINK
from surveyapp.surveys.definition import Definition, from_document

WEEKS_SHOWN = 12


@dataclass(frozen=True)
class Overview:
    survey: Survey
    filters: Filters
    threshold: int
    responses: int | None  # None: 1 to threshold - 1 ("fewer than N")
    this_month: int | None
    weeks: list[tuple[date, int | None]]  # (Monday, responses that week)
    started: int | None
    completion: float | None
    languages: Protected
    sources: Protected
    fft_question: str | None
    fft: FftScore | None
    fft_by_month: list[tuple[str, FftScore]]
    flags: list[str]
    raw_total: int = field(repr=False, default=0)

    @property
    def too_few(self) -> bool:
        return self.raw_total < self.threshold


def definition_for(survey: Survey, version_id: int | None = None) -> Definition | None:
    """The definition the labels come from: the chosen version, else the latest one."""
    query = select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
    if version_id is not None:
        query = query.where(SurveyVersion.id == version_id)
    version = db.session.scalar(query.order_by(SurveyVersion.published_at.is_(None),
                                               SurveyVersion.number.desc()).limit(1))
    return from_document(version.definition) if version is not None else None


def fft_question_key(definition: Definition | None) -> str | None:
    """The survey's Friends and Family Test question: its first rating on the FFT scale."""
    if definition is None:
        return None
    for question in definition.questions:
        if question.type == "rating" and is_fft_codes({o.code for o in question.options}):
            return question.key
    return None


def responses_by_day(survey_id: int, filters: Filters) -> dict[date, int]:
    if filters.by_day_and_link:
        query = filters.apply_to_days(
            select(DailyResponseCount.day, func.sum(DailyResponseCount.responses))
            .where(DailyResponseCount.survey_id == survey_id)
            .group_by(DailyResponseCount.day), DailyResponseCount)
    else:
        day = func.date(Response.submitted_at, type_=Date)
        query = filters.apply(select(day, func.count()).where(Response.survey_id == survey_id)
                              .group_by(day))
    return {_as_date(d): int(n) for d, n in db.session.execute(query) if n}


def answers_by_day(survey_id: int, question_key: str, filters: Filters
                   ) -> dict[date, dict[str, int]]:
    if filters.by_day_and_link:
        query = filters.apply_to_days(
            select(DailyAnswerCount.day, DailyAnswerCount.option_code,
                   func.sum(DailyAnswerCount.answers))
            .where(DailyAnswerCount.survey_id == survey_id,
                   DailyAnswerCount.question_key == question_key)
            .group_by(DailyAnswerCount.day, DailyAnswerCount.option_code), DailyAnswerCount)
    else:
        day = func.date(Answer.submitted_at, type_=Date)
        query = filters.apply(
            select(day, Answer.option_code, func.count())
            .where(Answer.survey_id == survey_id, Answer.question_key == question_key,
                   Answer.option_code.is_not(None))
            .group_by(day, Answer.option_code), rows=Answer)
    result: dict[date, dict[str, int]] = defaultdict(dict)
    for d, code, n in db.session.execute(query):
        if n:
            result[_as_date(d)][code] = int(n)
    return result


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def link_ids(survey_id: int, filters: Filters) -> list[int]:
    query = select(DistributionLink.id).where(DistributionLink.survey_id == survey_id)
    if filters.partner_id is not None:
        query = query.where(DistributionLink.partner_id == filters.partner_id)
    if filters.link_id is not None:
        query = query.where(DistributionLink.id == filters.link_id)
    return list(db.session.scalars(query))


def started_count(survey_id: int, filters: Filters) -> int:
    """Surveys started online (the anonymous per-link start counts, which outlive drafts:
    drafts are deleted on submission and purged when old)."""
    query = select(func.coalesce(func.sum(LinkDailyCount.started), 0)).where(
        LinkDailyCount.link_id.in_(link_ids(survey_id, filters)))
    if filters.date_from is not None:
        query = query.where(LinkDailyCount.day >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(LinkDailyCount.day <= filters.date_to)
    return int(db.session.scalar(query) or 0)


def submitted_online(survey_id: int, filters: Filters) -> int:
    """Responses that came through a link (what the start counts can be compared with)."""
    if filters.by_day_and_link:
        query = filters.apply_to_days(
            select(func.coalesce(func.sum(DailyResponseCount.responses), 0))
            .where(DailyResponseCount.survey_id == survey_id,
                   DailyResponseCount.link_id != NO_LINK), DailyResponseCount)
    else:
        query = filters.apply(select(func.count()).select_from(Response).where(
            Response.survey_id == survey_id, Response.link_id.is_not(None)))
    return int(db.session.scalar(query) or 0)


def languages_and_sources(survey_id: int, filters: Filters
                          ) -> tuple[dict[str, int], dict[str, int]]:
    """One GROUP BY over responses for both breakdowns."""
    query = filters.apply(select(Response.language, Response.source, func.count())
                          .where(Response.survey_id == survey_id)
                          .group_by(Response.language, Response.source))
    languages: dict[str, int] = defaultdict(int)
    sources: dict[str, int] = defaultdict(int)
    for language, source, n in db.session.execute(query):
        languages[language] += n
        sources[source] += n
    return (dict(sorted(languages.items(), key=lambda kv: -kv[1])),
            dict(sorted(sources.items())))


def weekly(by_day: dict[date, int], last_day: date, threshold: int
           ) -> list[tuple[date, int | None]]:
    """Responses per week (Monday to Sunday), the last WEEKS_SHOWN weeks to `last_day`.

    Protected as one table with the responses outside those weeks, so that no small week
    can be worked out from the total and the other weeks."""
    monday = last_day - timedelta(days=last_day.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(WEEKS_SHOWN - 1, -1, -1)]
    totals: dict[str, int] = {start.isoformat(): 0 for start in starts}
    outside = 0
    for day, n in by_day.items():
        start = (day - timedelta(days=day.weekday())).isoformat()
        if start in totals:
            totals[start] += n
        else:
            outside += n
    cells = protect({**totals, "outside": outside}, threshold).cells
    return [(start, cells[start.isoformat()]) for start in starts]


def fft_monthly(by_day: dict[date, dict[str, int]], threshold: int
                ) -> tuple[FftScore, list[tuple[str, FftScore]]]:
    months: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    overall: dict[str, int] = defaultdict(int)
    for day, codes in by_day.items():
        for code, n in codes.items():
            months[day.strftime("%Y-%m")][code] += n
            overall[code] += n
    return (fft_score(overall, threshold),
            [(month, fft_score(months[month], threshold)) for month in sorted(months)])


def _safe_order(table: Protected) -> Protected:
    """Shown counts largest first, then the hidden ones by key: ordered by their true
    counts, the hidden rows would say which small group is the larger."""
    order = sorted(table.cells, key=lambda k: (table.cells[k] is None,
                                               -(table.cells[k] or 0), k))
    return dataclasses.replace(table, cells={k: table.cells[k] for k in order})


def build_overview(survey: Survey, filters: Filters, threshold: int, today: date,
                   partner_id: int | None = None) -> Overview:
    by_day = responses_by_day(survey.id, filters)
    total = sum(by_day.values())
    month_start = today.replace(day=1)
    this_month = sum(n for day, n in by_day.items() if month_start <= day <= today)
    last_day = min(today, filters.date_to) if filters.date_to else today
    started = started_count(survey.id, filters)
    submitted = submitted_online(survey.id, filters)
    languages, sources = languages_and_sources(survey.id, filters)
    key = fft_question_key(definition_for(survey, filters.version_id))
    fft, by_month = (None, [])
    if key is not None:
        fft, by_month = fft_monthly(answers_by_day(survey.id, key, filters), threshold)
    flags: list[str] = []
    if total >= threshold:
        counts = Counts(survey.id, filters)
        for view in representations(survey, benchmarks_for(survey, partner_id), filters,
                                    threshold, counts):
            flags += view.suggestions
    return Overview(
        survey=survey, filters=filters, threshold=threshold,
        responses=shown_total(total, threshold),
        this_month=shown_total(this_month, threshold),
        weeks=weekly(by_day, last_day, threshold),
        started=shown_total(started, threshold),
        completion=completion_rate(submitted, started, threshold),
        languages=_safe_order(protect(languages, threshold)),
        sources=protect(sources, threshold),
        fft_question=key, fft=fft, fft_by_month=by_month, flags=flags, raw_total=total)
