"""Statistical disclosure control for counts: small numbers are never shown, and never
left to be worked out by subtraction.

Plain functions on plain data (no Flask, no database), so every page, export and command
that shows a count protects it the same way.

The rules, for a one-way table of counts that add up to its total:

1. **Primary suppression.** A count from 1 to ``threshold - 1`` is never shown. Pages
   show it as "fewer than <threshold>".
2. **Zeros are shown.** A zero is not a person, and "0" is exactly what a partner needs
   to see to know whom she is not reaching. Because zeros are always shown, a reader
   knows that a cell shown as "fewer than 5" is 1, 2, 3 or 4; the checks below assume
   she knows that.
3. **Secondary suppression.** When the total is shown, hidden cells must not be
   recoverable from it: if the total minus the shown cells pins any hidden cell to a
   single value, the smallest shown non-zero cell is hidden too (pages show it as "not
   shown"), and so on until no hidden cell can be pinned. A reader is assumed to know
   that a secondarily hidden cell is ``threshold`` or more (its label says it is not a
   small number), so this is stricter than the usual "hide the next smallest" rule.
   Example: ``{"a": 3, "b": 7, "c": 20}`` with the total 30 shown hides ``a`` and ``b``:
   then ``a + b = 10`` with ``a`` in 1..4 and ``b`` 5 or more, so ``a`` could be 1 to 4
   and ``b`` 6 to 9.
4. **Withholding.** In a few tables no pattern of hidden cells protects the small ones
   (``{"a": 1, "b": 5}`` with the total 6 shown: even with both hidden, ``a`` must be 1
   and ``b`` must be 5). Then the whole table is withheld: every cell, zeros included,
   is hidden, and the page says why.

Two-way tables (respondents by link and by group, with row totals, column totals and
the overall total) are protected by :func:`protect_two_way`, by the same rules read along
every row and every column; see its docstring.

One-way tables shown together whose rows count the same people grouped differently (the
ethnic group tables) are protected together by :func:`protect_related`; a table shown
with its breakdown (the five ethnic groups and their 19 categories), by
:func:`protect_nested`, which is exact and fast enough to run for every theme.

What this does not cover: totals under the threshold (callers show those as "fewer
than ..." and pass ``total_shown=False``, see :func:`shown_total`), tables with more than
two dimensions, and linking several tables that share cells beyond those two cases.
Callers should not show a breakdown at all when its total is under the threshold (with,
say, 3 responses in total, "all 3 are Asian" singles them out even if each cell says
"fewer than 5").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Why a cell is not shown.
SMALL = "small"  # 1 to threshold - 1: "fewer than <threshold>"
SECONDARY = "secondary"  # threshold or more, hidden so that a small cell stays hidden
WITHHELD = "withheld"  # the whole table is hidden


@dataclass(frozen=True)
class Protected:
    """A table of counts made safe to show.

    ``cells`` keeps the keys in the order given; ``None`` means "do not show this number".
    ``reasons`` says why each hidden cell is hidden (SMALL, SECONDARY or WITHHELD).
    """

    cells: dict[str, int | None]
    reasons: dict[str, str]
    withheld: bool = False

    def reason(self, key: str) -> str | None:
        return self.reasons.get(key)


def protect(counts: Mapping[str, int], threshold: int,
            total_shown: bool = True, hidden: Iterable[str] = ()) -> Protected:
    """Hide every count under ``threshold`` and whatever else would let one be worked out.

    ``counts`` must be the whole table: its values add up to the total that is shown next
    to it (when ``total_shown``). A ``threshold`` of 1 or less hides nothing. Negative
    counts are a programming error (ValueError). ``hidden``: cells that must be hidden
    whatever their size (another table sharing their people needs it, see
    :func:`protect_related`); they too are kept from being worked out.
    """
    if any(value < 0 for value in counts.values()):
        raise ValueError("counts cannot be negative")
    values = dict(counts)
    if threshold <= 1:
        return Protected(cells=values, reasons={})
    small = [key for key, value in values.items() if 0 < value < threshold]
    secondary: list[str] = [key for key in hidden if values.get(key, 0) >= threshold]
    total = sum(values.values()) if total_shown else None
    while (small or secondary) and _pinned(values, small, secondary, threshold, total):
        candidates = [key for key, value in values.items()
                      if value >= threshold and key not in secondary]
        if not candidates:
            return Protected(cells=dict.fromkeys(values), reasons=dict.fromkeys(values, WITHHELD),
                             withheld=True)
        # The smallest shown number hides the least; ties go to the first in table order.
        secondary.append(min(candidates, key=lambda key: values[key]))
    reasons = {**dict.fromkeys(small, SMALL), **dict.fromkeys(secondary, SECONDARY)}
    return Protected(
        cells={key: (None if key in reasons else value) for key, value in values.items()},
        reasons=reasons,
    )


def suppress(counts: Mapping[str, int], threshold: int,
             total_shown: bool = True) -> dict[str, int | None]:
    """The cells of :func:`protect`: each count, or None where it must not be shown.

    Guarantees (tested with hypothesis in tests/unit/test_disclosure.py):

    * every count shown is 0 or at least ``threshold``;
    * every count from 1 to ``threshold - 1`` is None;
    * zeros are shown, unless the whole table is withheld (then every cell is None);
    * with ``total_shown``, no hidden cell can be worked out from the shown cells and the
      total, even knowing which hidden cells are small (1 to threshold - 1) and which are
      not (threshold or more).
    """
    return protect(counts, threshold, total_shown).cells


def shown_total(total: int, threshold: int) -> int | None:
    """A total is a count too: None (show "fewer than ...") when it is 1 to threshold - 1."""
    return None if 0 < total < threshold else total


def completion_rate(submitted: int, started: int, threshold: int) -> float | None:
    """Submitted ÷ started, or None when either number is too small to show.

    None when fewer than ``threshold`` surveys were started (including none), or when
    1 to ``threshold - 1`` were submitted (the rate and the starts would give the number
    away). Capped at 1: paper or imported responses can outnumber online starts.
    """
    if started < max(threshold, 1):
        return None
    if 0 < submitted < threshold:
        return None
    return min(1.0, submitted / started)


def _pinned(values: Mapping[str, int], small: list[str], secondary: list[str],
            threshold: int, total: int | None) -> bool:
    """Can a reader pin any hidden cell to one value?

    She knows the shown cells, the total (if shown), that a small cell is 1 to
    threshold - 1 and that a secondary one is threshold or more. Each hidden cell lies in
    an interval of whole numbers, and a sum of such intervals is again an interval, so
    the values a hidden cell can take are exactly
    ``[max(lo, rest - sum of the others' highs), min(hi, rest - sum of the others' lows)]``
    where ``rest`` is the total minus the shown cells.
    """
    bounds: dict[str, tuple[int, int | None]] = {
        **{key: (1, threshold - 1) for key in small},
        **{key: (threshold, None) for key in secondary},
    }
    if total is None:
        return any(hi is not None and lo == hi for lo, hi in bounds.values())
    rest = total - sum(value for key, value in values.items() if key not in bounds)
    lows = sum(lo for lo, _ in bounds.values())
    unbounded = sum(1 for _, hi in bounds.values() if hi is None)
    highs = sum(hi for _, hi in bounds.values() if hi is not None)
    for lo, hi in bounds.values():
        others_low = lows - lo
        others_unbounded = unbounded - (1 if hi is None else 0)
        low = lo if others_unbounded else max(lo, rest - (highs - (hi or 0)))
        high = rest - others_low if hi is None else min(hi, rest - others_low)
        if low >= high:
            return True
    return False



def protect_related(tables: Sequence[Mapping[str, frozenset[str]]], people: Mapping[str, int],
                    threshold: int) -> list[Protected]:
    """Protect several one-way tables shown together whose cells count the same people.

    Each table maps its row keys to the "atoms" the row adds up (for ethnic group: the 19
    answer codes, "prefer not to say" and "not answered"); ``people`` counts each atom.
    A reader knows the total of everyone and each table's own total (a table may be part
    of what a page shows, such as the groups compared). One table alone is protected by
    :func:`protect`; shown side by side, one table's row can give away a small number in
    another: "Asian" in the census's five groups holds Chinese and the NHS maternity
    statistics' "Asian" does not, so the difference between the two is the number of
    Chinese respondents; a row hidden in one table and the same people shown in another
    undo the hiding.

    So, until nothing changes: for every row shown in one table and the rows of another
    table that lie inside it, what a reader can subtract (the row minus the shown rows
    inside it: the hidden rows inside it and the people in it that no row inside it
    covers) must not pin any of those down; if it does, more rows inside it are hidden,
    or, where that cannot help, the containing row itself. And where a row is hidden as
    small, the rows inside it could be pinned by their own "fewer than" labels (a small
    row with as many non-zero rows inside it as the threshold less one: each must be 1):
    those are hidden with no label (WITHHELD: "not shown", zeros too). Rows are only
    ever added to the hidden ones, so this ends.

    Last, an exact check by linear programming: if a small group could still be narrowed
    down to one number from everything shown, the most detailed table is withheld, and if
    that is not enough, every table.
    """
    values = [{key: sum(people.get(atom, 0) for atom in atoms) for key, atoms in t.items()}
              for t in tables]
    forced: list[set[str]] = [set() for _ in tables]
    unlabelled: list[set[str]] = [set() for _ in tables]
    while True:
        result = [_without_labels(protect(v, threshold, hidden=f), u)
                  for v, f, u in zip(values, forced, unlabelled, strict=True)]
        changed = False
        for i, table in enumerate(tables):
            for key, atoms in table.items():
                if result[i].reason(key) == SMALL:
                    # "Fewer than 5" Asian respondents and four Asian groups each "fewer
                    # than 5" means one in each. Where the rows inside a small row would
                    # be pinned like that, they are shown as "not shown", zeros included.
                    for j, other in enumerate(tables):
                        inside = {k for k, a in other.items() if a and a <= atoms and j != i}
                        labelled = [k for k in inside - unlabelled[j] if values[j][k] > 0]
                        if labelled and len(labelled) >= threshold - 1:
                            unlabelled[j] |= inside
                            changed = True
                if result[i].cells[key] is None:
                    # A hidden row must not be the sum of rows shown in another table.
                    for j, other in enumerate(tables):
                        inside = [k for k, a in other.items() if a and a <= atoms and j != i]
                        if not inside or frozenset().union(*(other[k] for k in inside)) \
                                != atoms or any(result[j].cells[k] is None for k in inside):
                            continue
                        shown = [k for k in inside if values[j][k] > 0]
                        if shown:
                            forced[j].add(min(shown, key=lambda k: values[j][k]))
                            changed = True
                    continue
                for j, other in enumerate(tables):
                    if j == i:
                        continue
                    inside = [k for k, a in other.items() if a and a <= atoms]
                    hidden_inside = {k for k in inside if result[j].cells[k] is None}
                    covered = frozenset().union(*(other[k] for k in inside))
                    rest = sum(people.get(atom, 0) for atom in atoms - covered)
                    if not hidden_inside and not 0 < rest < threshold:
                        continue  # everything inside shown, and the rest is no small number
                    part = {k: values[j][k] for k in inside}
                    if rest:
                        part[_REST] = rest
                    check = protect(part, threshold, hidden={*hidden_inside, _REST})
                    more = {k for k in inside if check.cells[k] is None} - hidden_inside
                    if check.withheld:
                        if key not in forced[i]:
                            forced[i].add(key)  # nothing inside can help: hide the row
                            changed = True
                    elif more - forced[j]:
                        forced[j] |= more
                        changed = True
        if not changed:
            break
    # The rules above stop the ways of subtracting one table from another; with several
    # small rows in several tables, what is left can still narrow a small group down to
    # one number. Linear programming finds any such group (the tables' rows are sums of
    # the same people, so the bounds it finds are whole numbers); if one is found, the
    # most detailed table is withheld, then all of them.
    order = sorted(range(len(tables)), key=lambda n: -len(tables[n]))
    for n in [None, order[0], *order[1:]]:
        if n is not None:
            result[n] = _all_withheld(result[n])
        if not _pins_someone(tables, result, people, threshold):
            return result
    return result


def _all_withheld(result: Protected) -> Protected:
    return Protected(cells=dict.fromkeys(result.cells), reasons=dict.fromkeys(
        result.cells, WITHHELD), withheld=True)


def _pins_someone(tables: Sequence[Mapping[str, frozenset[str]]], result: Sequence[Protected],
                  people: Mapping[str, int], threshold: int) -> bool:
    """Can a reader of these tables, shown together with their total, narrow a small
    group (a small answer, or a row hidden as small) down to one number?"""
    from scipy.optimize import linprog

    atoms = sorted(people)
    index = {atom: n for n, atom in enumerate(atoms)}

    def row(members: frozenset[str]) -> list[float]:
        out = [0.0] * len(atoms)
        for atom in members:
            if atom in index:
                out[index[atom]] = 1.0
        return out

    equal, equal_b = [[1.0] * len(atoms)], [float(sum(people.values()))]
    upper: list[list[float]] = []
    upper_b: list[float] = []
    targets = [frozenset({a}) for a in atoms if 0 < people[a] < threshold]
    for table in tables:  # each table's own total
        everyone = frozenset().union(*table.values())
        equal.append(row(everyone))
        equal_b.append(float(sum(people.get(atom, 0) for atom in everyone)))
    for table, protected in zip(tables, result, strict=True):
        for key, members in table.items():
            shown, reason = protected.cells.get(key), protected.reason(key)
            if shown is not None:
                equal.append(row(members))
                equal_b.append(float(shown))
            elif reason == SMALL:
                upper += [row(members), [-x for x in row(members)]]
                upper_b += [float(threshold - 1), -1.0]
                targets.append(members)
            elif reason == SECONDARY:
                upper.append([-x for x in row(members)])
                upper_b.append(-float(threshold))
    for members in dict.fromkeys(targets):
        found = []
        for direction in (1.0, -1.0):
            outcome = linprog([direction * x for x in row(members)], A_eq=equal, b_eq=equal_b,
                              A_ub=upper or None, b_ub=upper_b or None,
                              bounds=[(0, None)] * len(atoms), method="highs")
            if outcome.status != 0:
                return True  # cannot tell: treat as pinned
            found.append(outcome.fun * direction)
        if found[1] - found[0] < 1 - 1e-7:
            return True
    return False


_REST = "\0rest"  # the people in a row whom no row of the other table inside it covers


def _without_labels(result: Protected, keys: set[str]) -> Protected:
    """The result with these rows hidden and labelled WITHHELD (no range given)."""
    if not keys or result.withheld:
        return result
    return Protected(cells={k: (None if k in keys else v) for k, v in result.cells.items()},
                     reasons={**result.reasons, **dict.fromkeys(keys, WITHHELD)})

# --- a table and its breakdown -------------------------------------------------------------


def protect_nested(parents: Mapping[str, Sequence[str]], counts: Mapping[str, int],
                   threshold: int, hidden_parents: Iterable[str] = (),
                   hidden_children: Iterable[str] = ()) -> tuple[Protected, Protected]:
    """Protect a table and its breakdown, shown together with their total: one row per
    parent (the sum of its children) and one row per child.

    ``parents`` maps each parent to its children (every child in exactly one parent; a
    parent may have one child, standing for itself); ``counts`` counts each child. The
    ethnic group's five groups and their 19 categories are such a pair: "Asian" is
    Indian, Pakistani, Bangladeshi, Chinese and any other Asian background, so Asian
    shown as 12 beside Indian as 9 and the other three as 0 gives away 3 Chinese
    respondents, though each table alone is safe. ``hidden_parents`` and
    ``hidden_children``: rows that must be hidden whatever their size (as in
    :func:`protect`). Returns the two tables protected: (parents, children).

    Each table is protected by :func:`protect` (a parent's children with the parent as
    their total when the parent is shown), then an exact check: a parent and its children
    form a tree of sums under the total, so what a reader can say about each hidden row
    is found by narrowing intervals down the tree and up again (exact for a tree, unlike
    two tables that overlap any which way; see :func:`protect_related` for those). Until
    no hidden row can be pinned to one value: a hidden child that could be is given
    company by the smallest shown child of the same parent, or, where none is left, its
    parent's children are all withheld ("not shown", zeros too); a hidden parent that
    could be, by the smallest shown child of its own, then the smallest shown parent.
    """
    kids = {parent: list(children) for parent, children in parents.items()}
    values = {parent: sum(counts.get(child, 0) for child in children)
              for parent, children in kids.items()}
    forced_parents, forced_children = set(hidden_parents), set(hidden_children)
    withheld: set[str] = set()  # parents whose children are all withheld
    while True:
        top = protect(values, threshold, hidden=forced_parents)
        if top.withheld:
            return top, _all_withheld(Protected(
                cells=dict.fromkeys(c for cs in kids.values() for c in cs), reasons={}))
        detail: dict[str, Protected] = {}
        for parent, children in kids.items():
            own = {child: counts.get(child, 0) for child in children}
            detail[parent] = _all_withheld(Protected(cells=own, reasons={})) \
                if parent in withheld else protect(
                    own, threshold, total_shown=top.cells[parent] is not None,
                    hidden=forced_children.intersection(children))
        pinned = _pinned_in_tree(top, detail, values, counts, threshold)
        if pinned is None:
            break
        parent, child = pinned
        shown_children = [c for c in kids[parent] if detail[parent].cells[c] is not None
                          and counts.get(c, 0) >= threshold and c not in forced_children]
        shown_parents = [p for p in kids if top.cells[p] is not None
                         and values[p] >= threshold and p not in forced_parents]
        if shown_children:
            forced_children.add(min(shown_children, key=lambda c: counts.get(c, 0)))
        elif child is not None and parent not in withheld:
            withheld.add(parent)
        elif child is None and shown_parents:
            forced_parents.add(min(shown_parents, key=lambda p: values[p]))
        elif parent not in withheld:
            withheld.add(parent)
        elif top.cells[parent] is not None and parent not in forced_parents \
                and values[parent] >= threshold:
            forced_parents.add(parent)
        else:  # nothing left to hide: cannot happen with the total alone, but be safe
            everything = Protected(cells=dict.fromkeys(c for cs in kids.values() for c in cs),
                                   reasons={})
            return _all_withheld(top), _all_withheld(everything)
    children_table = Protected(
        cells={c: v for part in detail.values() for c, v in part.cells.items()},
        reasons={c: r for part in detail.values() for c, r in part.reasons.items()})
    return top, children_table


def label_bounds(reason: str, threshold: int) -> tuple[float, float]:
    """What a reader knows of a hidden number from its label: (lowest, highest). Small:
    1 to threshold - 1; not shown: threshold or more; withheld: 0 or more."""
    return {SMALL: (1, threshold - 1), SECONDARY: (threshold, math.inf),
            WITHHELD: (0, math.inf)}[reason]


def narrowed(own: tuple[float, float], total: float,
             others: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Where a number lies that adds up to ``total`` with ``others``, each known to lie
    between its two ends, when it lies within ``own`` itself. Whole numbers from the
    lowest to the highest can all happen, so a number is pinned when they meet."""
    others = list(others)
    return (max(own[0], total - sum(high for _, high in others)),
            min(own[1], total - sum(low for low, _ in others)))


