"""Small-number suppression: what is hidden, and that nothing hidden can be worked out."""

from __future__ import annotations

import ast
import math
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
    protect_two_way,
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


# --- two-way tables -----------------------------------------------------------------------


def test_two_way_hand_worked_example():
    """The docstring's example, worked by hand: A,y = 3 is small; C,y (9) and A,z (10) are
    the smallest in its column and row, and C,z (6) closes the cycle A,y-C,y-C,z-A,z."""
    table = protect_two_way({"A": {"x": 20, "y": 3, "z": 10},
                             "B": {"x": 15, "y": 12, "z": 0},
                             "C": {"x": 8, "y": 9, "z": 6}}, 5)
    shown = {row: [table.value(row, column) for column in ["x", "y", "z", None]]
             for row in ["A", "B", "C", None]}
    assert shown == {"A": [20, None, None, 33], "B": [15, 12, 0, 27],
                     "C": [8, None, None, 23], None: [43, 24, 16, 83]}
    assert table.reason("A", "y") == SMALL
    assert {table.reason("A", "z"), table.reason("C", "y"), table.reason("C", "z")} \
        == {SECONDARY}
    assert not table.withheld
    # What a reader can still say: A,y is 2, 3 or 4 (A,z = 13 - A,y ... C,z = A,y + 3).
    assert two_way_ranges(table, 5)[("A", "y")] == (2, 4)


def test_two_way_with_nothing_small_hides_nothing():
    table = protect_two_way({"A": {"x": 20, "y": 0}, "B": {"x": 7, "y": 9}}, 5)
    assert table.reasons == {} and table.value(None, None) == 36


def test_a_small_row_total_is_hidden_and_not_left_alone_in_the_totals():
    # Link C brought 3 respondents: its total is small, and its cells are too. The
    # overall total minus the other links' totals would give it away, so another link's
    # total is hidden with it.
    table = protect_two_way({"A": {"x": 20, "y": 10}, "B": {"x": 15, "y": 12},
                             "C": {"x": 2, "y": 1}}, 5)
    assert table.value("C", None) is None and table.reason("C", None) == SMALL
    assert [table.value(row, None) for row in "AB"].count(None) >= 1
    assert table.value(None, None) == 60
    assert_nothing_pinned(table, {"A": {"x": 20, "y": 10}, "B": {"x": 15, "y": 12},
                                  "C": {"x": 2, "y": 1}}, 5)


def test_column_totals_follow_the_one_way_table_shown_beside_it():
    counts = {"A": {"white": 230, "asian": 3, "black": 7},
              "B": {"white": 40, "asian": 0, "black": 12}}
    by_group = protect({"white": 270, "asian": 3, "black": 19}, 5)
    assert by_group.cells == {"white": 270, "asian": None, "black": None}
    table = protect_two_way(counts, 5, column_totals=by_group)
    for column in ["white", "asian", "black"]:
        assert table.value(None, column) == by_group.cells[column]
        assert table.reason(None, column) == by_group.reason(column)
    assert table.value("A", "asian") is None
    assert_nothing_pinned(table, counts, 5)
    with pytest.raises(ValueError):  # the one-way table must be of the same totals
        protect_two_way(counts, 5, column_totals=protect({"white": 271, "asian": 3,
                                                          "black": 19}, 5))


def test_a_column_the_labels_give_away_is_withheld_not_the_table():
    # Group y: 5, 1 and 1 add up to a shown 7. Labelled "not shown", "fewer than 5" and
    # "fewer than 5", they could only be 5, 1 and 1, whatever else is hidden; so the
    # column's cells are all withheld (zeros too), and the rest of the table is shown.
    counts = {"A": {"x": 40, "y": 5, "z": 9}, "B": {"x": 30, "y": 1, "z": 0},
              "C": {"x": 25, "y": 1, "z": 0}, "D": {"x": 10, "y": 0, "z": 12}}
    table = protect_two_way(counts, 5, column_totals=protect(
        {"x": 105, "y": 7, "z": 21}, 5))
    assert not table.withheld
    assert table.reason("B", "y") == table.reason("C", "y") == WITHHELD
    assert table.value(None, "y") == 7 and table.value("D", "z") == 12
    assert_nothing_pinned(table, counts, 5)


