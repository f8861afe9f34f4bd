"""The public "you said, we did" page: only public actions, only their public wording, in
the visitor's language where translated (English otherwise), with no login and no
JavaScript; and the staff side that records them."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import ReviewAction, Role, Survey
from tests.integration.staff import csrf_from, make_user, sign_in


@pytest.fixture
def actions(app, demo):
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        db.session.add_all([
            ReviewAction(survey_id=survey.id, about="staff_attitude", heard="Rude at night",
                         change="Night team training", owner="Head of midwifery",
                         status="in_progress", public=True,
                         public_wording="Night staff are being trained to listen more.",
                         public_translations={"ur": {
                             "source": "Night staff are being trained to listen more.",
                             "text": "رات کے عملے کو زیادہ سننے کی تربیت دی جا رہی ہے۔"}}),
            ReviewAction(survey_id=survey.id, about="interpreters", heard="No interpreter",
                         change="Book interpreters", owner="Ops", status="done", public=True,
                         public_wording="Interpreters can now be booked for every visit.",
                         public_translations={"ur": {"source": "Older English",
                                                    "text": "پرانا ترجمہ"}}),
            ReviewAction(survey_id=survey.id, about="parking", heard="SECRET heard text",
                         change="SECRET change", owner="SECRET owner", public=False,
                         public_wording="SECRET public wording not yet agreed"),
        ])
        db.session.commit()
        return survey.key


def test_the_public_page_shows_only_public_wording_in_english(client, actions):
    page = client.get(f"/you-said-we-did/{actions}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "You said, we did"
    items = [p.get_text(strip=True) for p in soup.select(".app-actions .nhsuk-card__description")]
    assert items == ["Night staff are being trained to listen more.",
                     "Interpreters can now be booked for every visit."]
    assert "SECRET" not in html and "Rude at night" not in html and "Head of midwifery" not in html
    assert "<script" not in html.lower()


def test_the_public_page_speaks_the_visitors_language_and_falls_back_to_english(client,
                                                                               actions):
    soup = BeautifulSoup(client.get(f"/you-said-we-did/{actions}?lang=ur").get_data(True),
                         "html.parser")
    assert soup.html["lang"] == "ur" and soup.html["dir"] == "rtl"
    assert soup.h1.get_text(strip=True) == "آپ نے کہا، ہم نے کیا"
    texts = soup.select(".app-actions .nhsuk-card__description")
    assert texts[0].get_text(strip=True) == "رات کے عملے کو زیادہ سننے کی تربیت دی جا رہی ہے۔"
    assert texts[0].get("lang") is None
    # Translated from English that has changed since: English, marked as English.
    assert texts[1].get_text(strip=True) == "Interpreters can now be booked for every visit."
    assert texts[1]["lang"] == "en"
    assert "پرانا ترجمہ" not in str(soup)
    assert "مکمل" in soup.get_text()  # "Done" in Urdu


def test_an_unknown_survey_is_not_found(client, actions):
    assert client.get("/you-said-we-did/no-such-survey").status_code == 404


def test_a_reviewer_records_an_action_and_its_translation_by_po_file(app, actions):
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    with app.app_context():
        survey_id = db.session.scalar(select(Survey.id).where(Survey.key == actions))
    form = client.get(f"/insights/surveys/{survey_id}/actions/new")
    answer = client.post(f"/insights/surveys/{survey_id}/actions/new", data={
        "csrf_token": csrf_from(form.get_data(True)), "about_kind": "flag",
        "about": "Bangladeshi women under-represented", "heard": "Few responses",
        "change": "Posters in Bengali at the mosque", "owner": "MVP chair",
        "due_on": "2027-01-31", "status": "planned",
        "public_wording": "We are asking more Bangladeshi women what they think.",
        "public": "y"})
    assert answer.status_code == 302
    po = client.get(f"/insights/surveys/{survey_id}/actions/translations/bn.po")
    assert po.status_code == 200
    text = po.get_data(as_text=True)
    assert "We are asking more Bangladeshi women what they think." in text
    context = re.search(r'msgctxt "(action\.\d+)"\n'
                        r'msgid "We are asking more Bangladeshi women', text).group(1)
    upload = (f'msgid ""\nmsgstr ""\n"Language: bn\\n"\n"Content-Type: text/plain; '
              f'charset=utf-8\\n"\n\nmsgctxt "{context}"\n'
              'msgid "We are asking more Bangladeshi women what they think."\n'
              'msgstr "আমরা আরও বাংলাদেশি নারীদের মতামত জানতে চাইছি।"\n').encode()
    import io
    page = client.get(f"/insights/surveys/{survey_id}/actions")
    done = client.post(f"/insights/surveys/{survey_id}/actions/translations/bn", data={
        "csrf_token": csrf_from(page.get_data(True)),
        "file": (io.BytesIO(upload), "bn.po")}, content_type="multipart/form-data")
    assert done.status_code == 302
    public = client.get(f"/you-said-we-did/{actions}?lang=bn").get_data(True)
    assert "আমরা আরও বাংলাদেশি নারীদের মতামত জানতে চাইছি।" in public
    assert "MVP chair" not in public
