"""The whole respondent journey through the test client, in several languages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from config import LANGUAGES
from surveyapp.extensions import db
from surveyapp.languages import direction, html_lang
from surveyapp.models import Answer, Draft, LinkDailyCount, Response
from tests.integration.respondent import Respondent

ANSWERS = {
    "overall_experience": "2",
    "what_was_good": "The midwife on the ward was so kind to me.",
    "what_could_be_better": "Nobody listened when I said the pain was bad.",
    "baby_neonatal_unit": "yes",
    "neonatal_involved_in_care": "yes_to_some_extent",
    "treated_differently": "yes",
    "treated_differently_why": ["ethnicity", "language"],
    "ethnic_group": "bangladeshi",
    "age_band": "25_29",
    "main_language": "bengali",
    "english_proficiency": "not_well",
    "postcode_district": " b12 ",
}


def stored(app) -> list[Response]:
    with app.app_context():
        responses = list(db.session.scalars(select(Response)))
        for r in responses:
            _ = r.answers
        return responses


def answers_of(app, response_id: int) -> dict[str, list]:
    with app.app_context():
        rows = db.session.scalars(select(Answer).where(Answer.response_id == response_id))
        result: dict[str, list] = {}
        for row in rows:
            value = row.option_code or row.text or row.number
            result.setdefault(row.question_key, []).append(value)
        return result


@pytest.mark.parametrize("lang", LANGUAGES)
def test_complete_journey_stores_exactly_what_was_answered(app, demo, respondent, lang):
    code = demo["links"]["en"]
    respondent.start(code, lang=lang)
    check = respondent.answer_all(ANSWERS)
    assert check.html["lang"] == html_lang(lang)
    assert check.html["dir"] == direction(lang)
    done = respondent.submit()
    assert "/thank-you" in done.url
    receipt = done.soup.select_one(".app-receipt").get_text(strip=True)
    assert len(receipt) == 14

    [response] = stored(app)
    assert response.language == lang
    assert response.link_id is not None
    assert response.submitted_at.minute == 0 and response.submitted_at.second == 0
    assert response.receipt_hash != receipt and len(response.receipt_hash) == 64
    got = answers_of(app, response.id)
    expected = {k: (v if isinstance(v, list) else [v]) for k, v in ANSWERS.items()}
    expected["postcode_district"] = ["B12"]
    assert {k: sorted(map(str, v)) for k, v in got.items()} == \
        {k: sorted(map(str, v)) for k, v in expected.items()}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_link_default_language_is_used_and_the_choice_sticks(app, demo, respondent):
    urdu_link = demo["links"]["ur"]
    first = respondent.get(f"/s/{urdu_link}")
    assert first.html["lang"] == "ur" and first.html["dir"] == "rtl"
    switched = respondent.get(f"/s/{urdu_link}?lang=pl")
    assert switched.html["lang"] == "pl" and switched.html["dir"] == "ltr"
    respondent.post({"consent": "y"})
    assert respondent.page.html["lang"] == "pl"


def test_accept_language_is_used_when_nothing_else_says(app, demo, respondent):
    respondent.headers = {"Accept-Language": "bn-BD,bn;q=0.9,en;q=0.5"}
    page = respondent.get(f"/s/{demo['links']['any']}")
    assert page.html["lang"] == "bn"
    # A link with its own default language wins over the phone's language.
    page = respondent.get(f"/s/{demo['links']['pl']}")
    assert page.html["lang"] == "pl"


def test_unknown_lang_falls_back(app, demo, respondent):
    page = respondent.get(f"/s/{demo['links']['en']}?lang=xx-EVIL<script>")
    assert page.status == 200
    assert page.html["lang"] == "en"


def test_language_switcher_names_each_language_in_its_own_script(app, demo, respondent):
    page = respondent.get(f"/s/{demo['links']['en']}")
    links = {a["lang"]: a.get_text(strip=True)
             for a in page.soup.select(".app-language-switcher [lang]")}
    assert set(links) == {html_lang(code) for code in LANGUAGES}
    assert {lang: links[lang] for lang in ("en", "ur", "pl", "bn", "zh-Hans", "ti", "ckb")} == {
        "en": "English", "ur": "اردو", "pl": "Polski", "bn": "বাংলা", "zh-Hans": "简体中文",
        "ti": "ትግርኛ", "ckb": "کوردی"}


def test_skip_logic_hides_neonatal_page_and_drops_hidden_answers(app, demo, respondent):
    respondent.start(demo["links"]["en"])
    answers = dict(ANSWERS, baby_neonatal_unit="no", treated_differently="no")
    seen = []
    for _ in range(40):
        if "/check" in respondent.page.url:
            break
        seen.append(respondent.page.url.rsplit("/", 1)[-1])
        names = respondent.page.field_names()
        respondent.post({n: answers[n] for n in names if n in answers})
    assert "neonatal" not in seen and "treated_differently_reasons" not in seen
    assert "overall" in seen
    respondent.submit()
    [response] = stored(app)
    got = answers_of(app, response.id)
    assert "neonatal_involved_in_care" not in got
    assert "treated_differently_why" not in got


def test_changing_an_answer_from_check_page_keeps_the_others(app, demo, respondent):
    code = demo["links"]["en"]
    respondent.start(code)
    check = respondent.answer_all(ANSWERS)
    change = check.soup.select_one('a[href*="/q/overall"][href*="change=1"]')
    assert change is not None
    respondent.get(change["href"].split("#")[0])
    assert respondent.page.soup.find("input", attrs={"name": "overall_experience",
                                                      "value": "2"}).has_attr("checked")
    good = respondent.page.soup.find("textarea", attrs={"name": "what_was_good"})
    assert good.get_text() == ANSWERS["what_was_good"]
    back_on_check = respondent.post({"overall_experience": "4",
                                     "what_was_good": ANSWERS["what_was_good"],
                                     "what_could_be_better": ANSWERS["what_could_be_better"]})
    assert "/check" in back_on_check.url
    assert "Poor" in back_on_check.text()
    respondent.submit()
    [response] = stored(app)
    assert answers_of(app, response.id)["overall_experience"] == ["4"]


def test_double_submission_stores_one_response(app, demo, respondent, client):
    respondent.start(demo["links"]["en"])
    check = respondent.answer_all(ANSWERS)
    form = {"csrf_token": check.hidden("csrf_token"), "draft": check.hidden("draft")}
    first = client.post(f"/s/{demo['links']['en']}/check", data=form)
    second = client.post(f"/s/{demo['links']['en']}/check", data=form)
    assert first.status_code == 302 and second.status_code == 302
    assert second.headers["Location"].endswith("/thank-you")
    assert len(stored(app)) == 1
    # Back button and resubmit: the check page now sends her to the thank-you page.
    again = respondent.get(f"/s/{demo['links']['en']}/check")
    assert "/thank-you" in again.url
    assert len(stored(app)) == 1


def test_starts_are_counted_without_storing_anything_about_her(app, demo, respondent):
    code = demo["links"]["en"]
    respondent.start(code)
    respondent.get(f"/s/{code}")
    respondent.post({"consent": "y"})  # the same journey carries on: not a second start
    with app.app_context():
        counts = list(db.session.scalars(select(LinkDailyCount)))
        assert [c.started for c in counts] == [1]


def test_back_link_goes_to_previous_visible_page(app, demo, respondent):
    respondent.start(demo["links"]["en"])
    respondent.post({"overall_experience": "1"})
    back = respondent.page.soup.select_one(".nhsuk-back-link a, a.nhsuk-back-link")
    assert back is not None and back["href"].endswith("/q/overall")


def test_progress_is_shown(app, demo, respondent):
    page = respondent.start(demo["links"]["en"])
    assert "Page 1 of" in page.soup.select_one(".app-progress").get_text()


def test_required_fft_question_must_be_answered_before_sending(app, demo, respondent, client):
    code = demo["links"]["en"]
    respondent.start(code)
    page = respondent.post({})
    assert page.status == 400
    assert page.title.startswith("Error:")
    assert page.error_messages() == ["Select an answer to this question"]
    link = page.soup.select_one(".nhsuk-error-summary__list a")["href"]
    assert page.soup.find(id=link[1:]) is not None


def test_hidden_screen_reader_text_is_translated_too(app, demo, respondent):
    """The design system's macros have English defaults ("Error", "Information") for text
    only screen readers hear; an Urdu page must not fall back to them."""
    respondent.get(f"/s/{demo['links']['ur']}")
    page = respondent.post({})  # consent missing: an error
    hidden = [t.get_text(" ", strip=True) for t in page.soup.select(".nhsuk-u-visually-hidden")]
    assert hidden, "expected visually hidden text on an error page"
    for english in ("Error", "Information", "Important"):
        assert not any(english in text for text in hidden), hidden
    page = respondent.post({"consent": "y"})
    page = respondent.post({})  # the required question left empty
    hidden = [t.get_text(" ", strip=True) for t in page.soup.select(".nhsuk-u-visually-hidden")]
    assert not any("Error" in text for text in hidden), hidden


def test_pages_kept_for_reuse_carry_each_phones_own_tokens_and_answers(app, demo):
    """Survey pages are rendered once and reused (respond/fragments.py): each phone must
    still get its own CSRF and draft tokens, and only its own answers."""
    code = demo["links"]["en"]
    phones = [Respondent(app.test_client()) for _ in range(3)]
    firsts = [phone.start(code) for phone in phones]
    assert len({page.url for page in firsts}) == 1
    assert len({page.hidden("draft") for page in firsts}) == 3
    assert len({page.hidden("csrf_token") for page in firsts}) == 3

    phones[0].post({"overall_experience": "1", "what_was_good": "Phone one's words"})
    phones[1].post({"overall_experience": "5", "what_was_good": "Phone two's words"})
    for phone, chosen, words in ((phones[0], "1", "Phone one's words"),
                                 (phones[1], "5", "Phone two's words")):
        again = phone.get(f"/s/{code}/q/overall")
        checked = [i["value"] for i in again.soup.select("input[name=overall_experience]")
                   if i.has_attr("checked")]
        assert checked == [chosen]
        assert again.soup.find("textarea", attrs={"name": "what_was_good"}).get_text() == words
        with app.app_context():
            draft = db.session.get(Draft, again.hidden("draft"))
            assert draft.answers["overall_experience"] == chosen
    fresh = phones[2].get(f"/s/{code}/q/overall")
    assert not [i for i in fresh.soup.select("input") if i.has_attr("checked")]
    assert fresh.soup.find("textarea", attrs={"name": "what_was_good"}).get_text() == ""
    # Each phone's kept page still saves into its own draft.
    assert "/q/pregnancy" in phones[2].post({"overall_experience": "3"}).url
    with app.app_context():
        mine = db.session.get(Draft, phones[2].page.hidden("draft"))
        assert mine.answers == {"overall_experience": "3"}


def test_a_page_sent_again_unchanged_keeps_every_answer(app, demo, respondent):
    code = demo["links"]["en"]
    respondent.start(code)
    respondent.post({"overall_experience": "2", "what_was_good": "Kind staff"})
    respondent.get(f"/s/{code}/q/overall")
    respondent.post({"overall_experience": "2", "what_was_good": "Kind staff"})
    respondent.post({})  # a page left blank
    with app.app_context():
        [draft] = db.session.scalars(select(Draft))
        assert draft.answers == {"overall_experience": "2", "what_was_good": "Kind staff"}