def _pinned_in_tree(top: Protected, detail: Mapping[str, Protected],
                    values: Mapping[str, int], counts: Mapping[str, int], threshold: int
                    ) -> tuple[str, str | None] | None:
    """The first hidden row a reader could work out exactly: (parent, None) for a parent,
    (parent, child) for a child; None if there is none.

    She knows the total, every shown row and each hidden row's label. Up the tree, a
    parent lies within its own label and the sum of its children's; down again, within
    the total less its siblings, and a child within its parent less its siblings. In a
    tree this narrowing is exact, and every whole number between the ends can happen."""
    def own(table: Protected, key: str, value: int) -> tuple[float, float]:
        if table.cells[key] is not None:
            return value, value
        return label_bounds(table.reasons[key], threshold)

    leaf = {p: {c: own(part, c, counts.get(c, 0)) for c in part.cells}
            for p, part in detail.items()}
    up = {}
    for parent, value in values.items():
        low, high = own(top, parent, value)
        up[parent] = (max(low, sum(lo for lo, _ in leaf[parent].values())),
                      min(high, sum(hi for _, hi in leaf[parent].values())))
    total = sum(values.values())
    for parent in values:
        low, high = narrowed(up[parent], total,
                             (bounds for p, bounds in up.items() if p != parent))
        if top.cells[parent] is None and low >= high:
            return parent, None
        for child, bounds in leaf[parent].items():
            if detail[parent].cells[child] is not None:
                continue
            # Its parent is anything from low to high: each end is a total it adds up to.
            siblings = [b for c, b in leaf[parent].items() if c != child]
            c_low = narrowed(bounds, low, siblings)[0]
            c_high = narrowed(bounds, high, siblings)[1]
            if c_low >= c_high:
                return parent, child
    return None


