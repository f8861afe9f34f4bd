"""axe-core on every staff page an admin can reach by following links, on a phone and a
desktop.

Reviewers read these pages on laptops, but MVP volunteers and partners often use a phone,
and staff use screen readers too. The test signs in as an admin on a survey with
analysed comments, then follows every same-site link under /staff, /admin, /insights and
/partners (downloads left out), so a new page is scanned without anyone listing it here.
Pages are told apart by their route (one theme page stands for all 21, one link for all
links), so the crawl sees every kind of page once.
Each page is scanned at 320x640 and 1280x800; any violation, of any impact, fails, and so
does a page that scrolls sideways at 320 px (WCAG 1.4.10 reflow).
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from surveyapp.extensions import db
from surveyapp.models import ReviewAction
from surveyapp.models.user import Role
from tests.integration.review_fixture import make_fixture_survey
from tests.integration.staff import PASSWORD, make_user

# Markup does not depend on the database: the PostgreSQL pass leaves these out.
pytestmark = [pytest.mark.browser, pytest.mark.markup_only]

VIEWPORTS = ({"width": 320, "height": 640}, {"width": 1280, "height": 800})
STAFF_AREAS = ("/staff", "/admin", "/insights", "/partners")
# Files, not pages; signing out would end the crawl.
NOT_PAGES = re.compile(r"\.(?:csv|xlsx|pdf|png|svg|po|zip|yaml|json)$|/logout$|/qr\b|/download")
MAX_PAGES = 150  # the crawl finds 41 kinds of page today; the cap only stops a runaway


def _staff_page(url: str, origin: str) -> str | None:
    """The path (with query) to visit, or None for other sites, files and other areas."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if not parts.path.startswith(STAFF_AREAS) or NOT_PAGES.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def analysed_survey(live_server):
    with live_server.app.app_context():
        survey_id = make_fixture_survey(analyse=True)
        make_user("admin@example.nhs.uk", Role.ADMIN)
        db.session.add(ReviewAction(survey_id=survey_id, about="listened_to",
                                    heard="Not listened to about pain",
                                    change="Pain checks every hour", owner="Ward manager",
                                    status="in_progress", public=True,
                                    public_wording="We now check your pain every hour."))
        db.session.commit()
        db.session.remove()
    return survey_id


def test_axe_finds_no_problem_on_any_staff_page(live_server, new_context, analysed_survey):
    from tests.browser.axe_once import Axe

    axe = Axe()
    page = new_context(viewport=VIEWPORTS[1]).new_page()
    page.goto(live_server("/staff/login"))
    page.fill("#email", "admin@example.nhs.uk")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    origin = live_server("/").rstrip("/")

    # Each route is visited once: filter variants of a page (?period=...) and other ids of
    # the same route render the same template.
    routes = live_server.app.url_map.bind("localhost")

    def route_of(target: str) -> str:
        return routes.match(target.split("?")[0], method="GET")[0]

    seen_paths: set[str] = set()
    queue = deque(["/staff/", f"/insights/surveys/{analysed_survey}/overview",
                   f"/insights/surveys/{analysed_survey}/themes"])
    scanned: list[str] = []
    problems: list[str] = []
    while queue and len(scanned) < MAX_PAGES:
        target = queue.popleft()
        path = route_of(target)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        response = page.goto(live_server(target))
        assert response is not None and response.status == 200, (target, response)
        scanned.append(target)
        for size in VIEWPORTS:
            page.set_viewport_size(size)
            for violation in axe.run(page).response["violations"]:
                nodes = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
                problems.append(f"[{violation['impact']}] {violation['id']} on {target} at "
                                f"{size['width']}px: {violation['help']} -> {nodes[:3]}")
            if size["width"] == 320:
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 1:
                    problems.append(f"{target} scrolls sideways by {overflow}px at 320px")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            found = _staff_page(urljoin(page.url, href), origin)
            if found and route_of(found) not in seen_paths:
                queue.append(found)
    page.close()

    # The crawl must reach the reviewer pages this test exists for.
    for must in ("/overview", "/responses", "/pack", "/themes", "/themes/by-group",
                 "/themes/new", "/translations", "/actions", "/representation",
                 "/admin/users", "/partners", "/poster", "/admin/audit", "/preview"):
        assert any(must in s for s in scanned), (must, scanned)
    assert len(scanned) >= 40, scanned
    assert not problems, f"{len(problems)} problems on {len(scanned)} pages:\n" + \
        "\n".join(problems)