def test_a_two_way_table_that_cannot_be_protected_is_withheld():
    # One link, one group with 3: the cell is the row total is the column total is the
    # overall total, and the overall total is shown.
    table = protect_two_way({"A": {"x": 3, "y": 0}}, 2)
    assert not table.withheld  # 3 is not small at threshold 2
    table = protect_two_way({"A": {"x": 1, "y": 5}}, 5, column_totals=protect(
        {"x": 1, "y": 5}, 5))
    assert table.withheld and set(table.values.values()) == {None}
    assert set(table.reasons.values()) == {WITHHELD}


def test_two_way_refuses_negative_counts_and_none_keys():
    with pytest.raises(ValueError):
        protect_two_way({"A": {"x": -1}}, 5)
    with pytest.raises(ValueError):
        protect_two_way({None: {"x": 1}}, 5)


def lines(table) -> list[list[tuple]]:
    """Every row and every column of the table with its totals, as lists of entries."""
    rows = [*table.rows, None]
    columns = [*table.columns, None]
    return [[(row, column) for column in columns] for row in rows] + \
        [[(row, column) for row in rows] for column in columns]


def two_way_ranges(table, threshold: int, known: dict | None = None
                   ) -> dict[tuple, tuple[float, float]]:
    """(lowest, highest) each hidden entry could be, by linear programming (scipy): what a
    reader knows is every shown entry (and those in `known`, with their true values), that
    rows and columns add up to their totals, and each hidden entry's label (small: 1 to
    threshold - 1; not shown: threshold or more; withheld: 0 or more). Independent of the
    module's cycle search."""
    from scipy.optimize import linprog

    known = known or {}
    values = {**table.values, **known}
    hidden = [entry for entry, value in values.items() if value is None]
    index = {entry: i for i, entry in enumerate(hidden)}
    bounds = [{SMALL: (1, threshold - 1), SECONDARY: (threshold, None),
               WITHHELD: (0, None)}[table.reasons[entry]] for entry in hidden]
    equations, constants = [], []
    rows, columns = table.rows, table.columns
    sums = [([(r, c) for c in columns], (r, None)) for r in rows] + \
        [([(r, c) for r in rows], (None, c)) for c in columns] + \
        [([(r, None) for r in rows], (None, None)), ([(None, c) for c in columns],
                                                     (None, None))]
    for parts, total in sums:
        coefficients, constant = [0.0] * len(hidden), 0.0
        for entry, sign in [*((p, 1) for p in parts), (total, -1)]:
            if entry in index:
                coefficients[index[entry]] += sign
            else:
                constant -= sign * values[entry]
        if any(coefficients):
            equations.append(coefficients)
            constants.append(constant)
    ranges = {}
    for entry, i in index.items():
        found = []
        for direction in (1, -1):
            objective = [0.0] * len(hidden)
            objective[i] = direction
            result = linprog(objective, A_eq=equations or None, b_eq=constants or None,
                             bounds=bounds, method="highs")
            if result.status == 3:  # unbounded
                found.append(direction * -math.inf)
            else:
                assert result.status == 0, result.message  # the truth is feasible
                found.append(result.fun * direction)
        ranges[entry] = (found[0], found[1])
    return ranges


def assert_nothing_pinned(table, counts, threshold: int, known: dict | None = None) -> None:
    for entry, (low, high) in two_way_ranges(table, threshold, known).items():
        assert high - low >= 1 - 1e-7, (entry, low, high, counts)


two_way_tables = st.integers(1, 4).flatmap(lambda n_rows: st.integers(1, 4).flatmap(
    lambda n_columns: st.fixed_dictionaries({
        f"r{i}": st.fixed_dictionaries({f"c{j}": st.integers(0, 12) for j in range(n_columns)})
        for i in range(n_rows)})))


@settings(max_examples=150, deadline=None)
@given(counts=two_way_tables, threshold=st.integers(3, 6), with_one_way=st.booleans(),
       with_row_totals=st.booleans())
