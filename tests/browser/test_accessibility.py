"""axe-core on every respondent page, in every shipped language, on a phone and a desktop.

The journey is walked once per language (the start page, its error, privacy, every
question page with the answers that bring in the conditional pages, a page with an error
and one after an expired form, check, thank you, deleting her answers with the receipt
code, 404 and 410, and the easy-read page), and each page is scanned
at 320x640 and at 1280x800. Any violation, of any impact, fails.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from config import LANGUAGES
from surveyapp.extensions import db
from surveyapp.languages import html_lang
from surveyapp.models import DistributionLink

# Markup does not depend on the database: the PostgreSQL pass leaves these out.
pytestmark = [pytest.mark.browser, pytest.mark.markup_only]

RECEIPT = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
SUBMIT = "form button[type=submit]"
VIEWPORTS = ({"width": 320, "height": 640}, {"width": 1280, "height": 800})

# What to choose on each page of the scan: the answers that bring in the conditional pages.
SCAN_ANSWERS = {
    "overall": {"overall_experience": "2"},
    "after_birth": {"baby_neonatal_unit": "yes"},
    "respect": {"treated_differently": "yes"},
    "treated_differently_reasons": {"treated_differently_why": "language"},
}
EXPECTED_PAGES = ["overall", "pregnancy", "labour_birth", "after_birth", "neonatal", "feeding",
                  "mental_health", "listened_to", "respect", "treated_differently_reasons",
                  "language", "services", "about_you", "about_you_more"]


class Scanner:
    """axe-core on the page as it is, once at each viewport (no second page load)."""

    def __init__(self) -> None:
        from tests.browser.axe_once import Axe

        self.axe = Axe()
        self.violations: list[str] = []
        self.scanned: list[str] = []

    def scan(self, page, name: str) -> None:
        for size in VIEWPORTS:
            page.set_viewport_size(size)
            results = self.axe.run(page)
            where = f"{name} at {size['width']}x{size['height']}"
            self.scanned.append(f"{where} {page.url}")
            for violation in results.response["violations"]:
                targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
                self.violations.append(
                    f"[{violation['impact']}] {violation['id']} on {where} ({page.url}): "
                    f"{violation['help']} -> {targets}")


def _continue(page) -> None:
    before = page.url
    page.locator(SUBMIT).click()
    page.wait_for_url(lambda url: url != before)
    page.wait_for_load_state("load")


def _scan_journey(live_server, context, scanner: Scanner, lang: str, code: str) -> None:
    page = context.new_page()
    query = f"?lang={lang}"

    def go(path: str, name: str | None, status: int = 200, in_language: str = lang) -> None:
        response = page.goto(live_server(path))
        assert response is not None and response.status == status, (path, response)
        assert page.locator("html").get_attribute("lang") == html_lang(in_language)
        if name:
            scanner.scan(page, f"{lang} {name}")

    go(f"/s/{code}{query}", "start")
    go(f"/s/{code}/privacy", "privacy")
    go(f"/s/{code}/easy-read", "easy read (English only)", in_language="en")
    go(f"/s/{code}", None)  # back to the start page (already scanned)

    # The start page with its error shown (no consent ticked).
    page.locator(SUBMIT).click()
    page.wait_for_load_state("load")
    assert page.locator(".nhsuk-error-summary").count() == 1
    scanner.scan(page, f"{lang} start with error")

    page.locator("#consent").check()
    _continue(page)
    assert page.url.endswith("/q/overall")

    # The first page with its error shown (required question left blank).
    page.locator(SUBMIT).click()
    page.wait_for_load_state("load")
    assert page.locator(".nhsuk-error-summary").count() == 1
    scanner.scan(page, f"{lang} overall with error")

    # The page again, after a failed CSRF check: her answers kept, with a notice.
    page.locator("input[name=overall_experience][value='2']").check()
    page.locator("input[name=csrf_token]").evaluate("e => { e.value = 'stale-token'; }")
    page.locator(SUBMIT).click()
    page.wait_for_load_state("load")
    assert page.locator("main [role=status]").count() == 1, page.url
    scanner.scan(page, f"{lang} overall with stale-form notice")

    seen = []
    for _ in range(30):
        if page.url.endswith("/check"):
            break
        key = page.url.rsplit("/q/", 1)[1].split("?")[0]
        seen.append(key)
        assert page.locator("html").get_attribute("lang") == html_lang(lang)
        scanner.scan(page, f"{lang} page {key}")
        for name, value in SCAN_ANSWERS.get(key, {}).items():
            page.locator(f"input[name={name}][value='{value}']").check()
        _continue(page)
    assert seen == EXPECTED_PAGES
    scanner.scan(page, f"{lang} check")

    _continue(page)
    assert page.url.endswith("/thank-you")
    receipt = page.locator(".app-receipt").inner_text().strip()
    assert RECEIPT.match(receipt)
    scanner.scan(page, f"{lang} thank-you")

    # She deletes her answers with the receipt code: the form, its error, the question
    # whether she is sure, and the answer.
    page.locator("main a[href='/erase']").click()
    page.wait_for_url("**/erase")
    assert page.locator("html").get_attribute("lang") == html_lang(lang)
    scanner.scan(page, f"{lang} erase")
    page.locator(SUBMIT).click()
    page.wait_for_load_state("load")
    assert page.locator(".nhsuk-error-summary").count() == 1
    scanner.scan(page, f"{lang} erase with error")
    page.locator("#receipt").fill(receipt)
    page.locator(SUBMIT).click()
    page.wait_for_load_state("load")
    assert page.locator("input[name=confirm]").count() == 1
    scanner.scan(page, f"{lang} erase: are you sure")
    page.locator(SUBMIT).click()
    page.wait_for_load_state("load")
    assert page.locator(".app-confirmation").count() == 1
    scanner.scan(page, f"{lang} erased")

    go(f"/s/no-such-link{query}", "404", status=404)

    with live_server.app.app_context():
        link = db.session.scalar(select(DistributionLink).where(DistributionLink.code == code))
        link.active = False
        db.session.commit()
        db.session.remove()
    go(f"/s/{code}{query}", "410 (revoked link)", status=410)
    page.close()


# Half the languages are scanned in the PostgreSQL pass of `make test` when it runs (the
# pages are the same on either database), so the two passes side by side end together.
@pytest.mark.parametrize("lang", [pytest.param(lang, marks=pytest.mark.balance) if n % 2 else lang
                                  for n, lang in enumerate(LANGUAGES)])
def test_axe_finds_no_problem_on_any_page_in_any_language(lang, live_server, new_context):
    """Every respondent page, every shipped language, phone and desktop: zero violations
    of any impact. Through the link that follows the phone, with `?lang=` on arrival."""
    scanner = Scanner()
    context = new_context(java_script_enabled=True, locale="en-GB")
    _scan_journey(live_server, context, scanner, lang, live_server.links["any"])
    context.close()

    assert len(scanner.scanned) == len(VIEWPORTS) * (len(EXPECTED_PAGES) + 14), scanner.scanned
    assert not scanner.violations, (
        f"axe found {len(scanner.violations)} problems in {lang}:\n"
        + "\n".join(scanner.violations))
