"""Partner organisations, distribution links, QR codes, posters and the reach of a link.

A partner sees and changes only her own organisation's links (any other id is a 404
with nothing of that link on the page), sees counts with small numbers hidden, and never
sees a response or anything a respondent wrote.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import date, datetime, timedelta

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from PIL import Image
from sqlalchemy import func, select

from config import LANGUAGES
from surveyapp.extensions import db
from surveyapp.languages import html_lang
from surveyapp.models import (
    Answer,
    AuditEvent,
    DistributionLink,
    LinkDailyCount,
    Partner,
    Response,
    Role,
    Survey,
    SurveyStatus,
)
from surveyapp.models.partner import LINK_ALPHABET
from tests.integration.staff import csrf_from, make_user, partner_named, sign_in

MVP = "Birmingham Maternity and Neonatal Voices Partnership"
POLISH = "Polish Community Centre"
URDU_LABEL = "Urdu-speaking mums' WhatsApp group"
PHONE_LABEL = "MVP social media posts (follows the phone's language)"
POLISH_LABEL = "Polish Saturday school noticeboard"
FREE_TEXT = "The night midwife on ward 4 was called Zainab Q"


@pytest.fixture
def world(app, demo):
    """An admin, a partner user of the MVP (two links), one of the Polish centre (one)."""
    with app.app_context():
        mvp, polish = partner_named(MVP), partner_named(POLISH)
        make_user("admin@example.nhs.uk", Role.ADMIN)
        make_user("mvp@example.org", Role.PARTNER, partner=mvp)
        make_user("polish@example.org", Role.PARTNER, partner=polish)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER)
        links = {link.label: link for link in db.session.scalars(select(DistributionLink))}
        return {
            "survey_id": demo["survey_id"], "mvp_id": mvp.id, "polish_id": polish.id,
            "urdu": links[URDU_LABEL].id, "urdu_code": links[URDU_LABEL].code,
            "phone": links[PHONE_LABEL].id,
            "polish": links[POLISH_LABEL].id, "polish_code": links[POLISH_LABEL].code,
        }


def client_for(app, email: str):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


@pytest.fixture
def admin(app, world):
    return client_for(app, "admin@example.nhs.uk")


@pytest.fixture
def mvp(app, world):
    return client_for(app, "mvp@example.org")


def post_form(client, url: str, data: dict):
    """Submit a form as a browser would: with the CSRF token of the page it is on."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(True))})


def post_button(client, page_url: str, action: str):
    """Press a button (a small POST form) on a page the user can see."""
    token = csrf_from(client.get(page_url).get_data(True))
    return client.post(action, data={"csrf_token": token})


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def audit_events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def error_messages(response) -> list[str]:
    return [a.get_text(" ", strip=True) for a in soup(response).select(".nhsuk-error-summary a")]


# --- partner organisations ------------------------------------------------------------------


def test_admin_lists_partners_with_friendly_kinds(admin):
    page = admin.get("/partners/")
    assert page.status_code == 200
    rows = {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in soup(page).select("table")[0].select("tbody tr")}
    assert rows[MVP][0] == "Maternity and Neonatal Voices Partnership"
    assert rows[POLISH][0] == "Voluntary or community group"
    assert rows["Antenatal Clinic"][0] == "Trust team"


def test_admin_adds_and_changes_a_partner(app, admin):
    response = post_form(admin, "/partners/new", {
        "name": "  St Mary's Church Mums  ", "kind": "faith", "contact": "Revd Ade, 0121 000"})
    assert response.status_code == 302
    with app.app_context():
        partner = partner_named("St Mary's Church Mums")  # whitespace stripped
        assert partner.kind == "faith" and partner.contact == "Revd Ade, 0121 000"
        partner_id = partner.id
    assert "Faith group" in admin.get("/partners/").get_data(True)
    assert [e.detail["partner_id"] for e in audit_events(app, "partner_created")] == [partner_id]

    changed = post_form(admin, f"/partners/{partner_id}/edit", {
        "name": "St Mary's Church Mothers", "kind": "health_visitors", "contact": ""})
    assert changed.status_code == 302
    with app.app_context():
        partner = db.session.get(Partner, partner_id)
        assert (partner.name, partner.kind, partner.contact) == \
            ("St Mary's Church Mothers", "health_visitors", None)
    [event] = audit_events(app, "partner_updated")
    assert sorted(event.detail["changed"]) == ["contact", "kind", "name"]


