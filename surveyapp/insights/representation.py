"""Who is missing, for one survey: counts from SQL, statistics from analysis/, and small
numbers made safe, as one table that the page, the CSV download and the command share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from surveyapp.analysis.disclosure import Protected, protect
from surveyapp.analysis.representation import (
    FLAG_LABELS,
    NO_RESPONSES,
    UNDER,
    Representation,
    compare,
    regroup,
    suggestion,
)
from surveyapp.demographics import PREFER_NOT_TO_SAY
from surveyapp.extensions import db
from surveyapp.insights.queries import (
    Filters,
    answer_counts_by_link,
    response_count,
    total_by_code,
)
from surveyapp.models import DistributionLink, PopulationBenchmark, Survey
from surveyapp.population import (
    BIRTHS,
    DIMENSION_LABELS,
    DIMENSION_QUESTION,
    TO_GROUP,
    group_label,
)
from surveyapp.population.store import partner_benchmarks, survey_benchmarks

NOT_STATED_ROW = "prefer_not_to_say"
UNANSWERED_ROW = "not_answered"


@dataclass(frozen=True)
class RepresentationView:
    survey: Survey
    benchmark: PopulationBenchmark
    result: Representation
    protected: Protected
    threshold: int
    suggestions: list[str]

    @property
    def dimension_label(self) -> str:
        return DIMENSION_LABELS.get(self.benchmark.dimension, self.benchmark.dimension)

    @property
    def compared_with(self) -> str:
        """What the figures are compared with, always said on the page."""
        who = "births" if self.benchmark.population == BIRTHS else "residents"
        return (f"{who} in {self.benchmark.area_name}, {self.benchmark.period} "
                f"({self.benchmark.source})")

    def shown(self, key: str) -> int | None:
        return self.protected.cells.get(key)

    def rows(self) -> list[dict[str, Any]]:
        """The table, with every figure that could reveal a hidden count left out."""
        rows = []
        for group in self.result.groups:
            hidden = self.shown(group.group) is None
            rows.append({
                "group": group.group,
                "label": group_label(self.benchmark.dimension, group.group),
                "respondents": None if hidden else group.respondents,
                "hidden": hidden,
                "sample_share": None if hidden else group.sample_share,
                "ci_low": None if hidden else group.ci_low,
                "ci_high": None if hidden else group.ci_high,
                "reference_share": group.reference_share,
                "expected": group.expected,
                "ratio": None if hidden else group.ratio,
                "residual": None if hidden else group.residual,
                "weight": None if hidden else group.weight,
                "flag": group.flag,
                "flag_label": FLAG_LABELS[group.flag],
            })
        return rows


def benchmarks_for(survey: Survey, partner_id: int | None = None) -> list[PopulationBenchmark]:
    """The survey's benchmarks, one per dimension; a partner's own benchmark (the area her
    organisation serves) takes the place of the survey's for the same dimension."""
    chosen = survey_benchmarks(survey.id)
    if partner_id is not None:
        chosen.update(partner_benchmarks(partner_id))
    return [chosen[d] for d in sorted(chosen) if DIMENSION_QUESTION.get(d)]


class Counts:
    """The SQL figures one page needs, each fetched once: several benchmarks of the same
    question (ethnic group at 19 and at 5 levels) share one GROUP BY."""

    def __init__(self, survey_id: int, filters: Filters):
        self.survey_id = survey_id
        self.filters = filters
        self._by_link: dict[str, dict[int | None, dict[str, int]]] = {}
        self._total: int | None = None

    def by_link(self, question: str) -> dict[int | None, dict[str, int]]:
        if question not in self._by_link:
            self._by_link[question] = answer_counts_by_link(self.survey_id, question,
                                                            self.filters)
        return self._by_link[question]

    def by_code(self, question: str) -> dict[str, int]:
        return total_by_code(self.by_link(question))

    @property
    def responses(self) -> int:
        if self._total is None:
            self._total = response_count(self.survey_id, self.filters)
        return self._total