def test_no_hidden_number_of_a_two_way_table_can_be_worked_out(counts, threshold,
                                                               with_one_way, with_row_totals):
    total = sum(sum(row.values()) for row in counts.values())
    column_sums = {}
    for row in counts.values():
        for column, value in row.items():
            column_sums[column] = column_sums.get(column, 0) + value
    one_way = protect(column_sums, threshold) if with_one_way else None
    # Row totals shown elsewhere with only their small ones hidden (as the partner pages
    # show each link's responses).
    row_sums = protect({row: sum(cells.values()) for row, cells in counts.items()},
                       threshold, total_shown=False) if with_row_totals else None
    table = protect_two_way(counts, threshold, column_totals=one_way, row_totals=row_sums)
    for (row, column), shown in table.values.items():
        true = (total if row is None and column is None
                else column_sums[column] if row is None
                else sum(counts[row].values()) if column is None else counts[row][column])
        if shown is not None:
            assert shown == true and (shown == 0 or shown >= threshold)
        if 0 < true < threshold:
            assert shown is None  # every small number is hidden, totals too
        if true == 0 and table.reason(row, column) != WITHHELD:
            assert shown == 0  # zeros are shown, but in a withheld column or table
        if shown is None:
            assert table.reason(row, column) in {SMALL, SECONDARY, WITHHELD}
        if one_way is not None and row is None and column is not None \
                and not table.withheld:
            assert shown == one_way.cells[column]
        if row_sums is not None and row is not None and column is None \
                and not table.withheld:
            assert shown == row_sums.cells[row]
    if table.withheld:
        assert set(table.values.values()) == {None}
        return
    if total >= threshold:
        assert table.value(None, None) == total
    # Row totals given are taken as known, even those hidden as small.
    known = {(row, None): sum(cells.values()) for row, cells in counts.items()} \
        if row_sums is not None else {}
    # The rule as stated: in every row and every column (totals included), no hidden
    # number or at least two; so none is the difference of its line's shown numbers.
    for line in lines(table):
        assert sum(1 for entry in line if table.values[entry] is None
                   and entry not in known) != 1, (line, counts)
    # And the exact check: every hidden number could be at least two different values.
    assert_nothing_pinned(table, counts, threshold, known)


# --- tables shown together that count the same people ---------------------------------------

from surveyapp.demographics import (  # noqa: E402
    ETHNIC_CODES,
    ETHNICITY_TO_CENSUS_GROUP,
    ETHNICITY_TO_MATERNITY_GROUP,
)


def _ethnic_tables(with_detail: bool, split: bool = False) -> list[dict[str, frozenset[str]]]:
    """The representation page's ethnic tables as sums of people: the census's five
    groups, the NHS maternity statistics' five groups and (optionally) the 19 answers,
    each with "prefer not to say" and "not answered". ``split``: each table as two, the
    groups and the rest, as the page protects them (a reader knows both totals)."""
    extra = {"prefer_not_to_say": frozenset({"prefer_not_to_say"}),
             "not_answered": frozenset({"not_answered"})}
    tables = []
    for mapping in (ETHNICITY_TO_CENSUS_GROUP, ETHNICITY_TO_MATERNITY_GROUP):
        groups: dict[str, set[str]] = {}
        for code in ETHNIC_CODES:
            groups.setdefault(mapping[code], set()).add(code)
        tables.append({g: frozenset(codes) for g, codes in groups.items()} | extra)
    if with_detail:
        tables.append({code: frozenset({code}) for code in ETHNIC_CODES} | extra)
    if split:
        tables = [part for table in tables for part in
                  ({k: v for k, v in table.items() if k not in extra}, extra)]
    return tables


