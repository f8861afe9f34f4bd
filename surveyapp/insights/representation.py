"""Who is missing, for one survey: counts from SQL, statistics from analysis/, and small
numbers made safe, as one table that the page, the CSV download and the command share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from surveyapp.analysis.disclosure import (
    SMALL,
    WITHHELD,
    Protected,
    ProtectedTable,
    protect,
    protect_related,
    protect_two_way,
)
from surveyapp.analysis.representation import (
    FLAG_LABELS,
    NO_RESPONSES,
    UNDER,
    Representation,
    as_shown,
    compare,
    regroup,
    suggestion,
)
from surveyapp.demographics import PREFER_NOT_TO_SAY
from surveyapp.extensions import db
from surveyapp.insights.queries import (
    Filters,
    answer_counts_by_link,
    responses_by_link,
    total_by_code,
)
from surveyapp.models import DistributionLink, PopulationBenchmark, Survey
from surveyapp.models.daily_counts import NO_LINK
from surveyapp.population import (
    BIRTHS,
    DIMENSION_LABELS,
    DIMENSION_QUESTION,
    ETHNIC_GROUP_5,
    ETHNIC_GROUP_19,
    GROUP_CODES,
    MATERNITY_ETHNIC_GROUP,
    TO_GROUP,
    group_label,
)
from surveyapp.population.store import partner_benchmarks, survey_benchmarks

NOT_STATED_ROW = "prefer_not_to_say"
UNANSWERED_ROW = "not_answered"
# Respondents in a group the population figures do not have: not compared, so not in
# the table by group, but in the table by link so that each link's total is its responses.
OTHER_GROUPS = "other_groups"
ROW_LABELS = {NOT_STATED_ROW: "Prefer not to say", UNANSWERED_ROW: "Not answered",
              OTHER_GROUPS: "A group the population figures do not have"}
PAPER = "Paper and imported responses"
ETHNIC_DIMENSIONS = {ETHNIC_GROUP_19, ETHNIC_GROUP_5, MATERNITY_ETHNIC_GROUP}


@dataclass(frozen=True)
class LinkRow:
    """A link of the table by link; `key` is the link's id, or NO_LINK for responses that
    came through no link (paper and imported)."""

    key: int
    label: str
    partner: str | None = None

    @property
    def name(self) -> str:
        """How a sentence names it."""
        if self.key == NO_LINK:
            return "paper and imported responses"
        return f"the {self.label} link ({self.partner})"


@dataclass(frozen=True)
class ReachTable:
    """Which links reached which groups: respondents per link and per group (the columns
    of the table by group, so its column totals are that table's counts), made safe with
    two-way suppression."""

    links: list[LinkRow]
    groups: list[str]
    protected: ProtectedTable

    @property
    def withheld(self) -> bool:
        return self.protected.withheld

    def value(self, link_key: int | None, group: str | None) -> int | None:
        return self.protected.value(link_key, group)

    def reason(self, link_key: int | None, group: str | None) -> str | None:
        return self.protected.reason(link_key, group)

    def not_shown(self, group: str) -> dict[str, str]:
        """Links (by name) whose number for `group` is hidden, and why."""
        return {link.name: reason for link in self.links
                if (reason := self.reason(link.key, group)) is not None}


@dataclass(frozen=True)
class RepresentationView:
    survey: Survey
    benchmark: PopulationBenchmark
    result: Representation
    protected: Protected
    threshold: int
    suggestions: list[str]
    reach: ReachTable | None = None

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

    def label(self, key: str) -> str:
        """A group's (or "Prefer not to say"'s, "Not answered"'s) name."""
        return ROW_LABELS.get(key) or group_label(self.benchmark.dimension, key)

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
        self._responses_by_link: dict[int | None, int] | None = None
        self._links: list[LinkRow] | None = None

    def by_link(self, question: str) -> dict[int | None, dict[str, int]]:
        if question not in self._by_link:
            self._by_link[question] = answer_counts_by_link(self.survey_id, question,
                                                            self.filters)
        return self._by_link[question]

    def by_code(self, question: str) -> dict[str, int]:
        return total_by_code(self.by_link(question))

    @property
    def responses_by_link(self) -> dict[int | None, int]:
        if self._responses_by_link is None:
            self._responses_by_link = responses_by_link(self.survey_id, self.filters)
        return self._responses_by_link

    @property
    def responses(self) -> int:
        return sum(self.responses_by_link.values())

    @property
    def links(self) -> list[LinkRow]:
        """The links the filters cover (a partner's own only), then paper and imported
        responses if any match."""
        if self._links is None:
            query = (select(DistributionLink).options(selectinload(DistributionLink.partner))
                     .where(DistributionLink.survey_id == self.survey_id)
                     .order_by(DistributionLink.label, DistributionLink.id))
            if self.filters.partner_id is not None:
                query = query.where(DistributionLink.partner_id == self.filters.partner_id)
            if self.filters.link_id is not None:
                query = query.where(DistributionLink.id == self.filters.link_id)
            self._links = [LinkRow(link.id, link.label, link.partner.name)
                           for link in db.session.scalars(query)]
            if self.responses_by_link.get(None):
                self._links.append(LinkRow(NO_LINK, PAPER))
        return self._links


@dataclass(frozen=True)
class _Table:
    """A benchmark's table by group before protection: the comparison, the respondents
    per row (the groups compared, then "prefer not to say", "not answered" and, when
    any, a group the population figures do not have)."""

    result: Representation
    counts: dict[str, int]
    groups: list[str]


def _table(benchmark: PopulationBenchmark, cache: Counts) -> _Table:
    question = DIMENSION_QUESTION[benchmark.dimension]
    assert question is not None  # noqa: S101 - benchmarks_for() keeps answerable ones
    to_group = TO_GROUP[benchmark.dimension]
    counts = cache.by_code(question)
    not_stated = counts.pop(PREFER_NOT_TO_SAY, 0)
    total = cache.responses
    reference = benchmark.reference()
    grouped = regroup(counts, to_group)
    answered_other = sum(counts.values()) - sum(grouped.values())  # codes with no group
    unanswered = max(total - sum(counts.values()) - not_stated, 0) + answered_other
    result = compare(grouped, reference, not_stated=not_stated, unanswered=unanswered)
    groups = [g.group for g in result.groups]
    table = {g.group: g.respondents for g in result.groups}
    table[NOT_STATED_ROW] = not_stated
    table[UNANSWERED_ROW] = unanswered
    # Respondents in groups the population figures lack are not compared, but the page
    # shows the total, so without a row of their own total minus the rows would count them.
    others = sum(n for group, n in grouped.items() if group not in table)
    if others:
        table[OTHER_GROUPS] = others
    return _Table(result, table, groups)


def _ethnic_codes(benchmark: PopulationBenchmark, table: _Table) -> dict[str, frozenset[str]]:
    """The ethnic group answers each row of an ethnic group table adds up."""
    to_group = TO_GROUP[benchmark.dimension]
    codes = {group: frozenset(c for c in GROUP_CODES[ETHNIC_GROUP_19] if to_group(c) == group)
             for group in table.groups}
    codes[NOT_STATED_ROW] = frozenset({PREFER_NOT_TO_SAY})
    codes[UNANSWERED_ROW] = frozenset({UNANSWERED_ROW})
    codes[OTHER_GROUPS] = frozenset(c for c in GROUP_CODES[ETHNIC_GROUP_19]
                                    if to_group(c) not in (None, *table.groups))
    return codes


def _split(table: _Table) -> tuple[dict[str, int], dict[str, int]]:
    """The groups compared, and the other rows. The page gives each group's expected
    number (its share of everyone who gave a compared group), so the sum of the groups is
    known to a reader, and so is the sum of the other rows: each part is protected with
    its own total."""
    compared = {g: table.counts[g] for g in table.groups}
    rest = {k: v for k, v in table.counts.items() if k not in compared}
    return compared, rest


def _protect_table(table: _Table, threshold: int) -> Protected:
    compared, rest = _split(table)
    return _merged(protect(compared, threshold), protect(rest, threshold))


def _merged(*parts: Protected) -> Protected:
    if parts[0].withheld:  # the groups themselves cannot be shown: nothing is
        keys = [k for part in parts for k in part.cells]
        return Protected(cells=dict.fromkeys(keys), reasons=dict.fromkeys(keys, WITHHELD),
                         withheld=True)
    return Protected(cells={k: v for part in parts for k, v in part.cells.items()},
                     reasons={k: v for part in parts for k, v in part.reasons.items()})


def representations(survey: Survey, benchmarks: list[PopulationBenchmark], filters: Filters,
                    threshold: int, counts_cache: Counts | None = None
                    ) -> list[RepresentationView]:
    """One view per benchmark, as the page shows them together. Tables of ethnic group
    (the 19 categories, the census's five groups, the NHS maternity statistics' groups)
    count the same people grouped differently, so they are protected together: shown
    side by side, one could otherwise give away a small number hidden in another (the
    census's "Asian" holds Chinese respondents and the NHS's does not)."""
    cache = counts_cache or Counts(survey.id, filters)
    tables = [_table(b, cache) for b in benchmarks]
    ethnic = [n for n, b in enumerate(benchmarks) if b.dimension in ETHNIC_DIMENSIONS]
    protected: dict[int, Protected] = {}
    if len(ethnic) > 1:
        answers = cache.by_code(DIMENSION_QUESTION[ETHNIC_GROUP_19] or "")
        people = {code: answers.get(code, 0)
                  for code in [*GROUP_CODES[ETHNIC_GROUP_19], PREFER_NOT_TO_SAY]}
        people[UNANSWERED_ROW] = cache.responses - sum(people.values())
        parts = []
        for n in ethnic:
            codes = _ethnic_codes(benchmarks[n], tables[n])
            for part in _split(tables[n]):
                parts.append({k: codes[k] for k in part})
        joint = protect_related(parts, people, threshold)
        for i, n in enumerate(ethnic):
            protected[n] = _merged(joint[2 * i], joint[2 * i + 1])
    return [_view(survey, b, t, threshold, cache, protected.get(n))
            for n, (b, t) in enumerate(zip(benchmarks, tables, strict=True))]


def _view(survey: Survey, benchmark: PopulationBenchmark, table: _Table, threshold: int,
          cache: Counts, protected: Protected | None) -> RepresentationView:
    question = DIMENSION_QUESTION[benchmark.dimension]
    assert question is not None  # noqa: S101 - benchmarks_for() keeps answerable ones
    protected = protected or _protect_table(table, threshold)
    reach = reach_table(benchmark, table.counts, protected, cache.by_link(question), cache,
                        threshold)
    # Flags and the test across groups, as far as the hidden numbers allow.
    result = as_shown(table.result, {g: protected.reason(g) or WITHHELD for g in table.groups
                                     if protected.cells.get(g) is None}, threshold)
    return RepresentationView(survey=survey, benchmark=benchmark, result=result,
                              protected=protected, threshold=threshold,
                              suggestions=_suggestions(benchmark, result, threshold,
                                                       protected, reach),
                              reach=reach)


def reach_table(benchmark: PopulationBenchmark, table: dict[str, int], protected: Protected,
                codes_by_link: dict[int | None, dict[str, int]], cache: Counts,
                threshold: int) -> ReachTable | None:
    """The table by group (`table`, protected as `protected`) split by link, each link's
    row counted exactly as `representations()` counts the whole table, plus a column for
    respondents in groups the population figures lack (if any), so that a link's total
    is its number of responses and the overall total the page's. None if its columns
    would not add up to `table` (they always do for single-choice questions); the page
    then shows no table by link and names no link."""
    to_group = TO_GROUP[benchmark.dimension]
    groups = [group for group in table if group != OTHER_GROUPS]
    counts: dict[int, dict[str, int]] = {}
    others = False
    for link in cache.links:
        codes = dict(codes_by_link.get(None if link.key == NO_LINK else link.key, {}))
        not_stated = codes.pop(PREFER_NOT_TO_SAY, 0)
        grouped = regroup(codes, to_group)
        answered_other = sum(codes.values()) - sum(grouped.values())
        link_responses = cache.responses_by_link.get(
            None if link.key == NO_LINK else link.key, 0)
        row = {group: grouped.get(group, 0) for group in groups}
        row[NOT_STATED_ROW] = not_stated
        row[UNANSWERED_ROW] = max(link_responses - sum(codes.values()) - not_stated, 0) \
            + answered_other
        row[OTHER_GROUPS] = sum(n for group, n in grouped.items() if group not in row)
        others = others or row[OTHER_GROUPS] > 0
        counts[link.key] = row
    responses = {link.key: cache.responses_by_link.get(None if link.key == NO_LINK
                                                       else link.key, 0)
                 for link in cache.links}
    if any(sum(row[group] for row in counts.values()) != table[group] for group in groups) \
            or any(sum(row.values()) != responses[key] for key, row in counts.items()):
        return None
    columns = [*groups, OTHER_GROUPS] if others else groups
    # Each link's total is its number of responses, which the partner pages show too
    # (small ones hidden, nothing else): taken as known, never hidden otherwise here.
    return ReachTable(links=list(cache.links), groups=columns, protected=protect_two_way(
        counts, threshold, columns=columns, column_totals=protected,
        row_totals=protect(responses, threshold, total_shown=False)))


def _suggestions(benchmark: PopulationBenchmark, result: Representation, threshold: int,
                 protected: Protected, reach: ReachTable | None) -> list[str]:
    missing = result.flagged(UNDER, NO_RESPONSES)
    if not missing:
        return []
    where = ("births at " if benchmark.population == BIRTHS else "residents of ") \
        + benchmark.area_name
    words = []
    for group in missing:
        if reach is None:  # no table by link to agree with: name no link
            by_link: dict[str, dict[str, int]] = {}
            not_shown = {"": WITHHELD}
        else:
            # Only what the table by link shows: a hidden number stands in as 1 (it is 1 or
            # more, and `not_shown` keeps the words from putting it in any order).
            by_link = {link.name: {group.group: _shown_or_one(reach.value(link.key,
                                                                          group.group))}
                       for link in reach.links}
            not_shown = reach.not_shown(group.group)
        words.append(suggestion(group, group_label(benchmark.dimension, group.group), where,
                                by_link, threshold,
                                share_hidden=protected.cells.get(group.group) is None,
                                not_shown=not_shown))
    return words


def _shown_or_one(value: int | None) -> int:
    return 1 if value is None else value


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
    for key, label in ((NOT_STATED_ROW, "Prefer not to say"), (UNANSWERED_ROW, "Not answered"),
                       (OTHER_GROUPS, ROW_LABELS[OTHER_GROUPS])):
        if key not in view.protected.cells:
            continue
        rows.append({"dimension": view.benchmark.dimension, "group": key, "label": label,
                     "respondents": _count_text(view.shown(key), view.protected.reason(key),
                                                view.threshold),
                     **dict.fromkeys(CSV_COLUMNS[4:-1], ""), "flag": ""})
    return rows


LINK_CSV_COLUMNS = ["dimension", "link_id", "link", "partner", "group", "label",
                    "respondents"]
ALL = "all"  # the "group" or "link" of a total


def link_csv_rows(view: RepresentationView) -> list[dict[str, Any]]:
    """The table by link, one row per link and group (and their totals, as "all"), with
    the same figures hidden as on the page. Empty when the page shows no such table."""
    reach = view.reach
    if reach is None or view.protected.withheld:
        return []
    rows = []
    for link in [*reach.links, None]:
        for group in [*reach.groups, None]:
            key = None if link is None else link.key
            rows.append({
                "dimension": view.benchmark.dimension,
                "link_id": ALL if link is None else ("" if link.key == NO_LINK else link.key),
                "link": "All links" if link is None else link.label,
                "partner": "" if link is None else (link.partner or ""),
                "group": ALL if group is None else group,
                "label": "All groups" if group is None else view.label(group),
                "respondents": _reach_text(reach.value(key, group), reach.reason(key, group),
                                           view.threshold),
            })
    return rows


def _reach_text(value: int | None, reason: str | None, threshold: int) -> str | int:
    """As `_count_text`, but a withheld line says so: its cells may be anything from 0."""
    return "withheld" if value is None and reason == WITHHELD \
        else _count_text(value, reason, threshold)


def _count_text(value: int | None, reason: str | None, threshold: int) -> str | int:
    if value is not None:
        return value
    return f"fewer than {threshold}" if reason == SMALL else "not shown"


def _round(value: float | None) -> str | float:
    return "" if value is None else round(value, 4)
