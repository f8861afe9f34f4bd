"""Who is missing: respondents per group against a reference population.

Plain functions on plain data (no Flask, no database). The page, the CSV download and
the `representation` command all show what `compare()` returns, so a number is computed
once and is the same everywhere.

The method, for one demographic dimension:

- Shares are of the respondents who answered the question. "Prefer not to say" and
  unanswered are left out of the shares and reported separately with their own rate;
  when together they exceed HIGH_NON_RESPONSE of respondents, that is flagged too,
  because the shares then describe a smaller, possibly different, group.
- Each group's sample share gets a 95% Wilson score interval (scipy's binomtest).
  **Underrepresented**: the reference share lies above the upper limit. **Overrepresented**:
  below the lower limit. **No responses yet**: 5 or more were expected and none came.
  **Too few responses to judge**: fewer than 5 were expected (the interval is too wide
  to say anything honest).
- A chi-square goodness-of-fit test across groups, after merging the groups whose
  expected count is under 5 (smallest first) so the test's approximation holds.
- Pages show what `as_shown()` returns: where small numbers are hidden, a hidden group's
  flag only where it holds whatever the hidden number is, and the test with the hidden
  groups taken as one.
- Each group's adjusted standardised residual, (O − E) / √(n·p·(1 − p)): roughly
  standard normal, so beyond ±2 stands out.
- Post-stratification weights, reference share ÷ sample share, capped to
  [1/WEIGHT_CAP, WEIGHT_CAP] so a handful of respondents never speak for a whole group.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from surveyapp.analysis.disclosure import SMALL, WITHHELD, label_bounds, narrowed

UNDER = "underrepresented"
OVER = "overrepresented"
NO_RESPONSES = "no_responses"
TOO_FEW = "too_few_to_judge"
AS_EXPECTED = "as_expected"
NOT_SHOWN = "not_shown"
FLAG_LABELS = {
    UNDER: "Underrepresented",
    OVER: "Overrepresented",
    NO_RESPONSES: "No responses yet",
    TOO_FEW: "Too few responses to judge",
    AS_EXPECTED: "In line with the population",
    NOT_SHOWN: "Not shown",
}

MIN_EXPECTED = 5
HIGH_NON_RESPONSE = 0.10
WEIGHT_CAP = 5.0
CONFIDENCE = 0.95


@dataclass(frozen=True)
class GroupResult:
    group: str
    respondents: int
    reference_count: float
    reference_share: float
    sample_share: float | None
    ci_low: float | None
    ci_high: float | None
    expected: float
    ratio: float | None
    residual: float | None
    weight: float | None
    flag: str


@dataclass(frozen=True)
class Representation:
    groups: list[GroupResult]
    answered: int
    not_stated: int
    unanswered: int
    chi_square: float | None = None
    degrees_of_freedom: int | None = None
    p_value: float | None = None
    merged: list[list[str]] = field(default_factory=list)
    hidden_tested_together: bool = False  # see as_shown()

    @property
    def total(self) -> int:
        return self.answered + self.not_stated + self.unanswered

    @property
    def non_response_rate(self) -> float | None:
        return (self.not_stated + self.unanswered) / self.total if self.total else None

    @property
    def high_non_response(self) -> bool:
        rate = self.non_response_rate
        return rate is not None and rate > HIGH_NON_RESPONSE

    def flagged(self, *flags: str) -> list[GroupResult]:
        return [g for g in self.groups if g.flag in flags]


def wilson_interval(successes: int, trials: int,
                    confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval for a proportion (scipy's implementation)."""
    from scipy.stats import binomtest

    interval = binomtest(successes, trials).proportion_ci(confidence_level=confidence,
                                                          method="wilson")
    return float(interval.low), float(interval.high)


def regroup(counts: Mapping[str, int], to_group: Callable[[str], str | None]) -> dict[str, int]:
    """Add detailed counts up into coarser groups (e.g. 19 census categories into 5)."""
    grouped: dict[str, int] = {}
    for code, count in counts.items():
        group = to_group(code)
        if group is not None:
            grouped[group] = grouped.get(group, 0) + count
    return grouped


def merge_small_expected(expected: Mapping[str, float],
                         minimum: float = MIN_EXPECTED) -> list[list[str]]:
    """Buckets of groups such that each bucket's expected count is at least `minimum`.

    Groups under the minimum are merged smallest first; a bucket still too small takes
    the next smallest group. Returns the buckets in order of their first group.
    """
    order = sorted(expected, key=lambda g: (expected[g], g))
    buckets: list[list[str]] = [[g] for g in order if expected[g] >= minimum]
    pending: list[str] = []
    for group in order:
        if expected[group] >= minimum:
            continue
        pending.append(group)
        if sum(expected[g] for g in pending) >= minimum:
            buckets.append(pending)
            pending = []
    if pending:
        if buckets:
            smallest = min(buckets, key=lambda b: sum(expected[g] for g in b))
            smallest.extend(pending)
        else:
            buckets.append(pending)
    position = {g: i for i, g in enumerate(expected)}
    for bucket in buckets:
        bucket.sort(key=position.__getitem__)
    return sorted(buckets, key=lambda b: position[b[0]])