def related_ranges(tables, protected, people, threshold, targets=None
                   ) -> dict[str, tuple[float, float]]:
    """(lowest, highest) the number of people in each group could be, by linear
    programming: a reader knows every shown row of every table, that every table adds up
    to the same total (shown), and each hidden row's label. ``targets``: the groups, as
    sets of atoms (each atom alone if not given)."""
    from scipy.optimize import linprog

    atoms = sorted(people)
    index = {a: i for i, a in enumerate(atoms)}
    total = sum(people.values())
    equations, constants = [[1.0] * len(atoms)], [float(total)]
    upper, upper_b = [], []
    for table in tables:  # each table's own total is known too
        members = set().union(*table.values())
        equations.append([1.0 if a in members else 0.0 for a in atoms])
        constants.append(float(sum(people[a] for a in members)))
    for table, result in zip(tables, protected, strict=True):
        for key, members in table.items():
            row = [0.0] * len(atoms)
            for atom in members:
                row[index[atom]] = 1.0
            shown = result.cells[key]
            if shown is not None:
                equations.append(row)
                constants.append(float(shown))
            elif result.reasons[key] == SMALL:
                upper.append(row)
                upper_b.append(float(threshold - 1))
                upper.append([-x for x in row])
                upper_b.append(-1.0)
            elif result.reasons[key] == SECONDARY:
                upper.append([-x for x in row])
                upper_b.append(-float(threshold))
            # WITHHELD: no label, so nothing is known but that it is 0 or more.
    ranges = {}
    if targets is None:
        targets = {a: frozenset({a}) for a in atoms}
    for name, members in targets.items():
        found = []
        for direction in (1, -1):
            objective = [direction if a in members else 0.0 for a in atoms]
            out = linprog(objective, A_eq=equations, b_eq=constants, A_ub=upper or None,
                          b_ub=upper_b or None, bounds=[(0, None)] * len(atoms),
                          method="highs")
            assert out.status == 0, out.message  # the truth is feasible
            found.append(out.fun * direction)
        ranges[name] = (found[0], found[1])
    return ranges


def test_the_census_and_nhs_asian_rows_no_longer_give_away_chinese_respondents():
    people = dict.fromkeys([*ETHNIC_CODES, "prefer_not_to_say", "not_answered"], 0)
    people.update(white_british=200, indian=20, pakistani=10, chinese=3, african=12, arab=6,
                  other_ethnic_group=7, prefer_not_to_say=9, not_answered=5)
    tables = _ethnic_tables(with_detail=False)
    alone = [protect({k: sum(people[a] for a in atoms) for k, atoms in t.items()}, 5)
             for t in tables]
    # Each table alone shows its Asian row, and 33 - 30 = 3 Chinese respondents.
    assert (alone[0].cells["asian"], alone[1].cells["asian"]) == (33, 30)
    together = disclosure.protect_related(tables, people, 5)
    low, high = related_ranges(tables, together, people, 5)["chinese"]
    assert high - low >= 1


@settings(max_examples=120, deadline=None)
@given(counts=st.lists(st.integers(0, 9), min_size=len(ETHNIC_CODES) + 2,
                       max_size=len(ETHNIC_CODES) + 2),
       threshold=st.integers(3, 6), with_detail=st.booleans(), split=st.booleans())
def test_no_small_group_can_be_worked_out_from_tables_shown_together(counts, threshold,
                                                                      with_detail, split):
    people = dict(zip([*ETHNIC_CODES, "prefer_not_to_say", "not_answered"], counts,
                      strict=True))
    tables = _ethnic_tables(with_detail, split)
    together = disclosure.protect_related(tables, people, threshold)
    for table, result in zip(tables, together, strict=True):
        for key, atoms in table.items():
            value = sum(people[a] for a in atoms)
            assert result.cells[key] in (None, value)
            assert result.cells[key] is None or not 0 < value < threshold
            if value == 0 and not result.withheld:
                # zeros are shown, unless a small row above them would pin its parts
                assert result.cells[key] == 0 or result.reason(key) == WITHHELD
    # Only the small groups' ranges are checked below. Every solve first shows that the
    # figures shown fit the truth (the same constraints whatever is minimised), so with no
    # small group one atom's range is still worked out, for that check.
    small = {atom: frozenset({atom}) for atom in people if 0 < people[atom] < threshold}
    targets = small or {atom: frozenset({atom}) for atom in sorted(people)[:1]}
    for atom, (low, high) in related_ranges(tables, together, people, threshold,
                                            targets).items():
        if 0 < people[atom] < threshold:
            assert high - low >= 1 - 1e-7, (atom, low, high, people)


