"""Does a group raise a theme negatively more (or less) often than everyone else?

Plain Python (no Flask, no database): counts in, a row per theme and group out, with small
cells suppressed. The pages, the review pack and the exports all call :func:`compare` so
the same figure is shown everywhere.

The test. For each theme and group: of the respondents in the group who wrote a comment
that was analysed, how many raised the theme negatively, against the same share among
everyone else who wrote one (other groups, "prefer not to say" and no answer together).
The two shares are compared with the pooled two-proportion z-test, which is the
chi-square test of the 2×2 table without continuity correction (scipy's
``chi2_contingency``). Where an expected count in that table is under 5 the normal
approximation is poor, so Fisher's exact test (``fisher_exact``) is used instead.

The correction. A page tests every theme against every group at once (about 20 themes ×
up to 19 groups), so some differences would look significant by chance alone. The
p-values of all the cells tested on one page are adjusted together with the
Benjamini–Hochberg procedure (scipy's ``false_discovery_control``), and a cell is flagged
when its adjusted p-value is under 0.05. Benjamini–Hochberg keeps the expected share of
false flags among all flags at 5%; Holm's method would keep the chance of even one false
flag at 5%, which with hundreds of cells misses real differences in groups that are small
to begin with. This view is for finding where to look, not for proof, so missing a real
inequality costs more than an occasional false lead.

Suppression. A cell is not shown, and not tested, when the group has fewer than
``threshold`` respondents who commented, or when 1 to ``threshold - 1`` of them raised the
theme negatively, or when the caller hid either number (surveyapp/themes/summary.py
protects the groups' numbers together, so that one group's is not everyone's less the
others'); "everyone else" is hidden with it, since the whole minus the others would give
the hidden count away, and likewise when 1 to ``threshold - 1`` others raised it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy.stats import chi2_contingency, false_discovery_control, fisher_exact

ALPHA = 0.05
CORRECTION = "Benjamini–Hochberg"
MIN_EXPECTED = 5  # below this in any cell of the 2×2 table: Fisher's exact test


@dataclass(frozen=True)
class Cell:
    """One theme in one group. Every figure is None where it must not be shown."""

    theme_code: str
    group_code: str
    respondents: int | None  # in the group, who wrote an analysed comment
    negative: int | None  # of them, raised the theme negatively
    share_negative: float | None
    share_others: float | None  # the same share among everyone else
    p_value: float | None
    adjusted_p: float | None
    flagged: bool = False  # differs from everyone else after the correction

    @property
    def suppressed(self) -> bool:
        return self.share_negative is None

    @property
    def direction(self) -> str | None:
        """"higher" or "lower" than everyone else, for a flagged cell."""
        if not self.flagged or self.share_negative is None or self.share_others is None:
            return None
        return "higher" if self.share_negative > self.share_others else "lower"


def two_proportion_p(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float | None:
    """Two-sided p-value that hits_a/n_a and hits_b/n_b differ: the pooled z-test (as
    the uncorrected chi-square of the 2×2 table), or Fisher's exact test when an expected
    count is under 5. None when either group is empty or nobody (or everybody) raised it,
    as there is then nothing to compare."""
    if n_a <= 0 or n_b <= 0:
        return None
    hits = hits_a + hits_b
    total = n_a + n_b
    if hits == 0 or hits == total:
        return None
    table = [[hits_a, n_a - hits_a], [hits_b, n_b - hits_b]]
    expected_smallest = min(n_a, n_b) * min(hits, total - hits) / total
    if expected_smallest < MIN_EXPECTED:
        return float(fisher_exact(table).pvalue)
    return float(chi2_contingency(table, correction=False).pvalue)


def _hidden(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def compare(groups: Sequence[str], themes: Sequence[str],
            respondents: Mapping[str, int | None], total_respondents: int,
            negative: Mapping[tuple[str, str], int | None], negative_total: Mapping[str, int],
            threshold: int, alpha: float = ALPHA) -> list[Cell]:
    """A :class:`Cell` for every theme (in ``themes`` order) and group (``groups`` order).

    ``respondents[group]``: respondents in the group who wrote an analysed comment;
    ``total_respondents``: everyone who did, whatever their group (or none);
    ``negative[(theme, group)]``: of those in the group, how many raised the theme
    negatively; ``negative_total[theme]``: the same for everyone. None in
    ``respondents`` or ``negative``: a number that must not be shown (the caller
    protected the groups' figures together, surveyapp/themes/summary.py); its cell is
    not shown either.
    """
    cells: list[dict] = []
    for theme in themes:
        all_negative = negative_total.get(theme, 0)
        for group in groups:
            n = respondents.get(group, 0)
            hits = negative.get((theme, group), 0)
            cell: dict = {"theme_code": theme, "group_code": group, "respondents": None,
                          "negative": None, "share_negative": None, "share_others": None,
                          "p_value": None}
            if n is not None and hits is not None and n >= max(threshold, 1) \
                    and not _hidden(hits, threshold):
                others_n = total_respondents - n
                others_hits = all_negative - hits
                cell.update(respondents=n, negative=hits, share_negative=hits / n)
                if others_n >= max(threshold, 1) and not _hidden(others_hits, threshold):
                    cell.update(share_others=others_hits / others_n,
                                p_value=two_proportion_p(hits, n, others_hits, others_n))
            cells.append(cell)
    tested = [i for i, c in enumerate(cells) if c["p_value"] is not None]
    adjusted: dict[int, float] = {}
    if tested:
        values = false_discovery_control([cells[i]["p_value"] for i in tested], method="bh")
        adjusted = {i: float(v) for i, v in zip(tested, values, strict=True)}
    return [Cell(**cell, adjusted_p=adjusted.get(i),
                 flagged=i in adjusted and adjusted[i] < alpha)
            for i, cell in enumerate(cells)]
