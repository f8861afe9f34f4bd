"""Cross-site scripting: every payload of tests/data/xss_payloads.txt (script tags, event
handlers, javascript: URLs, SVG, CSS, right-to-left overrides, template injection) is put
where people can put text (her free-text answers, partner and link names, user names, an
imported survey definition and an uploaded .po translation), then every page that shows
them is rendered and checked: the text is shown as text, never run, and {{7*7}} never
becomes 49. Review actions ("you said, we did": every field, the public wording and its
translations) and reviewers' English translations of comments go through the same, and
are checked on the public page, the review pack, the explorer and every staff page. CSV
and XLSX exports neutralise cells a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from babel.messages.pofile import read_po, write_po
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.demo import DEMO_SURVEY
from surveyapp.extensions import db
from surveyapp.models import (
    CommentAnalysis,
    DistributionLink,
    Partner,
    PartnerKind,
    ReviewAction,
    Role,
    Survey,
    User,
)
from surveyapp.models.partner import new_link_code
from surveyapp.themes import pipeline
from tests.integration.attacks import PAYLOADS, assert_shown_as_text, url_for_rule
from tests.integration.respondent import Respondent
from tests.integration.responses import add_responses
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


POLISH = "Położna była bardzo miła i pomocna, dziękuję za wszystko co zrobiliście dla nas."


def test_review_actions_and_comment_translations_are_shown_as_text(app, demo, hostile):
    """Every payload in every field of a review action (and its Polish public wording),
    and in a reviewer's English translation of a comment; then the public page in both
    languages, the pack, the explorer, the actions and every other staff page."""
    admin, ids = hostile
    survey_id = demo["survey_id"]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        add_responses(survey.latest_published(), len(PAYLOADS), {
            "overall_experience": "1", "what_was_good": POLISH}, language="pl")
        pipeline.analyse_pending(db.session)
        waiting = list(db.session.scalars(select(CommentAnalysis.id).where(
            CommentAnalysis.needs_translation.is_(True)).order_by(CommentAnalysis.id)))
    assert len(waiting) == len(PAYLOADS)
    form = admin.get(f"/insights/surveys/{survey_id}/actions/new")
    token = csrf_from(form.get_data(as_text=True))
    for payload in PAYLOADS:
        sent = admin.post(f"/insights/surveys/{survey_id}/actions/new", data={
            "csrf_token": token, "about_kind": "theme", "about": payload[:200],
            "heard": payload, "change": payload, "owner": payload[:200],
            "status": "planned", "public_wording": payload, "public": "y",
            "translation-pl": payload})
        assert sent.status_code == 302, (payload, sent.get_data(as_text=True)[:500])
    translations = f"/insights/surveys/{survey_id}/translations"
    for analysis_id, payload in zip(waiting, PAYLOADS, strict=True):
        text = f"The midwife was kind and helped me with feeding. {payload}"
        done = admin.post(f"{translations}/{analysis_id}", data={
            "csrf_token": token, "translation": text})
        if done.status_code == 400:  # refused: her words are shown back to her, as text
            assert_shown_as_text(done.get_data(as_text=True), f"translation {payload}")
        else:
            assert done.status_code == 302, payload
    with app.app_context():
        actions = list(db.session.scalars(select(ReviewAction)))
        assert len(actions) == len(PAYLOADS)
        assert all(a.public_translations.get("pl", {}).get("text") for a in actions)
        action_id = actions[0].id
        translated = db.session.scalar(select(CommentAnalysis.id).where(
            CommentAnalysis.translation.is_not(None)).limit(1))
    assert translated is not None, "no translation was accepted: the pages show none"
    public = app.test_client()
    for lang in ("en", "pl"):
        page = public.get(f"/you-said-we-did/maternity-experience?lang={lang}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert_shown_as_text(html, f"you said, we did ({lang})")
        assert "&lt;script&gt;" in html or "&lt;svg" in html, "the wording is not shown"
    for path in ("pack", "responses", "overview", "actions", f"actions/{action_id}",
                 "themes", "themes/comments.csv"):
        page = admin.get(f"/insights/surveys/{survey_id}/{path}")
        assert page.status_code == 200, path
        if page.mimetype == "text/html":
            assert_shown_as_text(page.get_data(as_text=True), path)
    walk_staff_pages(app, admin, {**ids, "survey_id": survey_id, "action_id": action_id,
                                  "analysis_id": translated})


def _formula_cells(rows, where: str) -> None:
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and any(payload in cell for payload in PAYLOADS):
                assert not cell.startswith(FORMULA_STARTS), (where, cell)


def walk_staff_pages(app, client, ids: dict) -> None:
    """Every GET page of the app (staff pages, posters, exports, the public "you said,
    we did" page) for these ids."""
    values = {"number": 1, "page_key": "overall", "question_key": "what_was_good",
              "code": "1", "locale": "pl", "action_id": 1, "analysis_id": 1, "phrase_id": 1,
              "theme_code": "staff", "token": "x" * 32, "filename": "dist/main.css",
              "survey_key": "maternity-experience", **ids}
    shown = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.startswith(("respond.", "static")):
            continue
        for export_format in ("csv", "xlsx"):
            if export_format == "xlsx" and "format" not in rule.arguments:
                continue
            response = client.get(url_for_rule(rule, {**values, "format": export_format}))
            assert response.status_code < 500 or rule.endpoint == "insights.review_pack_pdf", \
                rule.endpoint
            kind = response.mimetype
            if kind == "text/html":
                assert_shown_as_text(response.get_data(as_text=True), rule.endpoint)
                shown += 1
            elif kind == "text/csv":
                _formula_cells(csv.reader(io.StringIO(response.get_data(as_text=True))),
                               rule.endpoint)
            elif kind.endswith("spreadsheetml.sheet"):
                book = load_workbook(io.BytesIO(response.data), read_only=True)
                for sheet in book.worksheets:
                    _formula_cells(sheet.iter_rows(values_only=True), rule.endpoint)
    assert shown > 20