# --- two-way tables ---------------------------------------------------------------------

# A two-way table's entries are keyed (row, column); None stands for "all": (row, None) is
# a row's total, (None, column) a column's total and (None, None) the overall total.
Entry = tuple[Any, Any]


@dataclass(frozen=True)
class ProtectedTable:
    """A two-way table of counts, with its totals, made safe to show.

    ``values[(row, column)]`` is the number to show, or None: do not show it. A row's
    total is at ``(row, None)``, a column's at ``(None, column)``, the overall total at
    ``(None, None)``. ``reasons`` says why each hidden entry is hidden (SMALL, SECONDARY
    or WITHHELD).
    """

    rows: list[Any]
    columns: list[Any]
    values: dict[Entry, int | None]
    reasons: dict[Entry, str]
    withheld: bool = False

    def value(self, row: Any, column: Any) -> int | None:
        return self.values[(row, column)]

    def reason(self, row: Any, column: Any) -> str | None:
        return self.reasons.get((row, column))


def protect_two_way(counts: Mapping[Any, Mapping[Any, int]], threshold: int,
                    columns: Sequence[Any] | None = None,
                    column_totals: Protected | None = None,
                    row_totals: Protected | None = None) -> ProtectedTable:
    """Hide every count under ``threshold`` in a two-way table, and whatever else would let
    one be worked out from the row totals, the column totals or the overall total.

    ``counts[row][column]`` (a missing column is 0; rows and columns must not be None).
    Every total is shown beside the table unless it is hidden here.

    ``column_totals``: when the column totals are also shown elsewhere as a one-way table
    (the representation page's table by group is this table's column totals), pass that
    table's :func:`protect` result. The column totals are then shown exactly as it shows
    them (hidden where it hides them, with the same labels) and are never hidden
    otherwise, so the two tables cannot be played off against each other (a column it
    does not have: its total is hidden when needed). ``row_totals``: the same for the
    row totals (the representation page passes the links' response counts as the partner
    pages show them), except that every row total is then taken as known to a reader,
    even one hidden as small: with the overall total and the other rows' totals she can
    often work it out, so the cells are protected as if she had. The overall total is
    always shown unless it is a small number.

    The rules are those of :func:`protect`, read along every row and every column:

    1. **Primary.** Every cell or total from 1 to ``threshold - 1`` is hidden ("fewer than
       <threshold>"). Zeros are shown.
    2. **Secondary.** Each row (with its total) and each column (with its total) is a sum,
       so one hidden number alone in its row or its column could be worked out by
       subtraction: another number of that row or column is hidden too ("not shown"), and
       so on until nothing changes. Counting in the totals, every row and every column then
       has no hidden number or at least two. That is not always enough (two hidden pairs
       can still pin each other down through a third row), so the check is exact: a hidden
       number is safe only if it lies on a *cycle* of hidden numbers (row, column, row, …)
       along which it could be one more or one less while every row and column still adds
       up, every small number stays between 1 and ``threshold - 1`` and every "not shown"
       number stays at ``threshold`` or more (what their labels tell a reader). Until every
       hidden number is safe, the smallest shown number that gives the one found unsafe
       such a cycle is hidden (or, if none does at once, the smallest in its row or
       column; row totals may be hidden too, the overall total and given column totals
       never).
    3. **Withholding.** If even with every other number hidden a hidden number could still
       be worked out (the labels alone can pin it: a column of 5, 1 and 1 adding up to a
       shown 7 can only be "not shown" 5, "fewer than 5" 1 and 1; or the zeros do: a link
       whose only respondents are in one group), its column's cells are withheld: all
       hidden, zeros too, as "not shown" (WITHHELD), so a reader no longer knows which
       are small or zero; the column's total stays. If that is not enough, its row's
       cells too; if even that is not, the whole table is withheld (every entry hidden).

    Hand-worked example (threshold 5)::

                   x    y    z  | total              x    y    z   | total
        link A    20    3   10  |  33     ->  A    20   <5   ns   |  33
        link B    15   12    0  |  27         B    15   12    0   |  27
        link C     8    9    6  |  23         C     8   ns   ns   |  23
        total     43   24   16  |  83         tot  43   24   16   |  83

    ``A,y = 3`` is small. Alone in row A and in column y it would be 33 - 20 - 10 and
    24 - 12 - 9. No single number closes a cycle through it, so the smallest in its row or
    column goes first (``C,y = 9``), then the next (``A,z = 10``), and then the smallest
    that closes the cycle A,y - C,y - C,z - A,z (``C,z = 6``). Now A,y could be 2 (A,z 11,
    C,y 10, C,z 5) or 4 (A,z 9, C,y 8, C,z 7): no hidden number is pinned down.
    """
    if threshold < 0:
        raise ValueError("threshold cannot be negative")
    rows = list(counts)
    if columns is None:
        columns = list(dict.fromkeys(column for row in rows for column in counts[row]))
    columns = list(columns)
    if None in rows or None in columns:
        raise ValueError("rows and columns cannot be None (None stands for the totals)")
    values: dict[Entry, int] = {}
    for row in rows:
        for column in columns:
            values[(row, column)] = counts[row].get(column, 0)
    if any(value < 0 for value in values.values()):
        raise ValueError("counts cannot be negative")
    for row in rows:
        values[(row, None)] = sum(values[(row, column)] for column in columns)
    for column in columns:
        values[(None, column)] = sum(values[(row, column)] for row in rows)
    values[(None, None)] = sum(values[(row, None)] for row in rows)
    if threshold <= 1:
        return ProtectedTable(rows, columns, dict(values), {})

    reasons: dict[Entry, str] = {}
    fixed: set[Entry] = {(None, None)}
    # Row totals given: hidden here as they are elsewhere, but a reader is assumed to know
    # them all the same (with the overall total she often can work a small one out).
    known_anyway: dict[Entry, str] = {}
    for given, entry_of, hidden in ((column_totals, lambda key: (None, key), reasons),
                                    (row_totals, lambda key: (key, None), known_anyway)):
        if given is None:
            continue
        if given.withheld:
            return _withheld_table(rows, columns, values)
        for key, shown in given.cells.items():
            entry = entry_of(key)
            if entry not in values:
                continue  # a row or column this table does not have
            fixed.add(entry)
            if shown is None:
                hidden[entry] = given.reasons.get(key, WITHHELD)
            elif shown != values[entry]:
                raise ValueError(f"the total of {key!r} is shown as {shown} elsewhere but "
                                 f"its cells add up to {values[entry]}")
    for entry, value in values.items():
        if 0 < value < threshold and entry not in reasons and entry not in known_anyway:
            reasons[entry] = SMALL
    protected = set(reasons)  # what must not be worked out: the small numbers, and the
    # totals the one-way table hides (one of them would give its small ones away)
    withheld_lines: set[tuple[str, Any]] = set()
    while True:
        pinned = _first_pinned(values, reasons, threshold, among=protected)
        if pinned is None:
            break
        choice = _secondary_for(pinned, values, reasons, fixed, threshold)
        if choice is not None:
            reasons[choice] = SECONDARY
            continue
        # Nothing left to hide would do: what a reader knows from the labels and the
        # zeros pins it down. Withhold its column's cells, zeros included, so she no
        # longer knows which are small or zero (the column's total stays); then its row's.
        row, column = pinned
        if column is not None and ("column", column) not in withheld_lines:
            withheld_lines.add(("column", column))
            reasons.update({(r, column): WITHHELD for r in rows})
        elif row is not None and ("row", row) not in withheld_lines:
            withheld_lines.add(("row", row))
            reasons.update({(row, c): WITHHELD for c in columns})
        else:
            return _withheld_table(rows, columns, values)
    reasons = {**_show_what_protects_nothing(values, reasons, protected, threshold),
               **known_anyway}
    return ProtectedTable(
        rows=rows, columns=columns,
        values={entry: (None if entry in reasons else value) for entry, value in values.items()},
        reasons=reasons)


