"""The two-proportion test, the Benjamini–Hochberg correction and suppression of
"themes by group", against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from surveyapp.analysis.theme_differences import compare, two_proportion_p


def z_test_by_hand(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = abs(x1 / n1 - x2 / n2) / se
    return math.erfc(z / math.sqrt(2))  # two-sided normal tail


def test_the_pooled_z_test_matches_the_formula():
    # 30 of 100 against 10 of 100: pooled 0.2, SE 0.0566, z = 3.536, p = 0.000407.
    p = two_proportion_p(30, 100, 10, 100)
    assert p == pytest.approx(z_test_by_hand(30, 100, 10, 100), rel=1e-9)
    assert p == pytest.approx(0.000407, abs=2e-6)
    # Equal shares: no evidence at all.
    assert two_proportion_p(20, 100, 40, 200) == pytest.approx(1.0)


def test_small_expected_counts_use_fishers_exact_test():
    # 3 of 6 against 0 of 6: expected 1.5 per cell. Fisher's exact two-sided p:
    # P(table) = C(6,3)C(6,0)/C(12,3) = 20/220; the other as extreme is 0 of 6 against 3
    # of 6, also 20/220, so p = 40/220.
    assert two_proportion_p(3, 6, 0, 6) == pytest.approx(40 / 220)


def test_nothing_to_compare_gives_no_p_value():
    assert two_proportion_p(0, 50, 0, 50) is None
    assert two_proportion_p(50, 50, 50, 50) is None
    assert two_proportion_p(3, 0, 5, 10) is None


def test_benjamini_hochberg_adjusts_across_every_cell_tested():
    themes = ["a", "b", "c", "d"]
    # One group of 100 among 200: choose counts whose raw p-values we can compute.
    negative = {("a", "g"): 30, ("b", "g"): 20, ("c", "g"): 25, ("d", "g"): 15}
    totals = {"a": 40, "b": 30, "c": 40, "d": 30}
    cells = compare(["g"], themes, {"g": 100}, 200, negative, totals, threshold=5)
    raw = [z_test_by_hand(negative[(t, "g")], 100, totals[t] - negative[(t, "g")], 100)
           for t in themes]
    assert [c.p_value for c in cells] == pytest.approx(raw)
    # BH by hand: rank the p-values, p * m / rank, then the running minimum from the top.
    m = len(raw)
    order = sorted(range(m), key=lambda i: raw[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, raw[i] * m / rank)
        adjusted[i] = running
    assert [c.adjusted_p for c in cells] == pytest.approx(adjusted)
    assert [c.flagged for c in cells] == [a < 0.05 for a in adjusted]
    assert cells[0].flagged and cells[0].direction == "higher"
    assert cells[0].share_negative == pytest.approx(0.3)
    assert cells[0].share_others == pytest.approx(0.1)


def test_the_correction_can_take_a_flag_away():
    # p = 0.03 alone is flagged; with nine more cells at p near 1 it is not (0.03 * 10).
    alone = compare(["g"], ["a"], {"g": 100}, 200, {("a", "g"): 20}, {"a": 29}, 5)
    assert alone[0].p_value < 0.05 and alone[0].flagged
    themes = ["a"] + [f"x{i}" for i in range(9)]
    negative = {("a", "g"): 20, **{(f"x{i}", "g"): 10 for i in range(9)}}
    totals = {"a": 29, **{f"x{i}": 20 for i in range(9)}}
    many = compare(["g"], themes, {"g": 100}, 200, negative, totals, 5)
    assert many[0].p_value == pytest.approx(alone[0].p_value)
    assert many[0].adjusted_p == pytest.approx(min(1.0, alone[0].p_value * 10))
    assert not many[0].flagged


def test_small_cells_are_hidden_and_not_tested():
    cells = compare(["small", "few_negative", "others_few", "fine"], ["a"],
                    {"small": 4, "few_negative": 50, "others_few": 60, "fine": 60}, 300,
                    {("a", "small"): 2, ("a", "few_negative"): 3, ("a", "others_few"): 20,
                     ("a", "fine"): 0},
                    {"a": 25}, threshold=5)
    small, few, others_few, fine = cells
    for cell in (small, few):
        assert cell.respondents is None and cell.share_negative is None
        assert cell.share_others is None and cell.p_value is None and not cell.flagged
    # Everyone else raised it 25 - 20 = 5 times: shown; the group's own share shown.
    assert others_few.share_negative == pytest.approx(20 / 60)
    # A zero is shown (it is not a small number).
    assert fine.negative == 0 and fine.share_negative == 0
    assert fine.share_others == pytest.approx(25 / 240)


def test_everyone_else_is_hidden_when_their_count_is_small():
    cells = compare(["g"], ["a"], {"g": 50}, 100, {("a", "g"): 10}, {"a": 12}, 5)
    assert cells[0].share_negative == pytest.approx(0.2)
    assert cells[0].share_others is None and cells[0].p_value is None


def test_numbers_the_caller_protected_are_neither_shown_nor_tested():
    # Big enough on their own, but hidden by the caller (another table would otherwise
    # give a small number away): the cell shows nothing and is left out of the test.
    cells = compare(["g", "h"], ["a"], {"g": 40, "h": None}, 200,
                    {("a", "g"): None, ("a", "h"): 20}, {"a": 60}, 5)
    g, h = cells
    assert g.suppressed and g.respondents is None and g.p_value is None
    assert h.suppressed and h.respondents is None and h.p_value is None


def test_protected_groups_of_one_question_hide_the_one_left_over():
    from surveyapp.themes.summary import _protect_levels

    # Age bands 3, 20 and 10: everyone (33, or more with those who did not say, whom a
    # reader is taken to know) less the bands shown would give the 3 away, so the 10 is
    # hidden too.
    tables = _protect_levels("age_band", {"20_24": 3, "25_29": 20, "30_34": 10}, 5, {})
    cells = tables["age_band"].cells
    assert cells["20_24"] is None and cells["30_34"] is None and cells["25_29"] == 20
    assert cells["under_20"] == 0
    # A band hidden in another figure it depends on stays hidden, and is kept from
    # subtraction in turn.
    cells = _protect_levels("age_band", {"20_24": 30, "25_29": 20, "30_34": 10}, 5,
                            {"age_band": {"30_34"}})["age_band"].cells
    assert cells["30_34"] is None and cells["25_29"] is None and cells["20_24"] == 30