def compare(respondents: Mapping[str, int], reference: Mapping[str, float],
            not_stated: int = 0, unanswered: int = 0) -> Representation:
    """Compare respondents per group with a reference population.

    `respondents` and `reference` are counts keyed by the same group codes (groups in
    the reference with no respondents count as 0; respondents in groups the reference
    lacks are ignored, as they cannot be compared).
    """
    groups = [g for g in reference if reference[g] > 0]
    reference_total = sum(reference[g] for g in groups)
    answered = sum(respondents.get(g, 0) for g in groups)
    results: list[GroupResult] = []
    expected_by_group: dict[str, float] = {}
    for group in groups:
        observed = respondents.get(group, 0)
        share = reference[group] / reference_total
        expected = share * answered
        expected_by_group[group] = expected
        if answered:
            sample_share = observed / answered
            low, high = wilson_interval(observed, answered)
            residual = (observed - expected) / math.sqrt(answered * share * (1 - share)) \
                if 0 < share < 1 else None
        else:
            sample_share = low = high = residual = None
        results.append(GroupResult(
            group=group, respondents=observed, reference_count=reference[group],
            reference_share=share, sample_share=sample_share, ci_low=low, ci_high=high,
            expected=expected,
            ratio=sample_share / share if sample_share is not None else None,
            residual=residual, weight=_weight(share, sample_share),
            flag=_flag(observed, expected, share, low, high),
        ))
    chi_square, dof, p_value, merged = _goodness_of_fit(respondents, expected_by_group)
    return Representation(groups=results, answered=answered, not_stated=not_stated,
                          unanswered=unanswered, chi_square=chi_square,
                          degrees_of_freedom=dof, p_value=p_value, merged=merged)


def _flag(observed: int, expected: float, share: float, low: float | None,
          high: float | None) -> str:
    if expected < MIN_EXPECTED:
        return TOO_FEW
    if observed == 0:
        return NO_RESPONSES
    assert low is not None and high is not None  # noqa: S101 - answered > 0 here
    if share > high:
        return UNDER
    if share < low:
        return OVER
    return AS_EXPECTED


def as_shown(result: Representation, hidden: Mapping[str, str], threshold: int
             ) -> Representation:
    """``result`` as a page may show it when the groups in ``hidden`` (group -> why:
    SMALL, SECONDARY or WITHHELD) have their numbers hidden.

    A hidden group's flag and the test across groups are worked out from its number, so
    shown as they are they would narrow it down, or with the test's statistic, pin it. A
    reader knows the shown numbers, that the groups add up to those who answered, and
    each hidden number's label; from those, each hidden group lies between two numbers.
    Its flag is kept only where it is the same at both ends (the flag only ever moves one
    way as the number grows: no responses, under, in line, over), else it is NOT_SHOWN:
    so "fewer than 5 and underrepresented" still shows where every number from 1 to 4
    would be. The test treats the hidden groups as one group, whose number the page gives
    away anyway (those who answered less the groups shown)."""
    hidden = {g.group: hidden[g.group] for g in result.groups if g.group in hidden}
    if not hidden:
        return result
    bounds = {g: label_bounds(why, threshold) for g, why in hidden.items()}
    rest = result.answered - sum(g.respondents for g in result.groups
                                 if g.group not in hidden)
    groups = []
    for group in result.groups:
        if group.group not in hidden:
            groups.append(group)
            continue
        ends = {_flag_at(int(value), group, result.answered) for value in narrowed(
            bounds[group.group], rest, (b for g, b in bounds.items() if g != group.group))}
        groups.append(replace(group, flag=ends.pop() if len(ends) == 1 else NOT_SHOWN))
    respondents = {g.group: g.respondents for g in result.groups}
    chi_square, dof, p_value, merged = _goodness_of_fit(
        respondents, {g.group: g.expected for g in result.groups}, together=hidden)
    return replace(result, groups=groups, chi_square=chi_square, degrees_of_freedom=dof,
                   p_value=p_value, merged=merged, hidden_tested_together=len(hidden) > 1)


def _flag_at(observed: int, group: GroupResult, answered: int) -> str:
    low, high = wilson_interval(observed, answered) if answered else (None, None)
    return _flag(observed, group.expected, group.reference_share, low, high)


def _weight(reference_share: float, sample_share: float | None) -> float | None:
    if not sample_share:
        return None
    return min(max(reference_share / sample_share, 1 / WEIGHT_CAP), WEIGHT_CAP)


