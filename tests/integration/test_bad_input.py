"""Bad input gets a clear message in her language, never a 500, and nothing is lost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Answer, DistributionLink, Draft, Partner, Response, Survey
from surveyapp.models.survey import SurveyStatus
from surveyapp.surveys.definition import validate
from surveyapp.surveys.store import add_version
from tests.integration.respondent import Respondent

EVERY_TYPE = {
    "format": 1, "key": "every-type", "title": "Every type", "languages": ["en", "ur"],
    "introduction": "A survey with every type of question.",
    "pages": [
        {"key": "one", "title": "Page one", "questions": [
            {"key": "rating", "type": "rating", "scale": "fft", "required": True,
             "text": "How was it?"},
            {"key": "babies", "type": "number", "min": 1, "max": 6, "text": "How many babies?"},
            {"key": "reasons", "type": "multiple", "text": "Why?", "options": [
                {"code": "a", "label": "A"}, {"code": "b", "label": "B"},
                {"code": "none", "label": "None of these", "exclusive": True}]},
            {"key": "comment", "type": "text", "text": "Anything else?"},
            {"key": "fine", "type": "yesno", "required": True, "text": "Was it fine?"},
        ]},
        {"key": "two", "title": "Page two", "demographics": ["postcode_district"]},
    ],
}


@pytest.fixture
def every_type(app):
    with app.app_context():
        version = add_version(validate(EVERY_TYPE))
        partner = Partner(name="Test group")
        link = DistributionLink(code="every-type-link", partner=partner,
                                survey_id=version.survey_id, label="test",
                                default_language="en")
        db.session.add(link)
        db.session.commit()
        return link.code


def page_one(respondent: Respondent, code: str, lang: str | None = None):
    respondent.start(code, lang=lang)
    assert "/q/one" in respondent.page.url
    return respondent.page


def valid(**changes):
    return {"rating": "1", "babies": "1", "fine": "yes", **changes}


def stored_answers(app) -> list[Answer]:
    with app.app_context():
        return list(db.session.scalars(select(Answer)))


def test_tampered_option_code_is_refused_with_a_message(app, every_type, respondent):
    page_one(respondent, every_type)
    page = respondent.post(valid(rating="99"))
    assert page.status == 400
    assert page.error_messages() == ["Select one of the answers shown"]
    page = respondent.post(valid(reasons=["a", "zzz"]))
    assert "Select one of the answers shown" in page.error_messages()
    page = respondent.post(valid(rating="1\x00"))
    assert page.error_messages() == ["Select one of the answers shown"]


def test_exclusive_option_cannot_be_combined(app, every_type, respondent):
    page_one(respondent, every_type)
    page = respondent.post(valid(reasons=["a", "none"]))
    assert page.status == 400
    assert page.error_messages()[0].startswith("You chose an answer that cannot go with others")


def test_text_over_5000_characters_is_refused_and_shown_back(app, every_type, respondent):
    page_one(respondent, every_type)
    long_text = "word " * 1001
    page = respondent.post(valid(comment=long_text))
    assert page.status == 400
    assert page.error_messages() == [
        "Your answer must be 5,000 characters or fewer. It is 5,004 now"]
    assert page.soup.find("textarea", attrs={"name": "comment"}).get_text() == long_text.strip()


def test_text_error_is_in_her_language(app, every_type, respondent):
    page_one(respondent, every_type, lang="ur")
    page = respondent.post(valid(comment="x" * 5001))
    assert page.html["lang"] == "ur"
    [message] = page.error_messages()
    assert "Your answer must" not in message  # translated, not English
    assert "۵" in message or "5" in message


@pytest.mark.parametrize("typed,message", [
    ("seven", "Enter a whole number, like 2"),
    ("2.5", "Enter a whole number, like 2"),
    ("0", "Enter a number from 1 to 6"),
    ("1000000000000000000000", "Enter a number from 1 to 6"),
])
def test_number_out_of_range_or_not_a_number(app, every_type, respondent, typed, message):
    page_one(respondent, every_type)
    page = respondent.post(valid(babies=typed))
    assert page.status == 400
    assert page.error_messages() == [message]
    assert page.soup.find("input", attrs={"name": "babies"})["value"] == typed


def test_control_characters_and_nul_bytes_are_removed_from_text(app, every_type, respondent):
    page_one(respondent, every_type)
    respondent.post(valid(comment="Good\x00 care\x07 overall\r\nthanks\u202e"))
    respondent.answer_all({})
    respondent.submit()
    [comment] = [a for a in stored_answers(app) if a.question_key == "comment"]
    assert comment.text == "Good care overall\nthanks\u202e"


def test_postcode_district_is_checked(app, every_type, respondent):
    page_one(respondent, every_type)
    page = respondent.post(valid())
    assert "/q/two" in page.url
    page = respondent.post({"postcode_district": "B12 9AA"})
    assert page.error_messages() == [
        "Enter only the first half of your postcode, like B12 or SW1A"]


def test_missing_csrf_token_shows_her_answers_back(app, every_type, respondent):
    page_one(respondent, every_type)
    page = respondent.post({**valid(comment="I was scared and alone."), "csrf_token": ""})
    assert "/q/one" in page.url
    assert "Your answers are safe" in page.text()
    assert page.soup.find("textarea", attrs={"name": "comment"}).get_text() == \
        "I was scared and alone."
    assert page.soup.find("input", attrs={"name": "rating", "value": "1"}).has_attr("checked")
    with app.app_context():
        assert db.session.scalars(select(Draft)).one().answers == {}
    page = respondent.post(valid(comment="I was scared and alone."))  # press again
    assert "/q/two" in page.url
    with app.app_context():
        assert db.session.scalars(select(Draft)).one().answers["comment"] == \
            "I was scared and alone."


def test_expired_session_keeps_earlier_answers_and_what_she_typed(app, every_type, respondent):
    page_one(respondent, every_type)
    respondent.post(valid(comment="Earlier page answer"))
    assert "/q/two" in respondent.page.url
    tokens = {"csrf_token": respondent.page.hidden("csrf_token"),
              "draft": respondent.page.hidden("draft")}
    # Her session cookie is gone (expired, or the phone cleared it).
    fresh = Respondent(app.test_client())
    response = fresh.client.post(f"/s/{every_type}/q/two",
                                 data={**tokens, "postcode_district": "B12"})
    assert response.status_code == 200
    assert "Your answers are safe" in response.get_data(as_text=True)
    assert 'value="B12"' in response.get_data(as_text=True)
    from tests.integration.respondent import Page

    fresh.page = Page(response, f"/s/{every_type}/q/two")
    check = fresh.post({"postcode_district": "B12"})
    assert "/check" in check.url
    assert "Earlier page answer" in check.text()
    fresh.submit()
    with app.app_context():
        response_row = db.session.scalars(select(Response)).one()
        keys = {a.question_key for a in response_row.answers}
    assert {"comment", "postcode_district", "rating"} <= keys


@pytest.mark.parametrize("code", ["x" * 5000, "../../etc/passwd", "a b", "%00", "ab"])
def test_malformed_or_absurd_link_codes_get_a_fast_404(client, code):
    response = client.get(f"/s/{code}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_unknown_code_404_page_is_in_her_language(app, client):
    response = client.get("/s/unknown-code?lang=pl")
    assert response.status_code == 404
    assert 'lang="pl"' in response.get_data(as_text=True)


def test_revoked_link_gets_a_kind_410_page_in_the_link_language(app, demo, client):
    code = demo["links"]["ur"]
    with app.app_context():
        link = db.session.scalar(select(DistributionLink).where(DistributionLink.code == code))
        link.active = False
        db.session.commit()
    response = client.get(f"/s/{code}")
    assert response.status_code == 410
    body = response.get_data(as_text=True)
    assert 'lang="ur"' in body and 'dir="rtl"' in body
    assert "NHS 111" in body  # where to get help is always there


def test_link_past_its_end_date_is_closed(app, demo, client):
    code = demo["links"]["en"]
    with app.app_context():
        link = db.session.scalar(select(DistributionLink).where(DistributionLink.code == code))
        link.ends_on = date.today() - timedelta(days=1)
        db.session.commit()
    assert client.get(f"/s/{code}").status_code == 410


def test_closed_survey_gets_410_even_mid_journey(app, demo, respondent):
    code = demo["links"]["en"]
    respondent.start(code)
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        survey.status = SurveyStatus.CLOSED
        db.session.commit()
    page = respondent.post({"overall_experience": "1"})
    assert page.status == 410
    assert "This survey link has closed" in page.heading


def test_oversize_request_gets_a_413_page(client, demo):
    response = client.post(f"/s/{demo['links']['en']}/q/overall",
                           data={"what_was_good": "x" * 300_000})
    assert response.status_code == 413
    assert "too long" in response.get_data(as_text=True)


def test_unknown_page_key_is_404(client, demo):
    assert client.get(f"/s/{demo['links']['en']}/q/nope").status_code == 404


def test_healthz_reports_the_database(app, client, monkeypatch):
    assert client.get("/healthz").status_code == 200

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