@pytest.mark.parametrize("data,message", [
    ({"name": "polish community centre", "kind": "vcse"},
     "There is already a partner organisation with this name"),
    ({"name": "   ", "kind": "vcse"}, "Enter the name of the organisation"),
    ({"name": "x" * 201, "kind": "vcse"}, "The name must be 200 characters or fewer"),
    ({"name": "New group", "kind": "secret_society"}, "Select what kind of organisation it is"),
    ({"name": "New group"}, "Select what kind of organisation it is"),
    ({"name": "New group", "kind": "vcse", "contact": "y" * 201},
     "The contact must be 200 characters or fewer"),
])
def test_bad_partner_details_are_refused_with_a_clear_message(app, admin, data, message):
    with app.app_context():
        before = db.session.scalar(select(func.count(Partner.id)))
    response = post_form(admin, "/partners/new", data)
    assert response.status_code == 400
    assert message in error_messages(response)
    assert soup(response).title.get_text().startswith("Error:")
    with app.app_context():
        assert db.session.scalar(select(func.count(Partner.id))) == before


def test_renaming_a_partner_to_another_partners_name_is_refused(app, admin, world):
    response = post_form(admin, f"/partners/{world['mvp_id']}/edit",
                         {"name": POLISH, "kind": "mvp"})
    assert response.status_code == 400
    assert "There is already a partner organisation with this name" in error_messages(response)


def test_only_admins_manage_partner_organisations(app, world, mvp):
    assert mvp.get("/partners/new").status_code == 403
    assert mvp.get(f"/partners/{world['mvp_id']}/edit").status_code == 403
    reviewer = client_for(app, "reviewer@example.nhs.uk")
    assert reviewer.get("/partners/").status_code == 403


# --- links ----------------------------------------------------------------------------------


def test_a_partner_sees_only_her_own_links(app, world, mvp):
    response = mvp.get("/partners/")
    labels = [row.th.get_text(strip=True) for row in soup(response).select("tbody tr")]
    assert sorted(labels) == sorted([URDU_LABEL, PHONE_LABEL])
    body = response.get_data(True)
    assert POLISH_LABEL not in body and world["polish_code"] not in body
    assert "Partner organisations" not in body  # the admin's list of organisations


def test_an_admin_sees_every_link_and_can_narrow_to_one_partner(admin, world):
    everything = soup(admin.get("/partners/")).get_text()
    assert URDU_LABEL in everything and POLISH_LABEL in everything
    narrowed = soup(admin.get(f"/partners/?partner={world['polish_id']}")).get_text()
    assert POLISH_LABEL in narrowed and URDU_LABEL not in narrowed
    assert admin.get("/partners/?partner=999999").status_code == 404


def test_a_partner_cannot_ask_for_another_partners_list(world, mvp):
    assert mvp.get(f"/partners/?partner={world['polish_id']}").status_code == 404


def test_a_partner_makes_a_link(app, world, mvp):
    response = post_form(mvp, "/partners/links/new", {
        "survey_id": str(world["survey_id"]), "label": "  Somali mothers' group, Tuesday  ",
        "language": "ur", "ends_on": (date.today() + timedelta(days=30)).isoformat(),
        "partner_id": str(world["polish_id"]),  # forged: a partner cannot choose
    })
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(select(DistributionLink)
                                 .where(DistributionLink.label == "Somali mothers' group, Tuesday"))
        assert link.partner_id == world["mvp_id"]
        assert link.default_language == "ur" and link.active
        assert link.ends_on == date.today() + timedelta(days=30)
        assert len(link.code) == 11 and set(link.code) <= set(LINK_ALPHABET)
        link_id, code = link.id, link.code
    assert response.headers["Location"].endswith(f"/partners/links/{link_id}")
    page = mvp.get(f"/partners/links/{link_id}").get_data(True)
    assert f"http://localhost/s/{code}" in page
    [event] = audit_events(app, "link_created")
    assert event.detail["link_id"] == link_id and event.detail["partner_id"] == world["mvp_id"]
    assert event.actor_email == "mvp@example.org"


def test_a_link_can_follow_the_phones_language_and_end_today(app, world, mvp):
    response = post_form(mvp, "/partners/links/new", {
        "survey_id": str(world["survey_id"]), "label": "Health visitor clinic",
        "language": "phone", "ends_on": date.today().isoformat()})
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(select(DistributionLink)
                                 .where(DistributionLink.label == "Health visitor clinic"))
        assert link.default_language is None and link.ends_on == date.today()


