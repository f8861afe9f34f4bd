"""Nobody let in, route by route from the app's URL map: forged posts (no CSRF token, or a
made-up one) to every POST route, SQL injection in every path and query parameter, path
traversal on every file download, and request bodies over the limit on every POST route.
Each must be refused without a 500 and without changing a single row."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from surveyapp.admin import population, responses_import, surveys
from surveyapp.extensions import csrf, db
from surveyapp.models import DistributionLink, Partner, Role, Survey
from tests.integration.attacks import ROOT, changed_tables, table_fingerprint, url_for_rule
from tests.integration.respondent import Respondent
from tests.integration.staff import csrf_from, make_user, sign_in

SQL_INJECTIONS = [
    "' OR '1'='1",
    "1' OR 1=1 --",
    "\" OR \"\"=\"",
    "1; DROP TABLE response; --",
    "x'; DELETE FROM answer; --",
    "1 UNION SELECT email, password_hash FROM \"user\" --",
    "')) OR 1=1; UPDATE \"user\" SET role='admin' --",
    "1 AND (SELECT COUNT(*) FROM pg_sleep(0)) > 0",
]
TRAVERSALS = ["../../config.py", "..%2f..%2fconfig.py", "%2e%2e/%2e%2e/etc/passwd",
              "....//....//etc/passwd", "/etc/passwd", "..\\..\\config.py",
              "..%252f..%252fconfig.py", "static/../../../pyproject.toml"]
# What a file outside the app's own would show if it were served.
SECRET_FILE_TEXT = ("root:x:0:0", "SECRET_KEY", "[project]", "DEV_SECRET_KEY")
# Every query parameter the app reads (found in the code, so a new one is tried too).
QUERY_NAMES = sorted(set(re.findall(
    r"request\.args\.get\(\s*\"(\w+)\"",
    "\n".join(p.read_text(encoding="utf-8")
              for p in (ROOT / "surveyapp").rglob("*.py")))) | {"from", "to", "lang"})


@pytest.fixture
def world(app, demo):
    """The demo, an admin signed in on `client`, and her survey under way in the same
    client (so forged survey posts meet a real draft)."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        partner = db.session.scalar(select(Partner).order_by(Partner.id))
        link = db.session.scalar(select(DistributionLink)
                                 .where(DistributionLink.partner_id == partner.id))
        make_user("admin@example.nhs.uk", Role.ADMIN)
        other = make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        values = {"survey_id": survey.id, "partner_id": partner.id, "link_id": link.id,
                  "user_id": other.id, "number": 1, "page_key": "overall",
                  "question_key": "treated_differently_why", "locale": "pl",
                  "action_id": 1, "analysis_id": 1, "phrase_id": 1, "theme_code": "staff",
                  "token": "x" * 32, "survey_key": survey.key, "format": "csv",
                  "filename": "dist/main.css"}
    client = app.test_client()
    assert sign_in(client, "admin@example.nhs.uk").status_code == 302
    her = Respondent(client)
    her.start(demo["links"]["en"])
    return client, values, demo["links"]["en"]


def values_for(rule, values: dict, link_code: str) -> dict:
    code = link_code if rule.endpoint.startswith("respond.") else "ethnicity"
    return {**values, "code": code}


def post_rules(app):
    return [r for r in app.url_map.iter_rules() if "POST" in r.methods]


def checks_its_own_token(app, rule) -> bool:
    view = app.view_functions[rule.endpoint]
    return f"{view.__module__}.{view.__name__}" in csrf._exempt_views


def test_forged_posts_to_every_post_route_are_refused(app, world):
    client, values, link_code = world
    rules = post_rules(app)
    assert len(rules) > 30
    with app.app_context():
        before = table_fingerprint()
    for rule in rules:
        url = url_for_rule(rule, values_for(rule, values, link_code))
        for token in (None, "forged-token"):
            data = {"consent": "y", "overall_experience": "1", "email": "x@example.org",
                    "name": "Forged", "role": "admin"}
            if token:
                data["csrf_token"] = token
            response = client.post(url, data=data)
            where = (rule.endpoint, token)
            assert response.status_code < 500, where
            if rule.endpoint.startswith(("respond.", "privacy.")):
                # These forms check their own token and show her answers back (200).
                assert response.status_code in (200, 400), where
            elif checks_its_own_token(app, rule):
                # Upload views check their form's token themselves (admin.surveys.
                # accepts_uploads): refused, or sent back to the survey, changing nothing.
                assert response.status_code in (200, 303, 400, 404, 409), where
            else:
                assert response.status_code == 400, where
        with app.app_context():
            assert not changed_tables(before, table_fingerprint()), rule.endpoint
    # ... and the forged logout did not sign her out.
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("injection", SQL_INJECTIONS)
def test_sql_injection_in_every_parameter_changes_nothing(app, world, injection):
    client, values, link_code = world
    with app.app_context():
        before = table_fingerprint()
    query = {name: injection for name in QUERY_NAMES}
    tried = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        strings = {a for a in rule.arguments
                   if not isinstance(rule._converters[a].to_python("1"), int)}
        filled = values_for(rule, values, link_code)
        for argument in sorted(strings) or [None]:
            replace = {argument: injection} if argument else {}
            url = url_for_rule(rule, filled, **replace)
            response = client.get(url, query_string=query)
            body = response.get_data().decode("utf-8", "replace")
            assert response.status_code < 500, (rule.endpoint, argument, url)
            assert "scrypt:" not in body and "$scrypt" not in body, rule.endpoint
            tried += 1
    assert tried > 40
    with app.app_context():
        # Exports and downloads are audited, so the audit log grows; nothing else changes.
        assert changed_tables(before, table_fingerprint()) in ([], ["audit_event"])


