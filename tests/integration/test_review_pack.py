"""The printable review pack: its numbers agree with the overview, the exports and the
hand-computed values; the server-made PDF holds the same text (checked with pdftotext)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.insights import pdf
from surveyapp.models import AuditEvent, ReviewAction
from tests.integration.review_fixture import EXPECTED, FIXTURE_TODAY, make_fixture_survey
from tests.integration.staff import sign_in


@pytest.fixture
def fixture_survey(app, demo, monkeypatch):
    monkeypatch.setattr("surveyapp.insights.review.today", lambda: FIXTURE_TODAY)
    with app.app_context():
        survey_id = make_fixture_survey(analyse=True)
        db.session.add(ReviewAction(
            survey_id=survey_id, about="listened_to", heard="Not listened to about pain",
            change="Pain checks every hour on the ward", owner="Ward manager",
            status="planned", public=True, public_wording="We check your pain every hour."))
        db.session.commit()
        return survey_id


@pytest.fixture
def reviewer(app, fixture_survey):
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    return client


def figures(html: str) -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    return {node["data-figure"]: node.get_text(strip=True)
            for node in soup.select("[data-figure]")}


def test_pack_overview_and_export_agree_with_the_hand_counts(reviewer, fixture_survey):
    pack = reviewer.get(f"/insights/surveys/{fixture_survey}/pack")
    assert pack.status_code == 200
    overview = reviewer.get(f"/insights/surveys/{fixture_survey}/overview")
    in_pack, on_overview = figures(pack.get_data(True)), figures(overview.get_data(True))
    for name in ("responses", "started", "completion", "fft_positive", "fft_negative"):
        assert in_pack[name] == on_overview[name], name
    assert in_pack["responses"] == str(EXPECTED["responses"])
    assert in_pack["fft_positive"] == EXPECTED["fft_positive"]
    assert in_pack["fft_negative"] == EXPECTED["fft_negative"]
    rows = list(csv.DictReader(io.StringIO(reviewer.get(
        f"/insights/surveys/{fixture_survey}/responses.csv").get_data(True))))
    assert len(rows) == EXPECTED["responses"]
    negative = sum(r["overall_experience"] in ("4", "5") for r in rows) / len(rows)
    assert f"{negative:.0%}" == in_pack["fft_negative"]
    soup = BeautifulSoup(pack.get_data(True), "html.parser")
    assert "1 October 2026" not in soup.select_one("#period").get_text()  # no filter given
    assert "All responses up to 15 October 2026" in soup.select_one("#period").get_text()
    assert "Pain checks every hour on the ward" in soup.get_text()
    # Every chart is SVG with a title and a description, and its table beside it.
    for svg in soup.select("svg.app-chart"):
        assert svg.title and svg.desc and svg["role"] == "img"
    assert not soup.select("img")


def test_pack_themes_come_from_the_themes_summary(reviewer, fixture_survey, app):
    from surveyapp.themes import summary

    with app.app_context():
        counted = [t for t in summary.theme_counts(db.session, fixture_survey)
                   if t.respondents is not None]
    soup = BeautifulSoup(reviewer.get(f"/insights/surveys/{fixture_survey}/pack")
                         .get_data(True), "html.parser")
    table = soup.select_one("#themes-table")
    if not counted:
        assert table is None
        return
    shown = {row.th.get_text(strip=True): row.td.get_text(strip=True)
             for row in table.select("tbody tr")}
    for theme in counted[:8]:
        assert shown[theme.label] == str(theme.respondents)
    assert soup.select_one("svg.app-chart title").get_text()
    assert "Sarah" not in soup.get_text() and "07700" not in soup.get_text()


def test_a_narrow_period_shows_no_breakdown(reviewer, fixture_survey):
    soup = BeautifulSoup(reviewer.get(
        f"/insights/surveys/{fixture_survey}/pack?from=2026-10-02&to=2026-10-31")
        .get_data(True), "html.parser")
    assert soup.select_one('[data-figure="responses"]').get_text(strip=True) == "0"
    assert "2 October 2026 to 31 October 2026" in soup.select_one("#period").get_text()
    assert not soup.select("#themes-table") and not soup.select("blockquote")


needs_pdf = pytest.mark.skipif(not (pdf.available() and shutil.which("pdftotext")),
                               reason="needs /usr/bin/chromium, Playwright and pdftotext")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.browser
@needs_pdf
def test_the_server_made_pdf_holds_the_packs_text(reviewer, fixture_survey, app, tmp_path):
    response = reviewer.get(f"/insights/surveys/{fixture_survey}/pack.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    text = " ".join(pdf_text(response.data, tmp_path).split())
    assert "Review pack" in text
    assert "All responses up to 15 October 2026" in text
    assert "Friends and Family Test" in text
    assert EXPECTED["fft_positive"] in text and EXPECTED["fft_negative"] in text
    assert "English (en) 38" in text and "On paper 8" in text
    assert "Pain checks every hour on the ward" in text
    assert "How the figures were made" in text
    assert "Sign out" not in text  # the staff navigation is not printed
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "export_review_pack"))


def test_without_chromium_the_pdf_route_points_to_the_printable_page(
        reviewer, fixture_survey, monkeypatch):
    monkeypatch.setattr(pdf, "CHROMIUM", os.devnull + "/no-chromium")
    response = reviewer.get(f"/insights/surveys/{fixture_survey}/pack.pdf")
    assert response.status_code == 503
    assert f"/insights/surveys/{fixture_survey}/pack" in response.get_data(True)


def test_without_playwright_the_pdf_route_says_to_print_from_the_browser(
        app, reviewer, fixture_survey, monkeypatch):
    """Production installs no test extras: `import playwright` fails (a None entry in
    sys.modules makes the import raise ImportError), whatever Chromium is there."""
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert not pdf.available()
    response = reviewer.get(f"/insights/surveys/{fixture_survey}/pack.pdf?from=2026-10-01")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    page = BeautifulSoup(response.get_data(True), "html.parser")
    assert "Print" in page.get_text() and "Save as PDF" in page.get_text()
    link = page.find("a", string=lambda s: s and "printable review pack" in s)
    assert link["href"] == f"/insights/surveys/{fixture_survey}/pack?from=2026-10-01"
    assert reviewer.get(link["href"]).status_code == 200  # the page it points to prints
    with app.app_context():  # nothing was exported, so nothing is in the audit log
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "export_review_pack")) is None


