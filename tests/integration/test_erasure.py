"""A respondent deletes her response with her receipt code; so can an admin for her."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.languages import html_lang
from surveyapp.models import Answer, AuditEvent, Response, Role
from tests.integration.staff import csrf_from, make_user, sign_in
from tests.integration.submitted import ANSWERS, submit_response


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Response)),
                db.session.scalar(select(func.count()).select_from(Answer)))


def post_code(client, code: str, confirm: bool = False, lang: str | None = None):
    page = client.get("/erase" + (f"?lang={lang}" if lang else ""))
    data = {"csrf_token": csrf_from(page.get_data(True)), "receipt": code}
    if confirm:
        data["confirm"] = "yes"
    return client.post("/erase", data=data)


def heading(response) -> str:
    return BeautifulSoup(response.get_data(True), "html.parser").h1.get_text(" ", strip=True)


def erasure_events(app) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent)
                                       .where(AuditEvent.action == "response_erased")))


def test_she_deletes_her_answers_with_her_receipt_code(app, demo):
    mine = submit_response(app, demo["links"]["en"])
    someone_elses = submit_response(app, demo["links"]["en"],
                                    {**ANSWERS, "what_was_good": "Another woman's words."})
    before_responses, before_answers = counts(app)
    assert before_responses == 2

    client = app.test_client()
    # Typed loosely (lower case, spaces instead of hyphens): still her code.
    found = post_code(client, mine.lower().replace("-", " "))
    assert found.status_code == 200
    assert heading(found) == "Do you want to delete your answers?"
    assert mine in found.get_data(True)
    assert counts(app) == (before_responses, before_answers), "deleted before she confirmed"

    confirm_page = BeautifulSoup(found.get_data(True), "html.parser")
    form = {tag["name"]: tag.get("value", "") for tag in confirm_page.select("form input")}
    assert form["confirm"] == "yes"
    done = client.post("/erase", data=form, follow_redirects=True)
    assert done.status_code == 200
    assert heading(done) == "Your answers have been deleted"

    with app.app_context():
        left = db.session.scalars(select(Response)).all()
        assert len(left) == 1
        texts = {a.text for a in db.session.scalars(select(Answer)) if a.text}
    assert "Another woman's words." in texts
    assert ANSWERS["what_was_good"] not in texts
    assert counts(app)[1] == before_answers // 2
    # Audited: what and when, with counts; no code and no answer.
    [event] = erasure_events(app)
    assert event.actor_id is None and event.detail["via"] == "receipt code"
    assert event.detail["responses"] == 1 and event.detail["answers"] == before_answers // 2
    recorded = f"{event.target} {event.detail}"
    assert mine not in recorded and "midwife" not in recorded
    # Her code now matches nothing, and the other response is still there.
    assert post_code(app.test_client(), mine).status_code == 400
    assert someone_elses != mine


def test_a_double_tap_on_delete_is_still_a_kind_done_page(app, demo):
    mine = submit_response(app, demo["links"]["en"])
    client = app.test_client()
    assert post_code(client, mine, confirm=True).status_code == 302
    again = post_code(client, mine, confirm=True)
    assert again.status_code == 302 and again.headers["Location"].endswith("/erase/done")
    assert counts(app) == (0, 0)
    assert len(erasure_events(app)) == 1


def test_a_wrong_or_malformed_code_says_so_and_deletes_nothing(app, demo):
    submit_response(app, demo["links"]["en"])
    before = counts(app)
    client = app.test_client()
    wrong = post_code(client, "ABCD-EFGH-JK23")
    assert wrong.status_code == 400
    assert "We could not find answers with this code" in wrong.get_data(True)
    malformed = post_code(client, "12345")
    assert malformed.status_code == 400
    assert "It has 12 letters and numbers" in malformed.get_data(True)
    # A guessed code sent straight to the delete step learns nothing and deletes nothing.
    blind = post_code(client, "ZZZZ-ZZZZ-ZZZZ", confirm=True)
    assert blind.status_code == 302
    assert counts(app) == before
    assert erasure_events(app) == []


def test_a_forged_post_without_the_csrf_token_deletes_nothing(app, demo):
    mine = submit_response(app, demo["links"]["en"])
    client = app.test_client()
    client.get("/erase")
    forged = client.post("/erase", data={"receipt": mine, "confirm": "yes"})
    assert forged.status_code == 400
    assert "Please press the button again" in forged.get_data(True)
    assert counts(app)[0] == 1


def test_guessing_codes_is_limited_per_address_in_her_language(app, demo):
    mine = submit_response(app, demo["links"]["en"])
    client = app.test_client()
    assert app.config["ERASURE_RATE_LIMIT"] == "10 per hour"
    wrong_codes = [f"ABCD-EFGH-{a}{b}ZZ" for a in "ABCDE" for b in "XY"]
    for code in wrong_codes:
        assert post_code(client, code).status_code == 400
    limited = post_code(client, mine, lang="pl")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    body = limited.get_data(True)
    assert 'lang="pl"' in body and 'id="receipt-error"' in body
    assert counts(app)[0] == 1, "a limited address must not reach the delete step"
    # Another phone (another address) is not held back by the first one's guesses.
    other = app.test_client()
    page = other.get("/erase")
    found = other.post("/erase", environ_base={"REMOTE_ADDR": "192.0.2.44"},
                       data={"csrf_token": csrf_from(page.get_data(True)), "receipt": mine})
    assert found.status_code == 200 and heading(found) == "Do you want to delete your answers?"


def test_the_page_follows_her_language_and_is_never_cached(app, demo):
    submit_response(app, demo["links"]["ur"], lang="ur")
    client = app.test_client()
    page = client.get("/erase?lang=ur")
    assert page.status_code == 200
    assert re.search(r'<html lang="ur" dir="rtl"', page.get_data(True))
    assert page.headers["Cache-Control"] == "no-store"
    switcher = BeautifulSoup(page.get_data(True), "html.parser").select(
        ".app-language-switcher a")
    assert {a["hreflang"] for a in switcher} == {
        html_lang(code) for code in app.config["LANGUAGES"]} - {"ur"}
    # The choice sticks, as on the survey pages.
    assert 'lang="ur"' in client.get("/erase").get_data(True)


def test_an_admin_deletes_a_response_by_receipt_code_and_is_audited(app, demo):
    mine = submit_response(app, demo["links"]["en"])
    submit_response(app, demo["links"]["en"])
    with app.app_context():
        make_user("admin@example.nhs.uk", Role.ADMIN)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER)
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer@example.nhs.uk")
    assert reviewer.get("/admin/erase").status_code == 403

    client = app.test_client()
    sign_in(client, "admin@example.nhs.uk")
    page = client.get("/admin/erase")
    assert page.status_code == 200
    token = csrf_from(page.get_data(True))
    unknown = client.post("/admin/erase", data={"csrf_token": token,
                                                "receipt": "ABCD-EFGH-JK23"})
    assert unknown.status_code == 400 and "No response has this receipt code" in \
        unknown.get_data(True)
    found = client.post("/admin/erase", data={"csrf_token": token, "receipt": mine})
    assert found.status_code == 200 and heading(found) == "Delete this response?"
    body = found.get_data(True)
    assert ANSWERS["what_was_good"] not in body, "the admin never sees the answers"
    assert counts(app)[0] == 2
    done = client.post("/admin/erase", data={"csrf_token": token, "receipt": mine,
                                             "confirm": "yes"}, follow_redirects=True)
    assert done.status_code == 200 and "Deleted the response" in done.get_data(True)
    assert counts(app)[0] == 1
    [event] = erasure_events(app)
    assert event.actor_email == "admin@example.nhs.uk" and event.at is not None
    assert event.detail["via"] == "admin" and event.detail["responses"] == 1
    assert ANSWERS["what_was_good"] not in str(event.detail)
    # Shown in the audit log with who did it.
    log = client.get("/admin/audit?action=response_erased").get_data(True)
    assert "admin@example.nhs.uk" in log and "response_erased" in log


def test_the_admin_page_is_in_the_admin_navigation_only(app):
    with app.app_context():
        make_user("admin@example.nhs.uk", Role.ADMIN)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER)
    admin = app.test_client()
    sign_in(admin, "admin@example.nhs.uk")
    assert 'href="/admin/erase"' in admin.get("/admin/users").get_data(True)
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer@example.nhs.uk")
    home = reviewer.get("/staff/")
    assert home.status_code == 200 and 'href="/admin/erase"' not in home.get_data(True)


@pytest.mark.parametrize("table_name", ["response", "answer"])
def test_everything_kept_about_a_response_goes_with_it(app, table_name):
    """Any table pointing at a response or an answer (comment analysis, …) must be
    deleted with it by its foreign key, or erasure would leave her words behind."""
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for key in table.foreign_keys:
                if key.column.table.name == table_name:
                    assert key.ondelete and key.ondelete.upper() == "CASCADE", \
                        f"{table.name}.{key.parent.name} -> {table_name}: add ondelete=CASCADE"