# --- a table and its breakdown -------------------------------------------------------------

_FIVE = {group: [c for c in ETHNIC_CODES if ETHNICITY_TO_CENSUS_GROUP[c] == group]
         for group in dict.fromkeys(ETHNICITY_TO_CENSUS_GROUP[c] for c in ETHNIC_CODES)}


def test_asian_beside_its_parts_no_longer_gives_away_chinese_respondents():
    counts = dict.fromkeys(ETHNIC_CODES, 0)
    counts.update(white_british=30, indian=9, chinese=3, caribbean=6, african=2)
    # Alone, each table is safe (Chinese and African hide each other in the 19); together
    # Asian 12 - Indian 9 = 3 Chinese respondents, and Black 8 - Caribbean 6 = 2 African.
    assert protect({g: sum(counts[c] for c in cs) for g, cs in _FIVE.items()}, 5) \
        .cells == {"white": 30, "mixed": 0, "asian": 12, "black": 8, "other": 0}
    assert protect(counts, 5).cells["indian"] == 9
    top, detail = disclosure.protect_nested(_FIVE, counts, 5)
    assert top.cells["asian"] == 12 and top.cells["black"] == 8  # the five groups stay
    assert detail.reason("chinese") == detail.reason("african") == SMALL
    assert detail.reason("indian") == detail.reason("caribbean") == SECONDARY
    assert detail.cells["pakistani"] == 0 and detail.cells["white_british"] == 30


def test_parts_that_their_labels_give_away_are_withheld():
    # Asian 5 with five parts of 1: "fewer than 5" each would make each exactly 1.
    counts = dict.fromkeys(ETHNIC_CODES, 0)
    counts.update(white_british=30, indian=1, pakistani=1, bangladeshi=1, chinese=1,
                  asian_other=1)
    top, detail = disclosure.protect_nested(_FIVE, counts, 5)
    assert top.cells["asian"] == 5
    assert {detail.reason(c) for c in _FIVE["asian"]} == {WITHHELD}
    assert detail.cells["white_british"] == 30


def test_rows_that_must_be_hidden_are_hidden_and_kept_from_subtraction():
    counts = {"a1": 20, "a2": 8, "b1": 30}
    top, detail = disclosure.protect_nested({"a": ["a1", "a2"], "b": ["b1"]}, counts, 5,
                                            hidden_children={"a2"})
    assert detail.reason("a2") == SECONDARY and detail.cells["a1"] is None
    assert top.cells == {"a": 28, "b": 30}


nested_counts = st.fixed_dictionaries({c: st.integers(0, 9) for c in [*ETHNIC_CODES, "rest"]})


@settings(max_examples=150, deadline=None)
@given(counts=nested_counts, threshold=st.integers(3, 6),
       forced=st.sets(st.sampled_from(ETHNIC_CODES), max_size=3))
def test_no_hidden_row_of_a_table_or_its_breakdown_can_be_worked_out(counts, threshold,
                                                                     forced):
    parents = {**_FIVE, "rest": ["rest"]}
    top, detail = disclosure.protect_nested(parents, counts, threshold,
                                            hidden_children=forced)
    tables = [{p: frozenset(cs) for p, cs in parents.items()},
              {c: frozenset({c}) for c in counts}]
    values = [{p: sum(counts[c] for c in cs) for p, cs in parents.items()}, counts]
    targets = {}
    for n, (table, result) in enumerate(zip(tables, [top, detail], strict=True)):
        for key, atoms in table.items():
            value = values[n][key]
            assert result.cells[key] in (None, value)
            assert result.cells[key] is None or not 0 < value < threshold
            if n == 1 and key in forced and value >= threshold:
                assert result.cells[key] is None
            if result.cells[key] is None and result.reason(key) != WITHHELD:
                targets[(n, key)] = atoms
    for key, (low, high) in related_ranges(tables, [top, detail], counts, threshold,
                                           targets).items():
        assert high - low >= 1 - 1e-7, (key, low, high, counts)