def download_rules(app):
    """Routes that send a file: a static file, or a path ending in a file name."""
    return [r for r in app.url_map.iter_rules()
            if "GET" in r.methods and (r.endpoint == "static" or "download" in r.rule
                                       or re.search(r"\.(\w+|<[^>]+>)$", r.rule))]


def test_path_traversal_on_every_file_download_is_refused(app, world):
    client, values, link_code = world
    rules = download_rules(app)
    assert {"static", "partners.qr_png", "admin.download_translation"} <= \
        {r.endpoint for r in rules}
    for rule in rules:
        filled = values_for(rule, values, link_code)
        # Sanity: the download itself works with its proper arguments.
        strings = [a for a in rule.arguments
                   if not isinstance(rule._converters[a].to_python("1"), int)]
        for argument in strings or list(rule.arguments):
            for traversal in TRAVERSALS:
                url = url_for_rule(rule, filled, **{argument: traversal})
                response = client.get(url)
                body = response.get_data().decode("utf-8", "replace")
                assert response.status_code in (400, 403, 404, 405, 308), \
                    (rule.endpoint, url, response.status_code)
                assert not any(text in body for text in SECRET_FILE_TEXT), (rule.endpoint, url)


def test_request_bodies_over_the_limit_get_the_413_page_on_every_post_route(app, world):
    client, values, link_code = world
    largest = max(app.config["MAX_CONTENT_LENGTH"], surveys.UPLOAD_REQUEST_LIMIT,
                  population.UPLOAD_REQUEST_LIMIT, responses_import.UPLOAD_REQUEST_LIMIT)
    body = b"x=" + b"a" * largest
    with app.app_context():
        before = table_fingerprint()
    for rule in post_rules(app):
        url = url_for_rule(rule, values_for(rule, values, link_code))
        response = client.post(url, data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, (rule.endpoint, response.status_code)
        # A page saying what happened (staff upload pages say the file is too big).
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        text = page.find("main").get_text(" ", strip=True).lower()
        assert any(words in text for words in ("too long", "too big", "or smaller")), \
            (rule.endpoint, text[:200])
    with app.app_context():
        assert not changed_tables(before, table_fingerprint())


OFF_SITE = ["//evil.example/", "/\\evil.example/", "/\t/evil.example/", "https://evil.example/",
            "/\\/evil.example/", "javascript:alert(1)"]


def _stays_on_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith("//") \
        and "\\" not in location and location.isprintable()


def test_no_form_sends_her_to_another_site(app, world):
    """The `next` of signing in and of a reviewer's theme edit: never another site, even
    written the ways browsers read as one ("/\\host", "/<tab>/host")."""
    client, values, _link_code = world
    with app.app_context():
        from surveyapp.models import CommentAnalysis
        from surveyapp.themes import pipeline
        from tests.integration.responses import add_responses

        survey = db.session.get(Survey, values["survey_id"])
        add_responses(survey.latest_published(), 1, {
            "what_was_good": "The midwife listened to me and was kind to my family."})
        pipeline.analyse_pending(db.session)
        analysis_id = db.session.scalar(select(CommentAnalysis.id))
    page = client.get(f"/insights/surveys/{values['survey_id']}/themes")
    token = csrf_from(page.get_data(as_text=True))
    for target in OFF_SITE:
        edited = client.post(
            f"/insights/surveys/{values['survey_id']}/comments/{analysis_id}/themes",
            data={"csrf_token": token, "theme": "listened_to", "action": "remove",
                  "next": target})
        assert edited.status_code == 302, target
        assert _stays_on_site(edited.headers["Location"]), (target, edited.headers["Location"])
        stranger = app.test_client()
        login = stranger.get("/staff/login")
        signed = stranger.post("/staff/login", query_string={"next": target}, data={
            "email": "admin@example.nhs.uk", "password": "correct horse battery staple",
            "csrf_token": csrf_from(login.get_data(as_text=True))})
        assert signed.status_code == 302, target
        assert _stays_on_site(signed.headers["Location"]), (target, signed.headers["Location"])
