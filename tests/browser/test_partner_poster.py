"""A partner makes a link, prints its poster and downloads its QR code, in a real browser.

The downloaded PNG is read back with zxing-cpp: it must decode to exactly the address of
the link she made, on the server she is using.
"""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Role
from tests.integration.staff import PASSWORD, make_user, partner_named

pytestmark = pytest.mark.browser

LABEL = "Urdu mums' coffee morning, Wednesday"
CM = 96 / 2.54  # CSS pixels in a centimetre


@pytest.fixture
def partner_email(live_server) -> str:
    with live_server.app.app_context():
        make_user("mvp.partner@example.org", Role.PARTNER,
                  partner=partner_named("Birmingham Maternity and Neonatal Voices Partnership"))
        db.session.remove()
    return "mvp.partner@example.org"


def test_a_partner_makes_a_link_and_its_poster_and_qr_code_work(live_server, new_context,
                                                                 partner_email, tmp_path):
    page = new_context(accept_downloads=True).new_page()

    page.goto(live_server("/staff/login"))
    page.fill("#email", partner_email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.get_by_role("link", name="Partners and links").first.click()
    page.get_by_role("link", name="Make a new link").click()
    page.fill("#label", LABEL)
    page.check("input[name=language][value=ur]")
    page.get_by_role("button", name="Make the link").click()
    page.wait_for_url(re.compile(r"/partners/links/\d+$"))

    with live_server.app.app_context():
        link = db.session.scalar(select(DistributionLink).where(DistributionLink.label == LABEL))
        expected = live_server(f"/s/{link.code}")
        assert link.default_language == "ur"
        db.session.remove()
    assert page.locator("code").inner_text() == expected

    # The QR code as a picture: saved under the promised name, and it scans to the link.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the QR code as a picture")).click()
    download = download_info.value
    assert download.suggested_filename == f"survey-link-{link.code}.png"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    decoded = zxingcpp.read_barcodes(Image.open(saved))
    assert [code.text for code in decoded] == [expected]

    # The poster: Urdu, right to left, English beside it, and a big code on paper.
    page.get_by_role("link", name="Open the poster to print").click()
    page.wait_for_url(re.compile(r"/poster$"))
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ur", "rtl")
    english = page.locator(".app-poster__text[lang=en]")
    assert english.get_attribute("dir") == "ltr"
    assert "Tell us about your maternity care" in english.inner_text()
    assert page.locator(".app-poster__url").inner_text() == expected
    assert page.evaluate("getComputedStyle(document.querySelector('.app-poster__text'))"
                         ".direction") == "rtl"

    page.emulate_media(media="print")
    assert not page.locator(".app-header").is_visible()
    assert not page.locator(".app-print-toolbar").is_visible()
    box = page.locator(".app-poster svg").bounding_box()
    assert box is not None and box["width"] >= 8 * CM and abs(box["width"] - box["height"]) < 1
    # Where to see what is changing ("you said, we did"), in Urdu and in English, sits on
    # either side of the code, so the poster still fits one page.
    changes = page.locator(".app-poster__changes")
    assert changes.count() == 2
    assert "/you-said-we-did/" in changes.nth(1).inner_text()
    for n in range(2):
        side = changes.nth(n).bounding_box()
        assert side is not None and side["y"] < box["y"] + box["height"]
        assert side["y"] + side["height"] > box["y"]  # level with the code, not below it
    assert changes.nth(0).bounding_box()["x"] > box["x"]  # Urdu on the right
    assert changes.nth(1).bounding_box()["x"] < box["x"]  # English on the left
    pdf = page.pdf(prefer_css_page_size=True)
    assert re.findall(rb"/MediaBox \[0 0 (\d+)\.?\d* (\d+)", pdf) == [(b"594", b"841")]  # A4
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1  # all of it on one sheet


@pytest.mark.markup_only
def test_a_poster_in_every_language_prints_on_one_a4_sheet(live_server, new_context):
    """Each shipped language's poster (its words, English beside them, the code, the
    address and where to see what is changing) fits one A4 page. Long translations are
    what push a poster onto a second sheet."""
    from config import LANGUAGES

    with live_server.app.app_context():
        make_user("admin.posters@example.org", Role.ADMIN)
        template = db.session.scalar(select(DistributionLink))
        links = {}
        for n, lang in enumerate(LANGUAGES):
            link = DistributionLink(survey_id=template.survey_id, partner_id=template.partner_id,
                                    code=f"poster{n:02d}x", label=f"Poster in {lang}",
                                    default_language=lang)
            db.session.add(link)
            db.session.flush()
            links[lang] = link.id
        db.session.commit()
        db.session.remove()
    page = new_context().new_page()
    page.goto(live_server("/staff/login"))
    page.fill("#email", "admin.posters@example.org")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    page.emulate_media(media="print")
    sheets = {}
    for lang, link_id in links.items():
        page.goto(live_server(f"/partners/links/{link_id}/poster"))
        pdf = page.pdf(prefer_css_page_size=True)
        sheets[lang] = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert {lang: n for lang, n in sheets.items() if n != 1} == {}, sheets
