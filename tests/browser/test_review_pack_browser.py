"""The review pack printed by a real browser, and the public "you said, we did" page
checked by axe (English and Urdu, right to left) and read with JavaScript off."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ReviewAction, Survey
from tests.integration.review_fixture import EXPECTED, FIXTURE_TODAY, make_fixture_survey
from tests.integration.staff import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def fixture_survey(live_server, monkeypatch):
    monkeypatch.setattr("surveyapp.insights.review.today", lambda: FIXTURE_TODAY)
    with live_server.app.app_context():
        survey_id = make_fixture_survey()
        db.session.add_all([
            ReviewAction(survey_id=survey_id, about="listened_to", heard="Not listened to",
                         change="Pain checks every hour", owner="Ward manager",
                         status="in_progress", public=True,
                         public_wording="We now check your pain every hour.",
                         public_translations={"ur": {
                             "source": "We now check your pain every hour.",
                             "text": "اب ہم ہر گھنٹے آپ کے درد کی جانچ کرتے ہیں۔"}}),
            ReviewAction(survey_id=survey_id, about="parking", heard="x", change="x",
                         owner="x", public=False, public_wording="Not agreed yet"),
        ])
        db.session.commit()
        key = db.session.get(Survey, survey_id).key
        db.session.remove()
    return survey_id, key


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_pack_prints_to_a4_pdf_from_the_browser(live_server, new_context, fixture_survey,
                                                    tmp_path):
    survey_id, _key = fixture_survey
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(live_server("/staff/login"))
    page.fill("#email", "reviewer@example.nhs.uk")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    page.goto(live_server(f"/insights/surveys/{survey_id}/pack"))
    page.emulate_media(media="print")
    path = tmp_path / "printed.pdf"
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    assert "Review pack" in text and "All responses up to 15 October 2026" in text
    assert EXPECTED["fft_positive"] in text and EXPECTED["fft_negative"] in text
    assert "English (en) 38" in text
    assert "Pain checks every hour" in text
    # Only the pack: no staff navigation, no "download the PDF" toolbar.
    assert "Sign out" not in text and "Download the review pack" not in text
    pages = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                           text=True).stdout
    assert "(A4)" in pages, pages


def test_the_public_page_passes_axe_in_english_and_urdu(live_server, new_context,
                                                        fixture_survey):
    from tests.browser.axe_once import Axe

    _survey_id, key = fixture_survey
    axe = Axe()
    problems = []
    for lang in ("en", "ur"):
        page = new_context().new_page()
        page.goto(live_server(f"/you-said-we-did/{key}?lang={lang}"))
        for size in ({"width": 320, "height": 640}, {"width": 1280, "height": 800}):
            page.set_viewport_size(size)
            for violation in axe.run(page).response["violations"]:
                problems.append(f"{lang} {size['width']}: {violation['id']} "
                                f"{violation['help']}")
    assert not problems, problems


def test_the_public_page_works_without_javascript(live_server, new_context, fixture_survey):
    _survey_id, key = fixture_survey
    page = new_context(java_script_enabled=False, locale="ur-PK").new_page()
    page.goto(live_server(f"/you-said-we-did/{key}?lang=ur"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "آپ نے کہا، ہم نے کیا"
    items = page.locator(".app-actions .nhsuk-card__description").all_inner_texts()
    assert items == ["اب ہم ہر گھنٹے آپ کے درد کی جانچ کرتے ہیں۔"]
    assert page.locator("script").count() == 0
    # The language switcher is plain links: English without JavaScript.
    page.goto(live_server(f"/you-said-we-did/{key}?lang=en"))
    assert page.locator(".app-actions .nhsuk-card__description").all_inner_texts() == [
        "We now check your pain every hour."]
    with live_server.app.app_context():
        assert db.session.scalar(select(ReviewAction.public_wording).where(
            ReviewAction.public.is_(False))) == "Not agreed yet"
        db.session.remove()
    assert "Not agreed yet" not in page.content()