def test_the_last_day_can_be_written_the_english_way(app, world, mvp):
    day = date.today() + timedelta(days=400)
    response = post_form(mvp, "/partners/links/new", {
        "survey_id": str(world["survey_id"]), "label": "Library noticeboard",
        "language": "pl", "ends_on": day.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(select(DistributionLink)
                                 .where(DistributionLink.label == "Library noticeboard"))
        assert link.ends_on == day and link.default_language == "pl"


def test_an_admin_makes_a_link_for_a_partner_she_picks(app, world, admin):
    missing = post_form(admin, "/partners/links/new", {
        "survey_id": str(world["survey_id"]), "label": "Mosque noticeboard", "language": "en"})
    assert missing.status_code == 400
    assert "Select the partner organisation" in error_messages(missing)
    made = post_form(admin, "/partners/links/new", {
        "partner_id": str(world["polish_id"]), "survey_id": str(world["survey_id"]),
        "label": "Mosque noticeboard", "language": "en"})
    assert made.status_code == 302
    with app.app_context():
        link = db.session.scalar(select(DistributionLink)
                                 .where(DistributionLink.label == "Mosque noticeboard"))
        assert link.partner_id == world["polish_id"]


@pytest.mark.parametrize("changes,message", [
    ({"label": ""}, "Enter where you will share this link"),
    ({"label": "   "}, "Enter where you will share this link"),
    ({"label": "x" * 201}, "Where you will share the link must be 200 characters or fewer"),
    ({"ends_on": (date.today() - timedelta(days=1)).isoformat()},
     "The last day to answer must be today or in the future"),
    ({"ends_on": "2026-02-30"}, "Enter a real date, for example 31/03/2026"),
    ({"ends_on": "next tuesday"}, "Enter a real date, for example 31/03/2026"),
    ({"ends_on": "31/02/2030"}, "Enter a real date, for example 31/03/2026"),
    ({"ends_on": "01/01/2001"}, "The last day to answer must be today or in the future"),
    ({"survey_id": "999999"}, "Select a survey that is open for answers"),
    ({"survey_id": "abc"}, "Select a survey that is open for answers"),
    ({"language": "fr"}, "Select a language this survey is offered in"),
    ({"language": ""}, "Select the language the survey opens in"),
])
def test_bad_link_details_are_refused_with_a_clear_message(app, world, mvp, changes, message):
    data = {"survey_id": str(world["survey_id"]), "label": "Baby group", "language": "en",
            **changes}
    response = post_form(mvp, "/partners/links/new", data)
    assert response.status_code == 400
    assert message in error_messages(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(DistributionLink.id))) == 6  # the demo's
    assert not audit_events(app, "link_created")


def test_only_live_surveys_are_offered(app, world, mvp):
    with app.app_context():
        draft = Survey(key="draft-survey", title="Unfinished survey",
                       status=SurveyStatus.DRAFT)
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
    page = mvp.get("/partners/links/new").get_data(True)
    assert "Your maternity and neonatal care" in page and "Unfinished survey" not in page
    response = post_form(mvp, "/partners/links/new", {
        "survey_id": str(draft_id), "label": "Baby group", "language": "en"})
    assert response.status_code == 400
    assert "Select a survey that is open for answers" in error_messages(response)


def test_a_partner_without_an_organisation_sees_no_links(app, world):
    with app.app_context():
        make_user("nobody@example.org", Role.PARTNER)
    client = client_for(app, "nobody@example.org")
    page = client.get("/partners/").get_data(True)
    assert "not linked to an organisation" in page and URDU_LABEL not in page
    assert client.get("/partners/links/new").status_code == 404


FOREIGN_PAGES = ["/partners/links/{id}", "/partners/links/{id}/poster",
                 "/partners/links/{id}/qr.png", "/partners/links/{id}/qr.svg",
                 "/partners/links/{id}/reach"]


@pytest.mark.parametrize("path", FOREIGN_PAGES)
def test_another_partners_link_is_not_found_and_shows_nothing_of_it(app, world, mvp, path):
    response = mvp.get(path.format(id=world["polish"]))
    assert response.status_code == 404
    body = response.get_data(True)
    assert world["polish_code"] not in body and POLISH_LABEL not in body and POLISH not in body


@pytest.mark.parametrize("action", ["revoke", "reopen"])
def test_another_partners_link_cannot_be_closed_or_reopened(app, world, mvp, action):
    response = post_button(mvp, "/partners/", f"/partners/links/{world['polish']}/{action}")
    assert response.status_code == 404
    assert world["polish_code"] not in response.get_data(True)
    with app.app_context():
        assert db.session.get(DistributionLink, world["polish"]).active
    assert not audit_events(app, f"link_{action}d".replace("eed", "ed"))


def test_an_unknown_link_id_is_not_found(mvp):
    assert mvp.get("/partners/links/999999").status_code == 404


def test_forged_forms_without_a_csrf_token_are_refused(app, world, mvp):
    revoke = mvp.post(f"/partners/links/{world['urdu']}/revoke")
    assert revoke.status_code == 400
    made = mvp.post("/partners/links/new", data={
        "survey_id": str(world["survey_id"]), "label": "Forged", "language": "en"})
    assert made.status_code == 400
    with app.app_context():
        assert db.session.get(DistributionLink, world["urdu"]).active
        assert db.session.scalar(select(func.count(DistributionLink.id))) == 6


def add_responses(link_id: int, people: list[dict]) -> None:
    """Submitted responses through a link, as the journey stores them (made directly)."""
    link = db.session.get(DistributionLink, link_id)
    version = link.survey.latest_published()
    for person in people:
        response = Response(survey_id=link.survey_id, version_id=version.id, link_id=link.id,
                            language=person.get("language", "en"),
                            submitted_at=person.get("at", datetime(2025, 1, 6, 10)),
                            receipt_hash=secrets.token_hex(32))
        if person.get("ethnic_group"):
            response.answers.append(Answer(survey_id=link.survey_id, question_key="ethnic_group",
                                           option_code=person["ethnic_group"]))
        response.answers.append(Answer(survey_id=link.survey_id, question_key="what_was_good",
                                       text=FREE_TEXT))
        db.session.add(response)
    db.session.commit()


def test_closing_a_link_keeps_its_responses_and_stops_its_qr_code(app, world, mvp):
    with app.app_context():
        add_responses(world["urdu"], [{"language": "ur"}] * 2)
    link_page = f"/partners/links/{world['urdu']}"
    closed = post_button(mvp, link_page, f"{link_page}/revoke")
    assert closed.status_code == 302
    with app.app_context():
        link = db.session.get(DistributionLink, world["urdu"])
        assert not link.active and link.revoked_at is not None
        assert db.session.scalar(select(func.count(Response.id))
                                 .where(Response.link_id == link.id)) == 2
    [event] = audit_events(app, "link_revoked")
    assert event.detail["link_id"] == world["urdu"] and event.actor_email == "mvp@example.org"

    for path in ("qr.png", "qr.svg", "poster"):
        gone = mvp.get(f"{link_page}/{path}")
        assert gone.status_code == 410
        assert gone.mimetype == "text/html" and "This link is closed" in gone.get_data(True)
    assert app.test_client().get(f"/s/{world['urdu_code']}").status_code == 410
    assert "Closed" in mvp.get(link_page).get_data(True)

    reopened = post_button(mvp, link_page, f"{link_page}/reopen")
    assert reopened.status_code == 302
    assert audit_events(app, "link_reopened")
    assert mvp.get(f"{link_page}/qr.png").status_code == 200
    with app.app_context():
        link = db.session.get(DistributionLink, world["urdu"])
        assert link.active and link.revoked_at is None


def test_a_link_past_its_last_day_has_no_poster(app, world, mvp):
    with app.app_context():
        db.session.get(DistributionLink, world["urdu"]).ends_on = date.today() - timedelta(1)
        db.session.commit()
    assert mvp.get(f"/partners/links/{world['urdu']}/poster").status_code == 410


# --- QR codes and posters -------------------------------------------------------------------


def decode_qr(png: bytes) -> list:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))


