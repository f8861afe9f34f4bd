"""How far a link reaches: responses per week, completion, languages and ethnic groups.

Every number is counted in the database (GROUP BY) and then passed through
surveyapp.analysis.disclosure, so nothing under the small-number threshold, and nothing
that would give one away, reaches a page. Nothing here reads a respondent's own answers:
only counts of coded answers, never free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, select

from surveyapp import demographics
from surveyapp.analysis.disclosure import completion_rate, protect, shown_total
from surveyapp.extensions import db
from surveyapp.models import Answer, DistributionLink, LinkDailyCount, Response

ETHNIC_QUESTION = demographics.DEMOGRAPHIC_QUESTIONS["ethnic_group"]["key"]
NOT_STATED = "not_stated"
MAX_WEEKS = 26  # older weeks are added together in one "earlier" row
EARLIER = "earlier"


@dataclass(frozen=True)
class Cell:
    key: str
    value: int | None  # None: not shown
    reason: str | None  # disclosure.SMALL / SECONDARY / WITHHELD when not shown


@dataclass(frozen=True)
class Table:
    cells: list[Cell]
    total: int
    withheld: bool


@dataclass(frozen=True)
class Bar:
    cell: Cell
    x: float
    height: float
    label: str | None  # the week's date under the bar, on some bars only


@dataclass(frozen=True)
class Reach:
    responses: int  # the true number: only ever shown through `responses_shown`
    responses_shown: int | None
    started_shown: int | None
    rate: float | None
    enough_starts: bool
    threshold: int
    weeks: Table | None
    week_starts: dict[str, date]
    bars: list[Bar]
    languages: Table | None
    ethnic_groups: Table | None

    @property
    def breakdowns_shown(self) -> bool:
        return self.responses >= self.threshold


def response_counts(link_ids: Iterable[int], threshold: int) -> dict[int, Cell]:
    """Responses through each link, for lists of links (no total is shown beside them)."""
    ids = list(link_ids)
    if not ids:
        return {}
    counted = dict(db.session.execute(
        select(Response.link_id, func.count(Response.id))
        .where(Response.link_id.in_(ids)).group_by(Response.link_id)).all())
    counts = {str(link_id): counted.get(link_id, 0) for link_id in ids}
    return {int(cell.key): cell for cell in _cells(counts, threshold, total_shown=False).cells}


def reach_of(link: DistributionLink, threshold: int, today: date | None = None) -> Reach:
    today = today or date.today()
    responses = db.session.scalar(
        select(func.count(Response.id)).where(Response.link_id == link.id)) or 0
    started = db.session.scalar(
        select(func.coalesce(func.sum(LinkDailyCount.started), 0))
        .where(LinkDailyCount.link_id == link.id)) or 0
    rate = completion_rate(responses, started, threshold)
    weeks = languages = ethnic = None
    week_starts: dict[str, date] = {}
    bars: list[Bar] = []
    if responses >= threshold:
        week_counts, week_starts = _weekly(link, today)
        weeks = _cells(week_counts, threshold)
        bars = _bars(weeks, week_starts)
        languages = _cells(_languages(link), threshold)
        ethnic = _cells(_ethnic_groups(link, responses), threshold)
    return Reach(
        responses=responses, responses_shown=shown_total(responses, threshold),
        started_shown=shown_total(started, threshold), rate=rate,
        enough_starts=started >= max(threshold, 1), threshold=threshold,
        weeks=weeks, week_starts=week_starts, bars=bars, languages=languages,
        ethnic_groups=ethnic)


def _cells(counts: Mapping[str, int], threshold: int, total_shown: bool = True) -> Table:
    protected = protect(counts, threshold, total_shown)
    return Table(
        cells=[Cell(key, value, protected.reason(key)) for key, value in protected.cells.items()],
        total=sum(counts.values()), withheld=protected.withheld)


def _weekly(link: DistributionLink, today: date) -> tuple[dict[str, int], dict[str, date]]:
    """Responses per week (Monday to Sunday), from the first response's week to this week.

    Counted per day in SQL (date() works on SQLite and PostgreSQL alike), then the days
    are added into weeks here: a handful of rows, not one per response.
    """
    day = func.date(Response.submitted_at)
    per_day = db.session.execute(
        select(day, func.count(Response.id)).where(Response.link_id == link.id).group_by(day)
    ).all()
    by_week: dict[date, int] = {}
    for when, count in per_day:
        monday = _monday(_as_date(when))
        by_week[monday] = by_week.get(monday, 0) + count
    if not by_week:
        return {}, {}
    first, last = min(by_week), max(max(by_week), _monday(today))
    mondays = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    counts: dict[str, int] = {}
    starts: dict[str, date] = {}
    if len(mondays) > MAX_WEEKS:
        older, mondays = mondays[:-MAX_WEEKS + 1], mondays[-MAX_WEEKS + 1:]
        counts[EARLIER] = sum(by_week.get(monday, 0) for monday in older)
        starts[EARLIER] = mondays[0]  # "before <the first week shown>"
    for monday in mondays:
        key = monday.isoformat()
        counts[key] = by_week.get(monday, 0)
        starts[key] = monday
    return counts, starts


def _languages(link: DistributionLink) -> dict[str, int]:
    """Responses per language used; the survey's languages come first, with their zeros."""
    counted = dict(db.session.execute(
        select(Response.language, func.count(Response.id))
        .where(Response.link_id == link.id).group_by(Response.language)).all())
    version = link.survey.latest_published()
    offered = list(version.definition.get("languages", [])) if version else []
    keys = offered + sorted(set(counted) - set(offered))
    return {key: counted.get(key, 0) for key in keys}


def _ethnic_groups(link: DistributionLink, responses: int) -> dict[str, int]:
    """Respondents per Census 2021 ethnic group, and those who did not say."""
    per_option = db.session.execute(
        select(Answer.option_code, func.count(distinct(Answer.response_id)))
        .join(Response, Answer.response_id == Response.id)
        .where(Response.link_id == link.id, Answer.question_key == ETHNIC_QUESTION)
        .group_by(Answer.option_code)).all()
    counts = dict.fromkeys([*demographics.ETHNIC_GROUPS, NOT_STATED], 0)
    answered = 0
    for option, count in per_option:  # one row per answer option (at most 20)
        counts[demographics.census_group(option) or NOT_STATED] += count
        answered += count
    counts[NOT_STATED] += max(responses - answered, 0)  # skipped the question
    return counts


def _bars(weeks: Table, starts: Mapping[str, date]) -> list[Bar]:
    """Bar geometry for the weekly chart (viewBox 0 0 CHART_WIDTH CHART_HEIGHT)."""
    shown = [cell.value for cell in weeks.cells if cell.value is not None]
    tallest = max(shown, default=0) or 1
    step = CHART_WIDTH / max(len(weeks.cells), 1)
    every = max(1, len(weeks.cells) // 6)
    bars = []
    for index, cell in enumerate(weeks.cells):
        height = (cell.value or 0) / tallest * BAR_AREA
        day = starts[cell.key]
        label = f"{day.day} {day:%b}" if index % every == 0 and cell.key != EARLIER else None
        bars.append(Bar(cell=cell, x=round(index * step + step * 0.15, 2),
                        height=round(height, 2), label=label))
    return bars


CHART_WIDTH = 600
CHART_HEIGHT = 220
BAR_AREA = 170  # the tallest bar; the rest is room for the labels
BASELINE = 190


def bar_width(count: int) -> float:
    return round(CHART_WIDTH / max(count, 1) * 0.7, 2)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _as_date(value: date | datetime | str) -> date:
    """SQLite's date() gives text, PostgreSQL's a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