def _goodness_of_fit(respondents: Mapping[str, int], expected: Mapping[str, float],
                     together: Iterable[str] = ()
                     ) -> tuple[float | None, int | None, float | None, list[list[str]]]:
    """The test across groups; the groups ``together`` count as one."""
    if sum(expected.values()) == 0:
        return None, None, None, []
    together = [g for g in expected if g in set(together)]
    if len(together) > 1:
        first = together[0]
        merged_expected = {g: e for g, e in expected.items() if g not in together[1:]}
        merged_expected[first] = sum(expected[g] for g in together)
        buckets = [[g for member in bucket for g in (together if member == first else
                                                     [member])]
                   for bucket in merge_small_expected(merged_expected)]
    else:
        buckets = merge_small_expected(expected)
    if len(buckets) < 2:
        return None, None, None, buckets
    from scipy.stats import chisquare

    observed = [sum(respondents.get(g, 0) for g in bucket) for bucket in buckets]
    wanted = [sum(expected[g] for g in bucket) for bucket in buckets]
    statistic, p_value = chisquare(observed, wanted)
    merged = [bucket for bucket in buckets if len(bucket) > 1 and bucket != together]
    return float(statistic), len(buckets) - 1, float(p_value), merged


# --- words for people -----------------------------------------------------------------


def reach_summary(group: str, by_link: Mapping[str, Mapping[str, int]]) -> tuple[
        list[str], list[str]]:
    """Which links reached a group (most first) and which reached none of it."""
    reached = sorted(((counts.get(group, 0), link) for link, counts in by_link.items()
                      if counts.get(group, 0) > 0), key=lambda item: (-item[0], item[1]))
    none = sorted(link for link, counts in by_link.items() if counts.get(group, 0) == 0)
    return [link for _, link in reached], none


def suggestion(result: GroupResult, label: str, reference_phrase: str,
               by_link: Mapping[str, Mapping[str, int]], threshold: int = 5,
               share_hidden: bool = False, not_shown: Mapping[str, str] | None = None) -> str:
    """A plain-language suggestion for an underrepresented group, naming the links that
    reached it best and those that reached none of it. A small or hidden count is never
    given away, neither as a share nor by naming the one link that reached it.

    ``not_shown``: the links whose number for this group the table by link hides, with why
    ("small", "secondary" or "withheld", as in surveyapp.analysis.disclosure). The words
    then say no more than that table: links are put in order only by numbers it shows
    (and a small number is known to be below any shown one), a link whose number is "not
    shown" is named without any order, and if the table is withheld no link is named.

    Example: "Bangladeshi women are 6.1% of births at the trust but 1.2% of responses so
    far. Most Bangladeshi respondents came through the Sylheti women's group link; no
    other link reached any."
    """
    hidden = dict(not_shown or {})
    if share_hidden or 0 < result.respondents < threshold:
        # A share of a known total gives the count away, so a hidden count's share is too.
        sample = "only a small number"
    else:
        sample = f"{result.sample_share or 0:.1%}"
    words = [f"{label} women are {result.reference_share:.1%} of {reference_phrase} "
             f"but {sample} of responses so far."]
    reached, none = reach_summary(result.group, by_link)
    ranked = [link for link in reached if link not in hidden]
    few = sorted(link for link in reached if hidden.get(link) == SMALL)
    unordered = sorted(link for link in reached if link in hidden
                       and hidden[link] != SMALL)
    if 0 < result.respondents < threshold:
        # Naming the link that reached one or two people could point at them.
        words.append(f"Only a few {label} women have answered so far.")
    elif WITHHELD in hidden.values():
        words.append(f"The numbers by link are too small to show which links reached "
                     f"{label} women.")
    elif not reached:
        words.append(f"No link has reached any {label} respondents yet: work with groups "
                     f"that {label} women already trust.")
    elif unordered:
        # Some numbers are not shown, so no order is given: it would hint at them.
        words.append(f"{label} respondents came through {_first_few(sorted(reached), 4)}.")
        if none:
            words.append(f"These links reached none: {_first_few(none, 3)}.")
    elif len(reached) == 1:
        words.append(f"Most {label} respondents came through {reached[0]}; "
                     "no other link reached any.")
    else:
        if ranked:
            then = f", then {_and_list(ranked[1:3])}" if len(ranked) > 1 else ""
            words.append(f"Most {label} respondents came through {ranked[0]}{then}.")
            if few:
                each = " each" if len(few) > 1 else ""
                words.append(f"Fewer than {threshold}{each} came through {_first_few(few, 3)}.")
        else:
            words.append(f"{label} respondents came through {_first_few(few, 3)}, fewer than "
                         f"{threshold} through each.")
        if none:
            words.append(f"These links reached none: {_first_few(none, 3)}.")
    return " ".join(words)


def _first_few(items: list[str], count: int) -> str:
    return _and_list(items[:count]) + (" and others" if len(items) > count else "")


def _and_list(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
