"""The database goes away in the middle of her submission and comes back.

The app reaches PostgreSQL (a scratch database of its own) through a TCP proxy that the
test cuts half-way through storing her response: she gets a kind page in her language
(503) that keeps what she sent, /healthz answers 503 while the database is away, the app
recovers by itself once it is back, and pressing "Send again" stores her response once.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import event, func, select

from bench.harness import prepare
from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import Answer, Draft, Response
from tests.integration.respondent import Respondent
from tests.integration.scratch_pg import drop_database, scratch_database
from tests.integration.tcp_proxy import TcpProxy

DATABASE = "surveyapp_outage_check"
pytestmark = pytest.mark.own_database  # a scratch database of its own: run once
URDU_TITLE = "ہم ابھی آپ کے جوابات محفوظ نہیں کر سکے"
ANSWERS = {"overall_experience": "4",
           "what_was_good": "دائی بہت مہربان تھی",
           "what_could_be_better": "Nobody explained <why> I had to wait"}


@pytest.fixture
def outage():
    direct = scratch_database(DATABASE)
    codes, _note = prepare(direct)
    proxy = TcpProxy(("127.0.0.1", 5432))
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=direct.replace(
        "127.0.0.1:5432", f"127.0.0.1:{proxy.port}"))
    yield app, proxy, codes["ur"], direct
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    proxy.close()
    drop_database(DATABASE)


def stored(direct_url: str) -> tuple[int, list[tuple[str, str | None, str | None]], int]:
    """(responses, their answers, drafts), read straight from the server, not the proxy."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=direct_url)
    with app.app_context():
        responses = db.session.scalar(select(func.count()).select_from(Response))
        answers = sorted(db.session.execute(
            select(Answer.question_key, Answer.option_code, Answer.text)).tuples())
        drafts = db.session.scalar(select(func.count()).select_from(Draft))
        db.engine.dispose()
    return responses, answers, drafts


def test_she_keeps_her_answers_while_the_database_is_away_and_they_are_stored_once(outage):
    app, proxy, code, direct = outage
    client = app.test_client()
    her = Respondent(client)
    her.start(code, lang="ur")
    her.answer_all(ANSWERS)
    assert "/check" in her.page.url
    form = {name: her.page.hidden(name) for name in ("csrf_token", "draft")}

    with app.app_context():
        engine = db.engine

    def cut_while_storing_answers(_conn, _cursor, statement, *_args):
        # Her response row has been sent; the database goes away before her answers.
        if statement.lstrip().upper().startswith("INSERT INTO ANSWER"):
            proxy.cut()

    event.listen(engine, "before_cursor_execute", cut_while_storing_answers)
    try:
        response = client.post(f"/s/{code}/check", data=form)
    finally:
        event.remove(engine, "before_cursor_execute", cut_while_storing_answers)

    # A kind page in her language, keeping what she sent for "Send again".
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.find("h1").get_text(strip=True) == URDU_TITLE
    assert page.find("html")["lang"] == "ur" and page.find("html")["dir"] == "rtl"
    again = page.find("form")
    kept = {tag["name"]: tag["value"] for tag in again.find_all("input", type="hidden")}
    assert kept == form
    assert again["action"] == f"/s/{code}/check"

    # While the database is away: /healthz says so, and survey pages are kind too.
    assert client.get("/healthz").status_code == 503
    assert client.get(f"/s/{code}/check").status_code == 503
    proxy.restore()
    responses, _answers, drafts = stored(direct)
    assert (responses, drafts) == (0, 1), "half a response was kept, or her draft was lost"

    # Back again: no restart, /healthz is well, and "Send again" stores her answers once.
    assert client.get("/healthz").status_code == 200
    thanks = client.post(again["action"], data=kept, follow_redirects=True)
    assert thanks.status_code == 200 and thanks.request.path.endswith("/thank-you")
    assert "app-receipt" in thanks.get_data(as_text=True)
    # A second press (or a retry whose answer was lost) stores nothing more.
    client.post(again["action"], data=kept)
    responses, answers, drafts = stored(direct)
    assert (responses, drafts) == (1, 0)
    assert answers == sorted([("overall_experience", "4", None),
                              ("what_could_be_better", None, ANSWERS["what_could_be_better"]),
                              ("what_was_good", None, ANSWERS["what_was_good"])])


def test_a_page_sent_while_the_database_is_away_is_kept_on_the_kind_page(outage):
    app, proxy, code, direct = outage
    client = app.test_client()
    her = Respondent(client)
    her.start(code, lang="ur")
    form = {"csrf_token": her.page.hidden("csrf_token"), "draft": her.page.hidden("draft"),
            **ANSWERS}
    proxy.cut()
    response = client.post(her.page.url, data=form)
    assert response.status_code == 503
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    kept = {tag["name"]: tag["value"]
            for tag in page.find("form").find_all("input", type="hidden")}
    assert kept == form  # what she typed, in hidden fields, ready to send again
    proxy.restore()
    after = client.post(page.find("form")["action"], data=kept)
    assert after.status_code == 302