def representation(survey: Survey, benchmark: PopulationBenchmark, filters: Filters,
                   threshold: int, counts_cache: Counts | None = None) -> RepresentationView:
    question = DIMENSION_QUESTION[benchmark.dimension]
    assert question is not None  # noqa: S101 - benchmarks_for() keeps answerable ones
    cache = counts_cache or Counts(survey.id, filters)
    to_group = TO_GROUP[benchmark.dimension]
    counts = cache.by_code(question)
    not_stated = counts.pop(PREFER_NOT_TO_SAY, 0)
    total = cache.responses
    reference = benchmark.reference()
    grouped = regroup(counts, to_group)
    answered_other = sum(counts.values()) - sum(grouped.values())  # codes with no group
    unanswered = max(total - sum(counts.values()) - not_stated, 0) + answered_other
    result = compare(grouped, reference, not_stated=not_stated, unanswered=unanswered)
    table = {g.group: g.respondents for g in result.groups}
    table[NOT_STATED_ROW] = not_stated
    table[UNANSWERED_ROW] = unanswered
    protected = protect(table, threshold)
    return RepresentationView(survey=survey, benchmark=benchmark, result=result,
                              protected=protected, threshold=threshold,
                              suggestions=_suggestions(survey, benchmark, result, question,
                                                       filters, threshold, protected, cache))


def _suggestions(survey: Survey, benchmark: PopulationBenchmark, result: Representation,
                 question: str, filters: Filters, threshold: int,
                 protected: Protected, cache: Counts) -> list[str]:
    missing = result.flagged(UNDER, NO_RESPONSES)
    if not missing:
        return []
    to_group = TO_GROUP[benchmark.dimension]
    by_link_id = cache.by_link(question)
    query = (select(DistributionLink).options(selectinload(DistributionLink.partner))
             .where(DistributionLink.survey_id == survey.id))
    if filters.partner_id is not None:
        query = query.where(DistributionLink.partner_id == filters.partner_id)
    links = {link.id: link for link in db.session.scalars(query)}
    by_link: dict[str, dict[str, int]] = {}
    for link_id, counts in by_link_id.items():
        if filters.partner_id is not None and link_id not in links:
            continue
        link = links.get(link_id) if link_id is not None else None
        name = (f"the {link.label} link ({link.partner.name})" if link
                else "paper and imported responses")
        by_link[name] = regroup(counts, to_group)
    for link in links.values():
        by_link.setdefault(f"the {link.label} link ({link.partner.name})", {})
    where = ("births at " if benchmark.population == BIRTHS else "residents of ") \
        + benchmark.area_name
    return [suggestion(group, group_label(benchmark.dimension, group.group), where, by_link,
                       threshold, share_hidden=protected.cells.get(group.group) is None)
            for group in missing]


CSV_COLUMNS = ["dimension", "group", "label", "respondents", "sample_share", "ci_low",
               "ci_high", "reference_share", "expected", "ratio", "residual", "weight",
               "flag"]


def csv_rows(view: RepresentationView) -> list[dict[str, Any]]:
    """The page's table for CSV and JSON: suppressed counts say "fewer than N"."""
    rows = []
    for row in view.rows():
        rows.append({
            "dimension": view.benchmark.dimension, "group": row["group"],
            "label": row["label"],
            "respondents": _count_text(row["respondents"], view.protected.reason(row["group"]),
                                       view.threshold),
            **{name: _round(row[name]) for name in
               ("sample_share", "ci_low", "ci_high", "reference_share", "expected", "ratio",
                "residual", "weight")},
            "flag": row["flag"],
        })
    for key, label in ((NOT_STATED_ROW, "Prefer not to say"), (UNANSWERED_ROW, "Not answered")):
        rows.append({"dimension": view.benchmark.dimension, "group": key, "label": label,
                     "respondents": _count_text(view.shown(key), view.protected.reason(key),
                                                view.threshold),
                     **dict.fromkeys(CSV_COLUMNS[4:-1], ""), "flag": ""})
    return rows


def _count_text(value: int | None, reason: str | None, threshold: int) -> str | int:
    if value is not None:
        return value
    return f"fewer than {threshold}" if reason == "small" else "not shown"


def _round(value: float | None) -> str | float:
    return "" if value is None else round(value, 4)