def _withheld_table(rows: list[Any], columns: list[Any], values: Mapping[Entry, int]
                    ) -> ProtectedTable:
    return ProtectedTable(rows=rows, columns=columns, values=dict.fromkeys(values),
                          reasons=dict.fromkeys(values, WITHHELD), withheld=True)


# How the check works. Give each total a minus sign (a row: cells - total = 0; the totals:
# overall total - row totals = 0, and the same for columns) and every row and every column
# of the table *with its totals* adds up to zero, each number counted in exactly one row
# and one column. Hidden numbers are then the edges of a graph between rows and columns;
# one can move by +1 exactly when the others can move along a cycle through it, -1 and +1
# in turn, each within what its label allows: a path in the "residual" graph below.


def _signed(entry: Entry, value: int, reason: str, threshold: int
            ) -> tuple[float, float, float]:
    """(signed value, lowest, highest) of a hidden number, as a reader knows it."""
    low, high = label_bounds(reason, threshold)
    if (entry[0] is None) != (entry[1] is None):  # a row's or a column's total
        return -value, -high, -low
    return value, low, high


@lru_cache(maxsize=8192)
def _arcs(entry: Entry, value: int, reason: str, threshold: int
          ) -> tuple[tuple[tuple[str, Any], tuple[str, Any]], ...]:
    """Moves this number allows: row -> column if it can go up, column -> row if down."""
    signed, low, high = _signed(entry, value, reason, threshold)
    row, column = ("row", entry[0]), ("column", entry[1])
    arcs = []
    if signed < high:
        arcs.append((row, column))
    if signed > low:
        arcs.append((column, row))
    return tuple(arcs)


