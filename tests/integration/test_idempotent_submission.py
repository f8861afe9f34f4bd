"""The final submission carries its idempotency key in the form (the draft token, stored
as `response.submission_hash`): a retry of the same submission, whatever happened to the
first try, stores her response at most once and always ends on the thank-you page.

(The double tap with her cookies intact is test_journey's
test_double_submission_stores_one_response; the same under a killed gunicorn worker is
tests/load/test_nothing_lost.py, and under a database outage test_database_outage.py.)
"""

from __future__ import annotations

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Response

ANSWERS = {"overall_experience": "2", "what_was_good": "Kind midwives"}


def responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Response))


def test_the_check_form_carries_the_idempotency_key(app, demo, respondent):
    respondent.start(demo["links"]["en"])
    check = respondent.answer_all(ANSWERS)
    assert check.hidden("draft"), "the final form must carry its submission key"


def test_a_retry_after_the_confirmation_was_lost_stores_once_and_thanks_her(
        app, demo, respondent, client):
    code = demo["links"]["en"]
    respondent.start(code)
    check = respondent.answer_all(ANSWERS)
    form = {"csrf_token": check.hidden("csrf_token"), "draft": check.hidden("draft")}
    before = client.get_cookie("session").value
    first = client.post(f"/s/{code}/check", data=form)
    assert first.status_code == 302 and responses(app) == 1
    # The answer never reached her phone (the connection dropped): her cookie is still the
    # one from before, and she presses "Send my answers" again.
    client.set_cookie("session", before)
    retry = client.post(f"/s/{code}/check", data=form, follow_redirects=True)
    assert retry.status_code == 200 and retry.request.path == f"/s/{code}/thank-you"
    assert "Thank you" in retry.get_data(as_text=True)
    assert responses(app) == 1


def test_a_retry_from_another_session_stores_once(app, demo, respondent):
    """The key is in the form, not the cookie: a retry with no cookies at all (a phone
    that lost them) still finds the response already stored."""
    code = demo["links"]["en"]
    respondent.start(code)
    check = respondent.answer_all(ANSWERS)
    form = {"csrf_token": check.hidden("csrf_token"), "draft": check.hidden("draft")}
    respondent.submit()
    assert responses(app) == 1
    fresh = app.test_client()
    retry = fresh.post(f"/s/{code}/check", data=form)
    # Without her session the CSRF token is not hers: nothing is stored either way.
    assert retry.status_code in (200, 302)
    assert responses(app) == 1
