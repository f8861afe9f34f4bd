"""axe-core for the browser tests: axe_playwright_python's Axe, except that the script
(about 0.5 MB) is put into a page only when the page does not have it yet. A page scanned at
two viewports (resized, not reloaded) gets it once; after any navigation the new document
has no axe and gets it again. Each scan is a full `axe.run` on the page as it is."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, AxeResults
from axe_playwright_python.sync_playwright import Axe as _Axe

HAS_AXE = "typeof window.axe === 'object' && typeof window.axe.run === 'function'"


class Axe(_Axe):
    def run(self, page, context: str | list | dict | None = None,
            options: dict | None = DEFAULT_OPTIONS) -> AxeResults:
        if not page.evaluate(HAS_AXE):
            page.evaluate(self.axe_script)
        args = self._format_script_args(context=context, options=options)
        return AxeResults(page.evaluate(f"axe.run({args}).then(results => {{return results;}})"))