def _graph(values: Mapping[Entry, int], reasons: Mapping[Entry, str], threshold: int,
           leave_out: Entry | None = None) -> dict[Any, set[Any]]:
    graph: dict[Any, set[Any]] = {}
    for entry, reason in reasons.items():
        if entry == leave_out:
            continue
        for start, end in _arcs(entry, values[entry], reason, threshold):
            graph.setdefault(start, set()).add(end)
    return graph


def _reachable(graph: Mapping[Any, set[Any]], start: Any) -> set[Any]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _reversed(graph: Mapping[Any, set[Any]]) -> dict[Any, set[Any]]:
    back: dict[Any, set[Any]] = {}
    for start, ends in graph.items():
        for end in ends:
            back.setdefault(end, set()).add(start)
    return back


def _show_what_protects_nothing(values: Mapping[Entry, int], reasons: dict[Entry, str],
                                protected: set[Entry], threshold: int) -> dict[Entry, str]:
    """Show again each number hidden on the way that turns out not to be needed, largest
    first, so that as little as possible is hidden (withheld rows and columns stay
    withheld). Last, show any hidden number a reader could work out anyway (a withheld
    zero alone in its row, say): showing it tells her nothing new, and afterwards no
    hidden number at all can be worked out."""
    order = {entry: i for i, entry in enumerate(values)}
    changed = True
    while changed:
        changed = False
        for entry in sorted((e for e, reason in reasons.items()
                             if e not in protected and reason != WITHHELD),
                            key=lambda e: (-values[e], order[e])):
            trial = {key: reason for key, reason in reasons.items() if key != entry}
            if _first_pinned(values, trial, threshold, among=protected) is None:
                reasons, changed = trial, True
    while (known := _first_pinned(values, reasons, threshold)) is not None:
        if known in protected:  # cannot happen: the loop before ends with none pinned
            raise RuntimeError(f"{known!r} could be worked out")
        reasons = {key: reason for key, reason in reasons.items() if key != known}
    return reasons


