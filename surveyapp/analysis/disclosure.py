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

What this does not cover: totals under the threshold (callers show those as "fewer
than ..." and pass ``total_shown=False``, see :func:`shown_total`), tables with more than
one dimension, and linking several tables that share cells. Callers should not show a
breakdown at all when its total is under the threshold (with, say, 3 responses in total,
"all 3 are Asian" singles them out even if each cell says "fewer than 5").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
            total_shown: bool = True) -> Protected:
    """Hide every count under ``threshold`` and whatever else would let one be worked out.

    ``counts`` must be the whole table: its values add up to the total that is shown next
    to it (when ``total_shown``). A ``threshold`` of 1 or less hides nothing. Negative
    counts are a programming error (ValueError).
    """
    if any(value < 0 for value in counts.values()):
        raise ValueError("counts cannot be negative")
    values = dict(counts)
    if threshold <= 1:
        return Protected(cells=values, reasons={})
    small = [key for key, value in values.items() if 0 < value < threshold]
    secondary: list[str] = []
    total = sum(values.values()) if total_shown else None
    while small and _pinned(values, small, secondary, threshold, total):
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