def test_the_qr_png_decodes_to_exactly_the_links_address(world, mvp):
    response = mvp.get(f"/partners/links/{world['urdu']}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=survey-link-{world['urdu_code']}.png"
    [code] = decode_qr(response.data)
    assert code.text == f"http://localhost/s/{world['urdu_code']}"
    assert code.ec_level in ("M", "Q", "H")
    assert Image.open(io.BytesIO(response.data)).width >= 600  # sharp on a noticeboard


def test_the_qr_svg_downloads_as_a_file(world, mvp):
    response = mvp.get(f"/partners/links/{world['urdu']}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename=survey-link-{world['urdu_code']}.svg"
    assert b"<svg" in response.data and f"/s/{world['urdu_code']}".encode() in response.data


def test_the_link_page_shows_the_address_and_how_to_get_the_code(world, mvp):
    page = soup(mvp.get(f"/partners/links/{world['urdu']}"))
    assert page.find("code").get_text() == f"http://localhost/s/{world['urdu_code']}"
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert {f"/partners/links/{world['urdu']}/{p}" for p in ("qr.png", "qr.svg", "poster")} \
        <= hrefs


def test_an_urdu_poster_is_in_urdu_right_to_left_with_english_beside_it(app, world, mvp):
    response = mvp.get(f"/partners/links/{world['urdu']}/poster")
    assert response.status_code == 200
    page = soup(response)
    with app.test_request_context(), force_locale("ur"):
        urdu_title = gettext("Tell us about your maternity care")
    assert urdu_title != "Tell us about your maternity care"
    html = page.find("html")
    assert (html["lang"], html["dir"]) == ("ur", "rtl")
    assert "staff.rtl.css" in page.find("link", rel="stylesheet")["href"]
    assert page.find("h1").get_text(strip=True) == urdu_title
    english = page.select_one(".app-poster__text[lang=en]")
    assert english["dir"] == "ltr"
    assert "Tell us about your maternity care" in english.get_text()
    assert "We do not ask for your name" in english.get_text()
    assert "Tell us about your maternity care" not in page.select_one(".app-poster__text").text
    qr_svg = page.select_one(".app-poster svg")
    assert qr_svg["role"] == "img" and qr_svg.title.get_text() == \
        f"http://localhost/s/{world['urdu_code']}"
    url = page.select_one(".app-poster__url")
    assert url.get_text(strip=True) == f"http://localhost/s/{world['urdu_code']}"
    assert url["dir"] == "ltr"
    # The staff instructions are in the staff member's language, and say so.
    toolbar = page.select_one(".app-print-toolbar")
    assert toolbar["lang"] == "en" and "A4" in toolbar.get_text()


def test_a_poster_for_a_link_in_the_phones_language_is_in_english_only(world, mvp):
    page = soup(mvp.get(f"/partners/links/{world['phone']}/poster"))
    assert (page.html["lang"], page.html["dir"]) == ("en", "ltr")
    assert page.find("h1").get_text(strip=True) == "Tell us about your maternity care"
    assert len(page.select(".app-poster__text")) == 1
    languages = [li["lang"] for li in page.select(".app-poster__languages li")]
    assert languages == [html_lang(code) for code in LANGUAGES]  # all that are offered


def test_a_poster_gives_the_address_of_the_you_said_we_did_page(app, world, mvp):
    """In each of its languages the poster says where to see what is changing, with the
    public page's address, printed left to right and never translated."""
    with app.app_context():
        key = db.session.get(DistributionLink, world["urdu"]).survey.key
    address = f"http://localhost/you-said-we-did/{key}"
    page = soup(mvp.get(f"/partners/links/{world['urdu']}/poster"))
    lines = page.select(".app-poster__changes")
    assert len(lines) == 2  # Urdu, and English beside it
    for line in lines:
        url = line.select_one(".app-poster__changes-url")
        assert url.get_text() == address
        assert len(url.find_all("wbr")) == address.count("/")  # it breaks after a slash
        assert (url["dir"], url["translate"]) == ("ltr", "no")
    english = page.select_one(".app-poster__changes[lang=en]")
    assert english["dir"] == "ltr"
    assert " ".join(english.get_text().split()) == (
        "See what is changing because of what women and families told us: " + address)
    assert mvp.get(f"/you-said-we-did/{key}").status_code == 200  # the page is there
    page = soup(mvp.get(f"/partners/links/{world['phone']}/poster"))  # English only
    assert [u.get_text() for u in page.select(".app-poster__changes-url")] == [address]


def test_posters_print_on_a4_with_the_code_9cm_wide():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "surveyapp/static/dist/staff.css").read_text()
    assert "@page{size:A4;margin:15mm}" in css
    assert re.search(r"@media print\{[^@]*\.app-qr--poster\{width:9cm", css)


# --- reach ----------------------------------------------------------------------------------


def table_rows(page: BeautifulSoup, table_id: str) -> dict[str, str]:
    table = page.find("table", id=table_id)
    return {row.th.get_text(" ", strip=True): row.td.get_text(" ", strip=True)
            for row in table.select("tbody tr, tfoot tr")}


@pytest.fixture
def reached(app, world):
    """12 people through the Urdu link over three weeks, 20 starts, and free text."""
    monday = date.today() - timedelta(days=date.today().weekday())
    this_week = datetime.combine(monday, datetime.min.time()) + timedelta(hours=10)
    three_weeks_ago = this_week - timedelta(weeks=3)
    people = (
        [{"ethnic_group": "white_british", "language": "ur", "at": this_week}] * 7
        + [{"ethnic_group": "pakistani", "language": "ur", "at": this_week}]
        + [{"ethnic_group": "bangladeshi", "language": "en", "at": this_week}] * 2
        + [{"ethnic_group": "african", "language": "en", "at": three_weeks_ago}]
        + [{"ethnic_group": None, "language": "en", "at": three_weeks_ago}]
    )
    with app.app_context():
        add_responses(world["urdu"], people)
        db.session.add_all([LinkDailyCount(link_id=world["urdu"], day=monday, started=14),
                            LinkDailyCount(link_id=world["urdu"], day=monday - timedelta(21),
                                           started=6)])
        db.session.commit()
    return people


def test_reach_hides_small_numbers_and_whatever_would_give_them_away(world, mvp, reached):
    response = mvp.get(f"/partners/links/{world['urdu']}/reach")
    assert response.status_code == 200
    page = soup(response)
    assert page.find(id="responses").get_text(strip=True) == "12"
    assert page.find(id="started").get_text(strip=True) == "20"
    assert page.find(id="completion").get_text(" ", strip=True).startswith("60%")

    ethnic = table_rows(page, "ethnic-groups")
    assert ethnic == {
        "White": "7",
        "Mixed or Multiple ethnic groups": "0",
        "Asian or Asian British": "fewer than 5",  # 3
        "Black, Black British, Caribbean or African": "fewer than 5",  # 1
        "Other ethnic group": "0",
        "Prefer not to say, or not answered": "fewer than 5",  # 1
        "Total": "12",
    }
    # English (4) alone would be 12 - 8 = 4: Urdu (8) is hidden with it.
    languages = table_rows(page, "languages")
    assert languages["English"] == "fewer than 5"
    assert languages["Urdu (اردو)"] == "not shown"
    assert languages["Polish (Polski)"] == "0" and languages["Total"] == "12"
    assert "cannot be worked out from the total" in page.get_text()

    weeks = list(table_rows(page, "weeks").values())
    assert weeks == ["fewer than 5", "0", "0", "not shown", "12"]
    chart = page.find("svg", class_="app-chart__svg")
    assert chart["role"] == "img" and chart.title and chart.desc
    assert len(chart.find_all("rect")) == 0  # no bar may show a hidden week


def test_a_link_with_few_responses_shows_no_breakdown(app, world, mvp):
    with app.app_context():
        add_responses(world["urdu"], [{"ethnic_group": "pakistani", "language": "ur"}] * 3)
    page = soup(mvp.get(f"/partners/links/{world['urdu']}/reach"))
    assert page.find(id="responses").get_text(strip=True) == "fewer than 5"
    assert page.find(id="completion").get_text(strip=True) == "Not enough starts yet"
    assert page.find(id="started").get_text(strip=True) == "0"
    assert not page.find("table")
    assert "appear once 5 or more people have answered" in page.get_text()


def test_the_list_of_links_hides_small_response_counts(app, world, mvp, reached):
    with app.app_context():
        add_responses(world["phone"], [{"language": "en"}] * 2)
    page = soup(mvp.get("/partners/"))
    counts = {row.th.get_text(strip=True): row.find_all("td")[-1].get_text(" ", strip=True)
              for row in page.select("tbody tr")}
    assert counts[URDU_LABEL].startswith("12 ")
    assert counts[PHONE_LABEL].startswith("fewer than 5")


def test_the_threshold_comes_from_the_settings(app, world, mvp, reached):
    app.config["SMALL_NUMBER_THRESHOLD"] = 10
    page = soup(mvp.get(f"/partners/links/{world['urdu']}/reach"))
    ethnic = table_rows(page, "ethnic-groups")
    assert ethnic["White"] != "7" and ethnic["Total"] == "12"


def test_partners_never_see_what_anyone_wrote(app, world, mvp, reached):
    base = f"/partners/links/{world['urdu']}"
    for path in ("/partners/", base, f"{base}/reach", f"{base}/poster", "/partners/links/new"):
        response = mvp.get(path)
        assert response.status_code == 200, path
        body = response.get_data(True)
        assert FREE_TEXT not in body and "Zainab" not in body, path
    with app.app_context():
        receipts = list(db.session.scalars(select(Response.receipt_hash)))
    assert not any(receipt in mvp.get(f"{base}/reach").get_data(True) for receipt in receipts)
