"""Representation statistics against hand-computed figures and scipy, plus properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from surveyapp.analysis.disclosure import SECONDARY, SMALL
from surveyapp.analysis.representation import (
    AS_EXPECTED,
    NO_RESPONSES,
    NOT_SHOWN,
    OVER,
    TOO_FEW,
    UNDER,
    WEIGHT_CAP,
    as_shown,
    compare,
    merge_small_expected,
    regroup,
    suggestion,
    wilson_interval,
)
from surveyapp.demographics import census_group


def test_wilson_interval_matches_the_textbook_formula():
    low, high = wilson_interval(10, 100)
    z = 1.959963984540054
    p, n = 0.1, 100
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    assert wilson_interval(0, 20)[0] == 0.0 and wilson_interval(0, 20)[1] > 0.1


def test_chi_square_residuals_and_flags_by_hand():
    result = compare({"a": 30, "b": 50, "c": 20}, {"a": 25, "b": 50, "c": 25})
    assert result.chi_square == pytest.approx(2.0)  # 25/25 + 0 + 25/25
    assert result.degrees_of_freedom == 2
    assert result.p_value == pytest.approx(math.exp(-1))  # chi2 with 2 df: e^(-x/2)
    a = result.groups[0]
    assert a.expected == pytest.approx(25)
    assert a.residual == pytest.approx(5 / math.sqrt(100 * 0.25 * 0.75))
    assert a.ratio == pytest.approx(1.2)
    assert a.weight == pytest.approx(0.25 / 0.30)
    assert {g.flag for g in result.groups} == {AS_EXPECTED}


def test_a_clearly_missing_group_is_flagged_underrepresented():
    # Reference: 20% Asian. Sample: 5 of 200 (2.5%): the Wilson upper limit is ~5.7%.
    result = compare({"white": 170, "asian": 5, "black": 25},
                     {"white": 70, "asian": 20, "black": 10})
    flags = {g.group: g.flag for g in result.groups}
    assert flags == {"white": OVER, "asian": UNDER, "black": AS_EXPECTED}
    assert result.p_value < 1e-6


def test_no_responses_and_too_few_to_judge():
    result = compare({"white": 98, "asian": 0, "arab": 0},
                     {"white": 80, "asian": 17, "arab": 3})
    flags = {g.group: g.flag for g in result.groups}
    assert flags["asian"] == NO_RESPONSES  # 17 expected, none came
    assert flags["arab"] == TOO_FEW  # 2.94 expected: too few to judge


def test_prefer_not_to_say_and_unanswered_are_outside_the_shares():
    result = compare({"a": 40, "b": 40}, {"a": 1, "b": 1}, not_stated=15, unanswered=5)
    assert result.answered == 80 and result.total == 100
    assert result.groups[0].sample_share == 0.5
    assert result.non_response_rate == pytest.approx(0.2) and result.high_non_response


def test_groups_with_small_expected_counts_are_merged_before_the_test():
    buckets = merge_small_expected({"a": 2, "b": 3, "c": 10, "d": 1})
    assert buckets == [["a", "b", "d"], ["c"]]
    assert merge_small_expected({"a": 2, "b": 10}) == [["a", "b"]]
    result = compare({"a": 1, "b": 2, "c": 10, "d": 1}, {"a": 2, "b": 3, "c": 10, "d": 1})
    assert result.merged == [["a", "b", "d"]]
    assert result.degrees_of_freedom == 1


def test_weights_are_capped():
    result = compare({"a": 99, "b": 1}, {"a": 50, "b": 50})
    weights = {g.group: g.weight for g in result.groups}
    assert weights["b"] == WEIGHT_CAP and weights["a"] == pytest.approx(50 / 99)


def test_regroup_19_categories_into_5():
    grouped = regroup({"indian": 3, "pakistani": 2, "chinese": 1, "african": 4,
                       "prefer_not_to_say": 9}, census_group)
    assert grouped == {"asian": 6, "black": 4}


def test_suggestion_names_the_links_that_reached_the_group():
    result = compare({"bangladeshi": 6, "white_british": 494},
                     {"bangladeshi": 61, "white_british": 939})
    group = result.groups[0]
    words = suggestion(group, "Bangladeshi", "births at the trust",
                       {"the Sylheti women's group link": {"bangladeshi": 6},
                        "the MVP social media link": {"white_british": 300}})
    assert words.startswith("Bangladeshi women are 6.1% of births at the trust but 1.2% "
                            "of responses so far.")
    assert "Most Bangladeshi respondents came through the Sylheti women's group link; " \
        "no other link reached any." in words
    few = compare({"bangladeshi": 2, "white_british": 498},
                  {"bangladeshi": 61, "white_british": 939}).groups[0]
    words = suggestion(few, "Bangladeshi", "births", {
        "the Sylheti women's group link": {"bangladeshi": 2}})
    assert "Sylheti" not in words and "0.4%" not in words and "only a small number" in words


counts = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 400), min_size=2)
weights = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 10_000), min_size=2)


@settings(max_examples=150, deadline=None)
@given(counts, weights)
def test_shares_sum_to_one_and_flags_agree_with_the_intervals(sample, reference):
    result = compare(sample, reference)
    assert sum(g.reference_share for g in result.groups) == pytest.approx(1)
    if result.answered:
        assert sum(g.sample_share for g in result.groups) == pytest.approx(1)
    for g in result.groups:
        if g.flag == UNDER:
            assert g.reference_share > g.ci_high and g.expected >= 5
        elif g.flag == OVER:
            assert g.reference_share < g.ci_low
        elif g.flag == AS_EXPECTED:
            assert g.ci_low <= g.reference_share <= g.ci_high
        elif g.flag == NO_RESPONSES:
            assert g.respondents == 0 and g.expected >= 5
        else:
            assert g.expected < 5
    if result.chi_square is not None:
        assert result.p_value == pytest.approx(chi2.sf(result.chi_square,
                                                       result.degrees_of_freedom))


# --- suggestions say no more than the table by link shows ------------------------------

BIG_GROUP = compare({"bangladeshi": 40, "white_british": 960},
                    {"bangladeshi": 100, "white_british": 900}).groups[0]


def test_suggestion_ranks_only_shown_numbers_and_puts_small_ones_after():
    words = suggestion(BIG_GROUP, "Bangladeshi", "births",
                       {"link A": {"bangladeshi": 36}, "link B": {"bangladeshi": 3},
                        "link C": {"bangladeshi": 1}, "link D": {}},
                       not_shown={"link B": "small", "link C": "small"})
    assert "Most Bangladeshi respondents came through link A." in words
    assert "Fewer than 5 each came through link B and link C." in words
    assert "These links reached none: link D." in words
    assert "3" not in words.replace("4.0%", "")


def test_suggestion_gives_no_order_when_a_number_is_not_shown():
    words = suggestion(BIG_GROUP, "Bangladeshi", "births",
                       {"link A": {"bangladeshi": 30}, "link B": {"bangladeshi": 7},
                        "link C": {"bangladeshi": 3}, "link D": {}},
                       not_shown={"link B": "secondary", "link C": "small"})
    assert "Most" not in words
    assert "Bangladeshi respondents came through link A, link B and link C." in words
    assert "These links reached none: link D." in words


def test_suggestion_names_no_link_when_the_table_by_link_is_withheld():
    words = suggestion(BIG_GROUP, "Bangladeshi", "births",
                       {"link A": {"bangladeshi": 40}}, not_shown={"link A": "withheld"})
    assert "link A" not in words and "too small to show" in words


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["link A", "link B", "link C", "link D", "paper"]),
                       st.integers(0, 40), min_size=1),
       st.sets(st.sampled_from(["link A", "link B", "link C", "link D", "paper"])),
       st.integers(1, 50))
def test_suggestion_words_do_not_depend_on_hidden_numbers(counts, secondary, other):
    """Whatever a hidden number is (1 or more), the words are the same."""
    not_shown = {link: "small" for link, n in counts.items() if 0 < n < 5}
    not_shown |= {link: "secondary" for link in secondary if counts.get(link, 0) >= 5}
    # Any other value its label allows: 1 to 4 for a small one, 5 or more otherwise.
    changed = {link: (n if link not in not_shown else min(other, 4)
                      if not_shown[link] == "small" else other + 4)
               for link, n in counts.items()}

    def words(numbers: dict[str, int]) -> str:
        return suggestion(BIG_GROUP, "Bangladeshi", "births",
                          {link: {"bangladeshi": n} for link, n in numbers.items()},
                          not_shown=not_shown)

    assert words(counts) == words(changed)


# --- what a page may show when some groups' numbers are hidden ------------------------------


def _population():
    return {"white": 600.0, "asian": 250.0, "black": 100.0, "mixed": 30.0, "other": 20.0}


def test_a_hidden_groups_flag_is_kept_only_where_every_number_it_could_be_agrees():
    # 200 answered; Black expected 20. With 1 to 4 Black respondents, every number the
    # reader cannot rule out is underrepresented: the flag stays.
    result = compare({"white": 140, "asian": 52, "black": 3, "mixed": 5, "other": 0},
                     _population())
    shown = as_shown(result, {"black": SMALL, "mixed": SECONDARY}, 5)
    flags = {g.group: g.flag for g in shown.groups}
    assert flags["black"] == UNDER
    # Mixed (expected 6) is 5 or more and Black 1 to 4, adding up to 8: Mixed is 5 to 7,
    # in line with the population whichever it is.
    assert flags["mixed"] == AS_EXPECTED
    assert flags["white"] == result.groups[0].flag  # shown groups keep theirs


def test_a_flag_that_would_narrow_a_hidden_number_down_is_not_shown():
    # Asian (expected 18) is "not shown" beside Black "fewer than 5": together 12, so Asian
    # could be 8 to 11. At 10 it is underrepresented, at 11 in line: saying which would
    # say which it is.
    population = {"white": 300.0, "asian": 250.0, "black": 450.0}
    low = compare({"white": 60, "asian": 10, "black": 2}, population)
    high = compare({"white": 60, "asian": 11, "black": 1}, population)
    assert flags_of(low)["asian"] == UNDER and flags_of(high)["asian"] == AS_EXPECTED
    hidden = {"asian": SECONDARY, "black": SMALL}
    for result in (low, high):
        flags = flags_of(as_shown(result, hidden, 5))
        assert flags["asian"] == NOT_SHOWN
        assert flags["black"] == UNDER  # expected 32: under whatever 1 to 4 it is


def flags_of(result):
    return {g.group: g.flag for g in result.groups}


def test_the_test_across_groups_does_not_depend_on_how_the_hidden_ones_split():
    population = _population()
    one = compare({"white": 140, "asian": 40, "black": 3, "mixed": 12, "other": 5},
                  population)
    other = compare({"white": 140, "asian": 40, "black": 2, "mixed": 13, "other": 5},
                    population)
    hidden = {"black": SMALL, "mixed": SECONDARY}
    assert one.chi_square != other.chi_square  # as computed, it gives the split away
    a, b = as_shown(one, hidden, 5), as_shown(other, hidden, 5)
    assert a.chi_square == b.chi_square and a.p_value == b.p_value
    assert a.degrees_of_freedom == one.degrees_of_freedom - 1
    assert a.hidden_tested_together and not one.hidden_tested_together
    assert as_shown(one, {}, 5) is one


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.integers(0, 60), min_size=5, max_size=5),
       threshold=st.integers(3, 6))
def test_what_is_shown_is_the_same_for_every_split_a_reader_cannot_rule_out(counts, threshold):
    """Move people between two hidden groups within what their labels allow: the flags
    and the test shown must not change."""
    from surveyapp.analysis.disclosure import protect

    population = _population()
    groups = list(population)
    table = dict(zip(groups, counts, strict=True))
    protected = protect(table, threshold)
    hidden = {g: protected.reason(g) for g in groups if protected.cells[g] is None}
    if len(hidden) < 2 or protected.withheld:
        return
    bounds = {SMALL: (1, threshold - 1), SECONDARY: (threshold, 10**6)}
    shown = as_shown(compare(table, population), hidden, threshold)
    for a in hidden:
        for b in hidden:
            most = min(table[a] - bounds[hidden[a]][0], bounds[hidden[b]][1] - table[b])
            if a == b or most < 1:
                continue
            for step in {1, most}:  # one person, and as many as the labels allow
                moved = {**table, a: table[a] - step, b: table[b] + step}
                again = as_shown(compare(moved, population), hidden, threshold)
                assert flags_of(again) == flags_of(shown), (table, moved)
                assert again.chi_square == shown.chi_square
