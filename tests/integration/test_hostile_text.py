"""Cross-site scripting: every payload of tests/data/xss_payloads.txt (script tags, event
handlers, javascript: URLs, SVG, CSS, right-to-left overrides, template injection) is put
where people can put text (her free-text answers, partner and link names, user names, an
imported survey definition and an uploaded .po translation), then every page that shows
them is rendered and checked: the text is shown as text, never run, and {{7*7}} never
becomes 49. CSV exports neutralise cells a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from sqlalchemy import select

from surveyapp.demo import DEMO_SURVEY
from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Partner, PartnerKind, Role, Survey, User
from surveyapp.models.partner import new_link_code
from tests.integration.attacks import PAYLOADS, assert_shown_as_text, url_for_rule
from tests.integration.respondent import Respondent
from tests.integration.staff import csrf_from, make_user, sign_in

FORMULA_STARTS = ("=", "+", "-", "@")


def hostile_definition() -> str:
    """The demo survey under a new key, with a payload for every text it has of its own."""
    document = yaml.safe_load(DEMO_SURVEY.read_text(encoding="utf-8"))
    payloads = iter(PAYLOADS * 10)
    document["key"] = "hostile-survey"
    document["title"] = next(payloads)
    document["introduction"] = next(payloads)
    for page in document["pages"]:
        page["title"] = next(payloads)
        if "intro" in page:
            page["intro"] = next(payloads)
        for question in page.get("questions", []):
            question["text"] = next(payloads)
            if "hint" in question:
                question["hint"] = next(payloads)
            for option in question.get("options", []):
                option["label"] = next(payloads)
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


@pytest.fixture
def hostile(app, demo):
    app.config.update(SUBMIT_RATE_LIMIT_PER_IP="100000 per hour")
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        links = []
        for n, payload in enumerate(PAYLOADS):
            partner = Partner(name=f"{payload} {n}", kind=PartnerKind.VCSE)
            link = DistributionLink(code=new_link_code(), partner=partner, survey=survey,
                                    label=payload)
            db.session.add_all([partner, link])
            links.append(link)
        db.session.commit()
        for n, payload in enumerate(PAYLOADS[:12]):
            make_user(f"{payload}{n}@example.org", Role.PARTNER, partner=links[n].partner)
        make_user("admin@example.nhs.uk", Role.ADMIN)
        ids = {"partner_id": links[0].partner_id, "link_id": links[0].id,
               "user_id": db.session.scalar(select(User.id).order_by(User.id))}
    admin = app.test_client()
    assert sign_in(admin, "admin@example.nhs.uk").status_code == 302
    return admin, ids


def test_her_answers_are_shown_as_text_to_her_and_to_staff(app, demo, hostile):
    admin, ids = hostile
    for payload in PAYLOADS:
        her = Respondent(app.test_client())
        her.start(demo["links"]["en"])
        check = her.answer_all({"overall_experience": "4", "what_was_good": payload,
                                "what_could_be_better": f"{payload} (again)"})
        assert_shown_as_text(check.response.get_data(as_text=True), f"check page: {payload}")
        assert "/thank-you" in her.submit().url
    result = app.test_cli_runner().invoke(args=["themes", "refresh"])
    assert result.exit_code == 0, result.output
    walk_staff_pages(app, admin, {**ids, "survey_id": demo["survey_id"]})


def test_an_imported_survey_and_translation_are_shown_as_text(app, hostile):
    admin, ids = hostile
    form = admin.get("/admin/surveys/import")
    sent = admin.post("/admin/surveys/import", data={
        "csrf_token": csrf_from(form.get_data(as_text=True)),
        "file": (io.BytesIO(hostile_definition().encode()), "survey.yaml")})
    assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
    with app.app_context():
        survey_id = db.session.scalar(select(Survey.id).where(Survey.key == "hostile-survey"))
    # A Polish translation of every text, each a payload, uploaded as a .po file.
    po_file = admin.get(f"/admin/surveys/{survey_id}/translations/pl/download")
    assert po_file.status_code == 200
    catalog = read_po(io.BytesIO(po_file.data))
    for n, message in enumerate(m for m in catalog if m.id):
        message.string = PAYLOADS[n % len(PAYLOADS)]
    out = io.BytesIO()
    write_po(out, catalog)
    page = admin.get(f"/admin/surveys/{survey_id}/translations/pl/upload")
    uploaded = admin.post(f"/admin/surveys/{survey_id}/translations/pl/upload", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "file": (io.BytesIO(out.getvalue()), "pl.po")})
    assert uploaded.status_code in (302, 303), uploaded.get_data(as_text=True)[:2000]
    walk_staff_pages(app, admin, {**ids, "survey_id": survey_id})  # draft and preview
    survey_page = admin.get(f"/admin/surveys/{survey_id}")
    published = admin.post(f"/admin/surveys/{survey_id}/publish",
                           data={"csrf_token": csrf_from(survey_page.get_data(as_text=True))})
    assert published.status_code in (302, 303)
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        link = DistributionLink(code=new_link_code(), survey=survey, label="hostile",
                                partner=db.session.get(Partner, ids["partner_id"]))
        db.session.add(link)
        db.session.commit()
        code = link.code
    for lang in ("en", "pl"):
        her = Respondent(app.test_client())
        her.get(f"/s/{code}?lang={lang}")
        assert_shown_as_text(her.page.response.get_data(as_text=True), f"start {lang}")
        her.post({"consent": "y"})
        for _ in range(30):
            assert her.page.status == 200
            assert_shown_as_text(her.page.response.get_data(as_text=True), her.page.url)
            if "/check" in her.page.url:
                break
            her.post({"overall_experience": "1"} if "overall_experience"
                     in her.page.field_names() else {})
        else:
            pytest.fail("never reached the check page")
    walk_staff_pages(app, admin, {**ids, "survey_id": survey_id})


def walk_staff_pages(app, client, ids: dict) -> None:
    """Every GET page of the app (staff pages, posters, exports) for these ids."""
    values = {**ids, "number": 1, "page_key": "overall", "question_key": "what_was_good",
              "code": "1", "locale": "pl", "action_id": 1, "analysis_id": 1, "phrase_id": 1,
              "theme_code": "staff", "token": "x" * 32, "format": "csv",
              "filename": "dist/main.css", "survey_key": "maternity-experience"}
    shown = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith(("respond.", "static")):
            continue
        response = client.get(url_for_rule(rule, values))
        assert response.status_code < 500, rule.endpoint
        kind = response.mimetype
        if kind == "text/html":
            assert_shown_as_text(response.get_data(as_text=True), rule.endpoint)
            shown += 1
        elif kind == "text/csv":
            for row in csv.reader(io.StringIO(response.get_data(as_text=True))):
                for cell in row:
                    if any(payload in cell for payload in PAYLOADS):
                        assert not cell.startswith(FORMULA_STARTS), (rule.endpoint, cell)
    assert shown > 20