def _first_pinned(values: Mapping[Entry, int], reasons: Mapping[Entry, str],
                  threshold: int, among: set[Entry] | None = None) -> Entry | None:
    """The first hidden number (in table order; of `among` if given) that a reader could
    work out exactly."""
    for entry in values:
        if entry not in reasons or (among is not None and entry not in among):
            continue
        graph = _graph(values, reasons, threshold, leave_out=entry)
        row, column = ("row", entry[0]), ("column", entry[1])
        own = _arcs(entry, values[entry], reasons[entry], threshold)
        # +1 on it (its own arc row -> column) needs the others to close the cycle from
        # its column back to its row; -1 (column -> row) from its row back to its column.
        up = (row, column) in own and row in _reachable(graph, column)
        down = (column, row) in own and column in _reachable(graph, row)
        if not up and not down:
            return entry
    return None


def _secondary_for(pinned: Entry, values: Mapping[Entry, int], reasons: Mapping[Entry, str],
                   fixed: set[Entry], threshold: int) -> Entry | None:
    """The shown number to hide next, so that `pinned` can move; None if there is none."""
    candidates = [entry for entry, value in values.items()
                  if entry not in reasons and entry not in fixed and value >= threshold]
    if not candidates:
        return None
    order = {entry: i for i, entry in enumerate(values)}
    graph = _graph(values, reasons, threshold, leave_out=pinned)
    back = _reversed(graph)
    row, column = ("row", pinned[0]), ("column", pinned[1])
    own = _arcs(pinned, values[pinned], reasons[pinned], threshold)
    # +1 on `pinned` needs a path column -> row; -1 a path row -> column.
    ends = []
    if (row, column) in own:
        ends.append((_reachable(graph, column), _reachable(back, row)))
    if (column, row) in own:
        ends.append((_reachable(graph, row), _reachable(back, column)))

    def closes(entry: Entry) -> bool:
        arcs = _arcs(entry, values[entry], SECONDARY, threshold)
        return any(start in after and end in before
                   for start, end in arcs for after, before in ends)

    def smallest(entries: list[Entry]) -> Entry | None:
        return min(entries, key=lambda e: (values[e], order[e])) if entries else None

    def reaches_further(entry: Entry) -> bool:
        arcs = _arcs(entry, values[entry], SECONDARY, threshold)
        return any(start in after or end in before
                   for start, end in arcs for after, before in ends)

    # One that closes a cycle through it; else one that takes a path from it a step
    # further; else one in its row or column; else any.
    return (smallest([e for e in candidates if closes(e)])
            or smallest([e for e in candidates if reaches_further(e)])
            or smallest([e for e in candidates if e[0] == pinned[0] or e[1] == pinned[1]])
            or smallest(candidates))
