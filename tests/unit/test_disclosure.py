"""Small-number suppression: what is hidden, and that nothing hidden can be worked out."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveyapp.analysis import disclosure
from surveyapp.analysis.disclosure import (
    SECONDARY,
    SMALL,
    WITHHELD,
    completion_rate,
    protect,
    shown_total,
    suppress,
)


def test_counts_under_the_threshold_are_hidden_and_zeros_are_shown():
    assert suppress({"a": 0, "b": 5, "c": 12}, 5) == {"a": 0, "b": 5, "c": 12}
    assert suppress({"a": 4, "b": 3, "c": 12, "d": 0}, 5, total_shown=False) == \
        {"a": None, "b": None, "c": 12, "d": 0}


def test_a_single_hidden_cell_takes_the_next_smallest_with_it():
    result = protect({"white": 20, "asian": 3, "black": 7, "mixed": 0}, 5)
    assert result.cells == {"white": 20, "asian": None, "black": None, "mixed": 0}
    assert result.reason("asian") == SMALL and result.reason("black") == SECONDARY
    assert result.reason("white") is None


def test_ties_take_the_first_cell_in_table_order():
    assert suppress({"a": 2, "b": 9, "c": 9}, 5) == {"a": None, "b": None, "c": 9}


def test_two_small_cells_need_no_more_when_neither_can_be_pinned():
    assert suppress({"a": 2, "b": 3, "c": 30}, 5) == {"a": None, "b": None, "c": 30}


def test_two_small_cells_that_add_up_to_their_limit_need_a_third():
    # 4 + 4 = 8 and each is at most 4: both would be pinned to 4.
    assert suppress({"a": 4, "b": 4, "c": 30, "d": 40}, 5) == \
        {"a": None, "b": None, "c": None, "d": 40}


def test_next_smallest_is_not_enough_when_its_label_gives_it_away():
    # Hiding "b" (5) beside "a" (1) with a total of 16: a + b = 6, a is 1 to 4 and b is
    # 5 or more, so a = 1 and b = 5. "c" must go too.
    assert suppress({"a": 1, "b": 5, "c": 10}, 5) == {"a": None, "b": None, "c": None}


def test_a_table_that_cannot_be_protected_is_withheld_whole():
    result = protect({"asian": 5, "black": 1, "white": 0}, 5)
    assert result.withheld
    assert result.cells == {"asian": None, "black": None, "white": None}
    assert set(result.reasons.values()) == {WITHHELD}


def test_without_a_total_only_small_cells_are_hidden():
    assert suppress({"a": 1, "b": 5, "c": 0}, 5, total_shown=False) == \
        {"a": None, "b": 5, "c": 0}


def test_threshold_of_one_hides_nothing_and_negative_counts_are_refused():
    assert suppress({"a": 1, "b": 0}, 1) == {"a": 1, "b": 0}
    with pytest.raises(ValueError):
        suppress({"a": -1}, 5)


def test_keys_keep_their_order():
    assert list(suppress({"z": 3, "a": 10, "m": 8}, 5)) == ["z", "a", "m"]


def test_totals_and_rates():
    assert shown_total(0, 5) == 0 and shown_total(4, 5) is None and shown_total(5, 5) == 5
    assert completion_rate(0, 0, 5) is None  # nothing started yet
    assert completion_rate(0, 4, 5) is None  # too few starts to show a rate
    assert completion_rate(3, 20, 5) is None  # 3 responses would follow from 15% of 20
    assert completion_rate(0, 20, 5) == 0
    assert completion_rate(10, 40, 5) == 0.25
    assert completion_rate(12, 10, 5) == 1.0


def test_no_flask_or_database_in_the_analysis_package():
    tree = ast.parse(Path(disclosure.__file__).read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"flask", "flask_babel", "sqlalchemy", "surveyapp"}


# --- properties ---------------------------------------------------------------------------


def feasible_values(result, counts: dict[str, int], threshold: int) -> dict[str, set[int]]:
    """Every value each hidden cell could have, by brute force over whole numbers.

    What a reader knows: the shown cells, the total, and from each hidden cell's label
    that it is small (1 to threshold - 1), secondary (threshold or more) or, in a withheld
    table, anything from 0. Independent of the interval reasoning in the module.
    """
    total = sum(counts.values())
    hidden = [key for key, value in result.cells.items() if value is None]
    rest = total - sum(value for value in result.cells.values() if value is not None)

    def allowed(key: str) -> range:
        reason = result.reason(key)
        if reason == SMALL:
            return range(1, threshold)
        if reason == SECONDARY:
            return range(threshold, rest + 1)
        return range(0, rest + 1)

    found: dict[str, set[int]] = {}
    for key in hidden:
        sums = {0}  # every sum the other hidden cells can make (never more than rest)
        for other in hidden:
            if other != key:
                sums = {s + v for s in sums for v in allowed(other) if s + v <= rest}
        found[key] = {v for v in allowed(key) if rest - v in sums}
    return found


tables = st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 14), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(counts=tables, threshold=st.integers(3, 6), total_shown=st.booleans())
def test_shown_cells_are_safe_and_small_cells_are_hidden(counts, threshold, total_shown):
    result = protect(counts, threshold, total_shown)
    assert list(result.cells) == list(counts)
    for key, shown in result.cells.items():
        if shown is not None:
            assert shown == counts[key]
            assert shown == 0 or shown >= threshold
        if 0 < counts[key] < threshold:
            assert shown is None
        if counts[key] == 0 and not result.withheld:
            assert shown == 0
        if shown is None:
            assert result.reason(key) in {SMALL, SECONDARY, WITHHELD}
    if not total_shown:  # nothing to subtract from: only the small cells go
        assert {k for k, v in result.cells.items() if v is None} == \
            {k for k, v in counts.items() if 0 < v < threshold}


@settings(max_examples=300, deadline=None)
@given(counts=tables, threshold=st.integers(3, 6))
def test_no_hidden_cell_can_be_worked_out_from_the_total(counts, threshold):
    total = sum(counts.values())
    if 0 < total < threshold:
        return  # such a total is itself hidden (shown_total), never shown beside the table
    result = protect(counts, threshold, total_shown=True)
    for key, values in feasible_values(result, counts, threshold).items():
        assert counts[key] in values  # the truth is always one of the possibilities
        if total > 0:
            assert len(values) >= 2, (key, counts, result)
