"""The spam trap on survey forms, and the rate limits on final submissions.

Limits are set low here (app.config, read on every submission); a limited respondent gets
a kind 429 page in her language and keeps her draft, and other addresses and other links
are not affected. Only real final submissions are counted.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db, limiter
from surveyapp.models import Draft, Response
from tests.integration.respondent import Respondent

ANSWERS = {"overall_experience": "2", "what_was_good": "Kind midwives on the ward.",
           "ethnic_group": "bangladeshi"}
GENEROUS = "1000 per hour"


@pytest.fixture(autouse=True)
def _fresh_counters(app):
    with app.app_context():
        limiter.reset()  # a no-op for the per-app memory store; clears Redis if used


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def drafts(app) -> list[Draft]:
    with app.app_context():
        return list(db.session.scalars(select(Draft)))


def at_check(app, code: str, address: str = "127.0.0.1", lang: str | None = None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    respondent = Respondent(client)
    respondent.start(code, lang=lang)
    respondent.answer_all(ANSWERS)
    assert "/check" in respondent.page.url
    return respondent


def sent(respondent: Respondent) -> bool:
    page = respondent.submit()
    return page.status == 200 and "/thank-you" in page.url \
        and page.soup.select_one(".app-receipt") is not None


# --- the spam trap ------------------------------------------------------------------------


def test_every_survey_form_has_a_trap_people_cannot_see_or_reach(app, demo, respondent):
    pages = [respondent.get(f"/s/{demo['links']['en']}"), respondent.post({"consent": "y"})]
    respondent.answer_all(ANSWERS)
    pages.append(respondent.page)
    for page in pages:
        [trap] = page.soup.select("form input[name=website]")
        assert trap["type"] == "text" and trap["tabindex"] == "-1"
        assert trap["autocomplete"] == "off" and trap.get("value", "") == ""
        wrapper = trap.parent
        assert wrapper["aria-hidden"] == "true"
        assert "nhsuk-u-visually-hidden" in wrapper["class"]
        label = wrapper.find("label", attrs={"for": "website"})
        assert "Leave this box empty" in label.get_text()


def test_a_filled_trap_on_submit_stores_nothing_and_looks_like_thanks(app, demo, caplog):
    # Alembic's fileConfig (any test that ran the migrations before this one) disables the
    # loggers that existed then, the app's among them.
    app.logger.disabled = False
    respondent = at_check(app, demo["links"]["en"])
    with caplog.at_level(logging.WARNING):
        page = respondent.post({"website": "http://cheap-pills.example"})
    assert page.status == 200 and "/thank-you" in page.url
    assert "Your answers have been sent" in page.heading
    assert page.soup.select_one(".app-receipt") is None
    assert count(app, Response) == 0 and count(app, Draft) == 0
    [line] = [r.getMessage() for r in caplog.records if "spam trap" in r.getMessage()]
    assert "Kind midwives" not in line and "bangladeshi" not in line
    # Pressing the button again, or going back, gets the same page and stores nothing.
    again = respondent.get(f"/s/{demo['links']['en']}/check")
    assert "/thank-you" in again.url and count(app, Response) == 0


def test_a_trap_filled_on_an_earlier_page_is_remembered_until_submit(app, demo, respondent):
    respondent.start(demo["links"]["en"])
    respondent.post({"overall_experience": "1", "website": "spam"})
    respondent.answer_all(ANSWERS)
    page = respondent.submit()
    assert "/thank-you" in page.url and page.soup.select_one(".app-receipt") is None
    assert count(app, Response) == 0 and count(app, Draft) == 0


def test_a_trap_filled_at_consent_is_remembered_too(app, demo, respondent):
    respondent.get(f"/s/{demo['links']['en']}")
    respondent.post({"consent": "y", "website": "spam"})
    respondent.answer_all(ANSWERS)
    respondent.submit()
    assert count(app, Response) == 0


def test_people_who_leave_the_trap_empty_are_stored_as_usual(app, demo):
    respondent = at_check(app, demo["links"]["en"])
    assert sent(respondent)
    assert count(app, Response) == 1


# --- rate limits on final submissions -----------------------------------------------------


def test_too_many_from_one_address_get_a_kind_page_and_keep_their_answers(app, demo):
    app.config.update(SUBMIT_RATE_LIMIT_PER_IP="2 per hour",
                      SUBMIT_RATE_LIMIT_PER_LINK=GENEROUS)
    code = demo["links"]["pl"]
    assert sent(at_check(app, code, "10.0.0.1"))
    assert sent(at_check(app, code, "10.0.0.1"))

    third = at_check(app, code, "10.0.0.1", lang="pl")
    page = third.submit()
    assert page.status == 429
    assert int(page.response.headers["Retry-After"]) > 0
    assert page.html["lang"] == "pl"
    assert "/check" in page.url
    assert page.soup.find("a", href=f"/s/{code}/check") is not None
    assert "NHS 111" in page.response.get_data(as_text=True)  # where to get help
    assert count(app, Response) == 2
    [draft] = drafts(app)
    assert draft.answers["what_was_good"] == ANSWERS["what_was_good"]

    # Another address (another group, another phone network) is not affected...
    assert sent(at_check(app, code, "10.0.0.2"))
    assert count(app, Response) == 3
    # ...and once the limit allows it, the same woman sends the answers she kept.
    app.config["SUBMIT_RATE_LIMIT_PER_IP"] = "10 per hour"
    back = third.get(page.soup.find("a", href=f"/s/{code}/check")["href"])
    assert "Kind midwives on the ward." in back.text()
    assert sent(third)
    assert count(app, Response) == 4 and count(app, Draft) == 0


def test_the_daily_limit_per_address_counts_too(app, demo):
    app.config.update(SUBMIT_RATE_LIMIT_PER_IP="5 per hour;1 per day",
                      SUBMIT_RATE_LIMIT_PER_LINK=GENEROUS)
    assert sent(at_check(app, demo["links"]["en"], "10.0.0.7"))
    assert at_check(app, demo["links"]["pl"], "10.0.0.7").submit().status == 429


def test_too_many_through_one_link_leave_other_links_open(app, demo):
    app.config.update(SUBMIT_RATE_LIMIT_PER_IP=GENEROUS,
                      SUBMIT_RATE_LIMIT_PER_LINK="2 per hour")
    busy, other = demo["links"]["en"], demo["links"]["ur"]
    assert sent(at_check(app, busy, "10.0.1.1"))
    assert sent(at_check(app, busy, "10.0.1.2"))
    limited = at_check(app, busy, "10.0.1.3", lang="ur")
    page = limited.submit()
    assert page.status == 429 and page.html["lang"] == "ur"
    assert len(drafts(app)) == 1
    assert sent(at_check(app, other, "10.0.1.3"))
    assert count(app, Response) == 3


def test_only_real_submissions_are_counted(app, demo):
    app.config.update(SUBMIT_RATE_LIMIT_PER_IP="1 per hour",
                      SUBMIT_RATE_LIMIT_PER_LINK=GENEROUS)
    code = demo["links"]["en"]
    respondent = at_check(app, code, "10.0.2.1")
    # A refused (stale) token, a spam-trap submission and a double tap are not counted.
    stale = respondent.post({"csrf_token": "stale"})
    assert stale.status == 200 and "Your answers are safe" in stale.text()
    trapped = at_check(app, code, "10.0.2.1")
    trapped.post({"website": "spam"})
    assert sent(respondent)
    form = {"csrf_token": respondent.page.hidden("csrf_token") or "", "draft": "x" * 32}
    assert respondent.client.post(f"/s/{code}/check", data=form).status_code == 302
    assert count(app, Response) == 1
    # The one real submission was counted: the next one from there is limited.
    assert at_check(app, code, "10.0.2.1").submit().status == 429
