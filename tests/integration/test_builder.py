"""The survey builder: list and create surveys, build the draft, publish, close, new
drafts, preview, and import and export of the definition file, with the bad input."""

from __future__ import annotations

import copy
import io
import json

import pytest
import yaml
from sqlalchemy import func, select

from config import LANGUAGES
from surveyapp.extensions import db
from surveyapp.models import (
    Answer,
    DistributionLink,
    Draft,
    LinkDailyCount,
    Partner,
    Response,
    Role,
    Survey,
    SurveyVersion,
)
from surveyapp.surveys.definition import from_document, to_source, validate
from surveyapp.surveys.files import read_survey
from tests.integration.builder import (
    audit_actions,
    draft_definition,
    error_links,
    flashes,
    signed_in_admin,
    soup_of,
    survey_row,
    versions,
)
from tests.integration.respondent import Respondent
from tests.integration.staff import make_user, sign_in

DEMO_ANSWERS = {"overall_experience": "2", "what_was_good": "Kind midwives."}


@pytest.fixture
def admin(app, client):
    return signed_in_admin(app, client)


@pytest.fixture
def survey_id(demo):
    return demo["survey_id"]


def new_draft(admin, survey_id: int) -> None:
    response = admin.post(f"/admin/surveys/{survey_id}/new-draft")
    assert response.status_code == 303


def create(admin, key: str = "feeding-2026", **data) -> int:
    form = {"key": key, "title": "Feeding your baby", "introduction": "About feeding.",
            "languages": ["pl", "ur"], **data}
    response = admin.post("/admin/surveys/new", form)
    assert response.status_code == 303, soup_of(response).get_text()[:500]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def add_page(admin, survey_id: int, key: str, title: str, **data) -> None:
    response = admin.post(f"/admin/surveys/{survey_id}/new-page", {"key": key, "title": title,
                                                                   **data})
    assert response.status_code == 303, error_links(soup_of(response))


def add_question(admin, survey_id: int, page_key: str, qtype: str, key: str, text: str,
                 **data):
    return admin.post(f"/admin/surveys/{survey_id}/pages/{page_key}/new-question",
                      {"type": qtype, "key": key, "text": text, **data})


def add_option(admin, survey_id: int, question_key: str, label: str, **data) -> None:
    response = admin.post(f"/admin/surveys/{survey_id}/questions/{question_key}/new-option",
                          {"label": label, **data})
    assert response.status_code == 303, error_links(soup_of(response))


def respond(app, respondent, survey_id: int, lang: str = "en") -> None:
    """A respondent answers the survey's first page and sends it."""
    with app.app_context():
        code = db.session.scalar(select(DistributionLink.code).where(
            DistributionLink.survey_id == survey_id))
    respondent.start(code, lang=lang)
    respondent.answer_all(DEMO_ANSWERS)
    assert "/thank-you" in respondent.submit().url


# --- who may use it --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PARTNER])
def test_only_admins_reach_the_builder(app, client, survey_id, role):
    with app.app_context():
        partner = db.session.scalar(select(Partner)) if role == Role.PARTNER else None
        make_user("someone@example.nhs.uk", role, partner=partner)
    sign_in(client, "someone@example.nhs.uk")
    for url in ("/admin/surveys", f"/admin/surveys/{survey_id}",
                f"/admin/surveys/{survey_id}/preview", f"/admin/surveys/{survey_id}/import",
                f"/admin/surveys/{survey_id}/translations/pl"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/surveys/{survey_id}/close").status_code in (400, 403)
    assert survey_row(app, survey_id)[0] == "live"


def test_signed_out_visitors_are_sent_to_sign_in(client, survey_id):
    response = client.get(f"/admin/surveys/{survey_id}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


# --- the list and a new survey ---------------------------------------------------------


def test_the_list_shows_status_versions_drafts_and_responses(app, admin, survey_id,
                                                             respondent):
    respond(app, respondent, survey_id)
    page = admin.get("/admin/surveys")
    [row] = page.select("tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0].startswith("Your maternity and neonatal care")
    assert "maternity-experience" in cells[0]
    assert cells[1:] == ["Live", "Version 1", "No", "1"]
    new_draft(admin, survey_id)
    cells = [td.get_text(" ", strip=True) for td in admin.get("/admin/surveys")
             .select("tbody tr td")]
    assert cells[3] == "Yes: version 2"


def test_creating_a_survey_makes_a_draft_version(app, admin):
    new_id = create(admin)
    [(number, published, document)] = versions(app, new_id)
    assert (number, published) == (1, False)
    assert document["languages"] == ["en", "pl", "ur"] and document["pages"] == []
    assert survey_row(app, new_id) == ("draft", "Feeding your baby")
    page = admin.get(f"/admin/surveys/{new_id}")
    assert "survey: add at least one page" in page.select_one("#problems").get_text()
    assert not page.find("button", string="Publish version 1")
    assert audit_actions(app) == ["survey_created"]


@pytest.mark.parametrize(("data", "expected"), [
    ({"key": "", "title": ""}, [("#key", "Enter a survey key"), ("#title", "Enter a title")]),
    ({"key": "Feeding Survey"}, [("#key", "survey: 'key' must be lower-case letters, "
                                          "digits and -")]),
    ({"title": "x" * 201}, [("#title", "Title must be 200 characters or fewer")]),
    ({"introduction": "  "}, [("#introduction", "Enter an introduction")]),
    ({"key": "maternity-experience"}, [("#key", "A survey with the key "
                                                "maternity-experience already exists")]),
])
def test_a_bad_new_survey_is_refused_with_the_fields_named(app, admin, demo, data, expected):
    form = {"key": "feeding", "title": "Feeding", "introduction": "About feeding.", **data}
    response = admin.post("/admin/surveys/new", form)
    assert response.status_code == 400
    page = soup_of(response)
    assert error_links(page) == expected
    assert page.title.get_text().startswith("Error:")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1


# --- building the draft ----------------------------------------------------------------


def test_build_every_question_type_then_publish(app, admin):
    sid = create(admin)
    add_page(admin, sid, "feeding", "How you fed your baby", intro="About the first days.")
    assert add_question(admin, sid, "feeding", "single", "feeding_method",
                        "How did you feed your baby?", required="y").status_code == 303
    add_option(admin, sid, "feeding_method", "Breast milk only")
    add_option(admin, sid, "feeding_method", "Formula only", code="formula")
    add_option(admin, sid, "feeding_method", "Prefer not to say", code="prefer_not_to_say")
    assert add_question(admin, sid, "feeding", "yesno", "got_help", "Did you get help?",
                        dont_know="y").status_code == 303
    assert add_question(admin, sid, "feeding", "multiple", "help_from", "If yes, who helped?",
                        condition_question="got_help",
                        condition_codes="yes").status_code == 303
    add_option(admin, sid, "help_from", "A midwife")
    add_option(admin, sid, "help_from", "Nobody", exclusive="y")
    add_page(admin, sid, "scores", "Scores", condition_question="got_help",
             condition_codes="yes, dont_know")
    assert add_question(admin, sid, "scores", "rating", "help_rating", "How was the help?",
                        scale="fft").status_code == 303
    assert add_question(admin, sid, "scores", "rating", "support_rating", "And support?",
                        scale="").status_code == 303
    add_option(admin, sid, "support_rating", "Good")
    add_option(admin, sid, "support_rating", "Bad")
    assert add_question(admin, sid, "scores", "text", "comments", "Anything else?",
                        hint="No names, please.", max_length="500").status_code == 303
    assert add_question(admin, sid, "scores", "number", "days_in_hospital", "How many days?",
                        minimum="0", maximum="60").status_code == 303
    response = admin.post(f"/admin/surveys/{sid}/new-page?kind=demographics",
                          {"key": "about_you", "title": "About you",
                           "demographics": ["age_band", "ethnic_group"]})
    assert response.status_code == 303

    definition = draft_definition(app, sid)
    source = to_source(definition)
    assert validate({**source, "translations": {}}) == definition  # publishable as it is
    questions = {q.key: q for q in definition.questions}
    assert [o.code for o in questions["feeding_method"].options] == \
        ["breast_milk_only", "formula", "prefer_not_to_say"]
    assert questions["feeding_method"].required
    assert [o.code for o in questions["got_help"].options] == ["yes", "no", "dont_know"]
    assert questions["help_from"].condition.any_of == ("yes",)
    assert questions["help_from"].option("nobody").exclusive
    assert definition.page("scores").condition.any_of == ("yes", "dont_know")
    assert source["pages"][1]["questions"][0]["scale"] == "fft"
    assert questions["comments"].max_length == 500 and questions["comments"].hint
    assert (questions["days_in_hospital"].minimum, questions["days_in_hospital"].maximum) \
        == (0, 60)
    assert source["pages"][2]["demographics"] == ["ethnic_group", "age_band"]  # census order
    page = admin.get(f"/admin/surveys/{sid}/pages/about_you")
    assert [i["value"] for i in page.select("input[name=demographics][checked]")] == \
        ["ethnic_group", "age_band"]
    response = admin.post(f"/admin/surveys/{sid}/pages/about_you",
                          {"key": "about_you", "title": "About you",
                           "demographics": ["age_band", "interpreter_offered"]})
    assert error_links(soup_of(response)) == [
        ("#demographics", "page 'about_you': 'interpreter_offered' needs "
                          "'interpreter_needed' before it")]
    admin.post(f"/admin/surveys/{sid}/pages/about_you",
               {"key": "about_you", "title": "About you", "demographics": ["age_band"]})
    assert [q.key for q in draft_definition(app, sid).page("about_you").questions] == \
        ["age_band"]

    assert admin.post(f"/admin/surveys/{sid}/publish").status_code == 303
    assert survey_row(app, sid)[0] == "live"
    assert versions(app, sid)[0][1] is True
    assert audit_actions(app)[-1] == "survey_published"
    assert audit_actions(app).count("option_added") == 7


@pytest.mark.parametrize(("data", "expected"), [
    ({"key": "Bad Key"}, ("#key", "key 'Bad Key' must start with a letter")),
    ({"key": ""}, ("#key", "Enter a question key")),
    ({"text": ""}, ("#text", "Enter the question")),
    ({"type": "number", "minimum": "9", "maximum": "1"}, ("#minimum", "'min' is greater")),
    ({"type": "number", "minimum": "lots"}, ("#minimum", "Enter a number, like 2 or 2.5")),
    ({"type": "text", "max_length": "6000"}, ("#max_length", "'max_length' must be a whole")),
    ({"type": "text", "max_length": "2.5"}, ("#max_length", "Enter a whole number")),
    ({"condition_question": "overall_experience", "condition_codes": "9"},
     ("#condition_codes", "condition uses codes ['9']")),
    ({"condition_question": "overall_experience"}, ("#condition_codes", "Enter the codes")),
    ({"condition_question": "neonatal_unit_care", "condition_codes": "yes"},
     ("#condition_question", "not a question asked before")),
    ({"key": "what_was_good"}, ("#key", "another question has this key")),
])
def test_question_problems_are_summarised_with_links_to_their_fields(app, admin, survey_id,
                                                                      data, expected):
    new_draft(admin, survey_id)
    before = versions(app, survey_id)[-1][2]
    form = {"type": "text", "key": "new_question", "text": "A new question?", **data}
    response = add_question(admin, survey_id, "overall", **{
        "qtype": form.pop("type"), "key": form.pop("key"), "text": form.pop("text"), **form})
    assert response.status_code == 400
    links = error_links(soup_of(response))
    assert any(href == expected[0] and expected[1] in text for href, text in links), links
    assert versions(app, survey_id)[-1][2] == before  # nothing stored


def test_a_change_that_breaks_another_question_is_refused_and_says_which(app, admin,
                                                                          survey_id):
    new_draft(admin, survey_id)
    before = versions(app, survey_id)[-1][2]
    response = admin.post(f"/admin/surveys/{survey_id}/questions/treated_differently/delete",
                          follow_redirects=True)
    messages = " ".join(flashes(soup_of(response)))
    assert "That change was not made" in messages
    assert "page 'treated_differently_reasons': condition refers to 'treated_differently'" \
        in messages
    response = admin.post(f"/admin/surveys/{survey_id}/pages/neonatal/move",
                          {"direction": "up"}, follow_redirects=True)
    assert "That change was not made" in " ".join(flashes(soup_of(response)))
    assert versions(app, survey_id)[-1][2] == before


def test_move_up_and_down_with_plain_forms(app, admin, survey_id):
    new_draft(admin, survey_id)
    before = [p.key for p in draft_definition(app, survey_id).pages]
    page = admin.get(f"/admin/surveys/{survey_id}")
    forms = page.select(f"form[action='/admin/surveys/{survey_id}/pages/pregnancy/move']")
    assert {f.select_one("input[name=direction]")["value"] for f in forms} == {"up", "down"}
    assert admin.post(f"/admin/surveys/{survey_id}/pages/pregnancy/move",
                      {"direction": "down"}).status_code == 303
    after = [p.key for p in draft_definition(app, survey_id).pages]
    assert after[:3] == [before[0], before[2], before[1]]
    admin.post(f"/admin/surveys/{survey_id}/questions/what_could_be_better/move",
               {"direction": "up"})
    assert [q.key for q in draft_definition(app, survey_id).page("overall").questions] == \
        ["overall_experience", "what_could_be_better", "what_was_good"]
    assert admin.post(f"/admin/surveys/{survey_id}/pages/pregnancy/move",
                      {"direction": "sideways"}).status_code == 400
    assert admin.post(f"/admin/surveys/{survey_id}/pages/pregnancy/move",
                      {"direction": "up"}, csrf=False).status_code == 400
    assert audit_actions(app).count("page_moved") == 1


def test_pages_are_changed_and_deleted_with_confirmation(app, admin, survey_id):
    new_draft(admin, survey_id)
    page = admin.get(f"/admin/surveys/{survey_id}/pages/pregnancy/delete")
    assert "Delete page pregnancy?" in page.h1.get_text()
    assert admin.post(f"/admin/surveys/{survey_id}/pages/pregnancy/delete").status_code == 303
    assert draft_definition(app, survey_id).page("pregnancy") is None
    response = admin.post(f"/admin/surveys/{survey_id}/pages/overall",
                          {"key": "overall", "title": "", "intro": ""})
    assert error_links(soup_of(response)) == [("#title", "Enter a title")]
    assert admin.post(f"/admin/surveys/{survey_id}/pages/overall",
                      {"key": "overall", "title": "Overall", "intro": "In short."}) \
        .status_code == 303
    assert draft_definition(app, survey_id).page("overall").intro == "In short."


def test_options_are_added_changed_moved_and_deleted(app, admin, survey_id):
    new_draft(admin, survey_id)
    base = f"/admin/surveys/{survey_id}/questions/treated_differently_why"
    add_option(admin, survey_id, "treated_differently_why", "My age")
    assert admin.post(f"{base}/options/my_age", {"code": "looks", "label": "My looks"}) \
        .status_code == 303
    admin.post(f"{base}/options/looks/move", {"direction": "up"})
    codes = [o.code for o in draft_definition(app, survey_id)
             .question("treated_differently_why").options]
    assert codes[-2:] == ["looks", "prefer_not_to_say"]
    admin.post(f"{base}/options/looks/delete")
    assert "looks" not in [o.code for o in draft_definition(app, survey_id)
                           .question("treated_differently_why").options]
    response = admin.post(f"{base}/new-option", {"label": "Again", "code": "ethnicity"})
    assert error_links(soup_of(response))[0][0] == "#code"


def test_published_question_keys_and_codes_cannot_change(app, admin, survey_id):
    new_draft(admin, survey_id)
    page = admin.get(f"/admin/surveys/{survey_id}/questions/what_was_good")
    assert "cannot be renamed" in page.select_one("#key-hint").get_text()
    response = admin.post(f"/admin/surveys/{survey_id}/questions/what_was_good",
                          {"type": "text", "key": "good_things", "text": "What was good?"})
    assert response.status_code == 400
    [(href, message)] = error_links(soup_of(response))
    assert href == "#key" and "cannot be renamed" in message
    response = admin.post(f"/admin/surveys/{survey_id}/questions/what_was_good",
                          {"type": "number", "key": "what_was_good", "text": "How good?"})
    assert "the type cannot change" in error_links(soup_of(response))[0][1]
    response = admin.post(
        f"/admin/surveys/{survey_id}/questions/treated_differently_why/options/ethnicity",
        {"code": "race", "label": "My ethnic group"})
    assert "cannot be renamed" in error_links(soup_of(response))[0][1]
    # The words may change: that is what a new version is for.
    assert admin.post(f"/admin/surveys/{survey_id}/questions/what_was_good",
                      {"type": "text", "key": "what_was_good",
                       "text": "What went well?"}).status_code == 303


# --- publish, close, new drafts --------------------------------------------------------


def test_an_unfinished_draft_cannot_be_published(app, admin):
    sid = create(admin)
    add_page(admin, sid, "feeding", "Feeding")
    add_question(admin, sid, "feeding", "single", "method", "How?")
    page = admin.get(f"/admin/surveys/{sid}")
    assert "question 'method': add at least two options" in page.select_one("#problems") \
        .get_text()
    response = admin.post(f"/admin/surveys/{sid}/publish", follow_redirects=True)
    assert "cannot be published yet" in " ".join(flashes(soup_of(response)))
    assert versions(app, sid)[0][1] is False and survey_row(app, sid)[0] == "draft"


def test_a_published_version_never_changes(app, admin, survey_id):
    before = versions(app, survey_id)
    response = admin.post(f"/admin/surveys/{survey_id}/pages/overall",
                          {"key": "overall", "title": "Changed"}, follow_redirects=True)
    assert "is published and cannot change" in " ".join(flashes(soup_of(response)))
    admin.post(f"/admin/surveys/{survey_id}/questions/what_was_good/delete")
    admin.post(f"/admin/surveys/{survey_id}/translations/pl", {"text-survey-title": "X"})
    assert versions(app, survey_id) == before


def test_close_and_reopen_a_survey(app, admin, survey_id, demo, client):
    code = demo["links"]["en"]
    assert admin.post(f"/admin/surveys/{survey_id}/close").status_code == 303
    assert survey_row(app, survey_id)[0] == "closed"
    assert client.get(f"/s/{code}").status_code == 410
    admin.post(f"/admin/surveys/{survey_id}/reopen")
    assert client.get(f"/s/{code}").status_code == 200
    assert audit_actions(app) == ["survey_closed", "survey_reopened"]


def test_a_response_to_version_1_stays_with_it_after_version_2(app, admin, survey_id,
                                                              respondent, demo):
    respond(app, respondent, survey_id)
    new_draft(admin, survey_id)
    assert admin.post(f"/admin/surveys/{survey_id}/questions/what_was_good",
                      {"type": "text", "key": "what_was_good",
                       "text": "What went well?"}).status_code == 303
    assert admin.post(f"/admin/surveys/{survey_id}/publish").status_code == 303
    with app.app_context():
        v1, v2 = db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.number))
        assert from_document(v1.definition).question("what_was_good").text == \
            "What was good?"
        assert from_document(v2.definition).question("what_was_good").text == \
            "What went well?"
        [first] = db.session.scalars(select(Response))
        assert first.version_id == v1.id
        v1_id, v2_id = v1.id, v2.id
    respond(app, Respondent(app.test_client()), survey_id)  # someone new, on version 2
    with app.app_context():
        by_version = dict(db.session.execute(select(Response.version_id, func.count())
                                             .group_by(Response.version_id)).all())
        assert by_version == {v1_id: 1, v2_id: 1}
        # Dashboards combine versions by question key.
        keyed = db.session.execute(select(Answer.question_key, func.count())
                                   .where(Answer.question_key == "what_was_good")
                                   .group_by(Answer.question_key)).all()
        assert keyed == [("what_was_good", 2)]


def test_make_a_new_draft_only_once_and_delete_it(app, admin, survey_id):
    new_draft(admin, survey_id)
    response = admin.post(f"/admin/surveys/{survey_id}/new-draft", follow_redirects=True)
    assert "already has a draft" in " ".join(flashes(soup_of(response)))
    assert [(n, p) for n, p, _d in versions(app, survey_id)] == [(1, True), (2, False)]
    assert versions(app, survey_id)[1][2] == versions(app, survey_id)[0][2]
    admin.post(f"/admin/surveys/{survey_id}/delete-draft")
    assert [(n, p) for n, p, _d in versions(app, survey_id)] == [(1, True)]
    assert audit_actions(app) == ["draft_created", "draft_deleted"]


# --- preview ---------------------------------------------------------------------------


def test_preview_shows_the_draft_in_a_language_and_stores_nothing(app, admin, survey_id,
                                                                 client):
    new_draft(admin, survey_id)
    admin.post(f"/admin/surveys/{survey_id}/pages/overall",
               {"key": "overall", "title": "Overall, in the draft"})
    start = admin.get(f"/admin/surveys/{survey_id}/preview?lang=ur")
    assert start.html["lang"] == "ur" and start.html["dir"] == "rtl"
    assert "Preview: answers are not saved" in start.select_one(".app-preview-banner").text
    page = admin.get(f"/admin/surveys/{survey_id}/preview/overall?lang=en")
    assert page.h1.get_text(strip=True) == "Overall, in the draft"
    assert "Preview: answers are not saved" in page.get_text()
    # A required question left unanswered: the respondent's error, in her language.
    response = admin.post(f"/admin/surveys/{survey_id}/preview/overall?lang=pl", {})
    assert response.status_code == 400
    assert error_links(soup_of(response))[0][0] == "#overall_experience"
    assert soup_of(response).html["lang"] == "pl"
    response = admin.post(f"/admin/surveys/{survey_id}/preview/overall?lang=pl",
                          {"overall_experience": "1", "what_was_good": "Lovely."})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/preview/pregnancy?lang=pl")
    # Skip logic follows the choices made in the preview.
    last = None
    for _ in range(20):
        location = response.headers["Location"]
        if "preview-end" in location:
            break
        last = location
        response = admin.post(location, {"baby_neonatal_unit": "no"})
    assert "preview-end" in response.headers["Location"], last
    with app.app_context():
        for model in (Draft, Response, Answer, LinkDailyCount):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    # The preview's language does not become the admin's own.
    with admin.client.session_transaction() as session:
        assert "lang" not in session
    assert admin.get("/admin/surveys").html["lang"] == "en"


# --- the definition file ---------------------------------------------------------------


def exported(admin, survey_id: int, number: int = 1) -> str:
    response = admin.client.get(f"/admin/surveys/{survey_id}/versions/{number}/survey.yaml")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(True)


def test_export_reads_back_as_the_same_survey_with_its_translations(app, admin, survey_id):
    text = exported(admin, survey_id)
    from surveyapp.demo import DEMO_SURVEY

    demo = read_survey(DEMO_SURVEY)
    again = validate(yaml.safe_load(text))
    assert again == demo
    assert set(again.translations) == set(LANGUAGES) - {"en"}


def test_import_a_new_survey_and_a_new_version(app, admin, survey_id):
    text = exported(admin, survey_id)
    raw = yaml.safe_load(text)
    raw["key"] = "maternity-copy"
    response = admin.upload("/admin/surveys/import", json.dumps(raw).encode(), "copy.json")
    assert response.status_code == 303
    with app.app_context():
        copy_id = db.session.scalar(select(Survey.id).where(Survey.key == "maternity-copy"))
    assert [(n, p) for n, p, _d in versions(app, copy_id)] == [(1, False)]

    changed = text.replace("What was good?", "What went well?")
    response = admin.upload(f"/admin/surveys/{survey_id}/import", changed.encode(),
                            "survey.yaml")
    assert response.status_code == 303
    assert draft_definition(app, survey_id).question("what_was_good").text == \
        "What went well?"
    # A draft exists now: replacing it must be asked for.
    response = admin.upload(f"/admin/surveys/{survey_id}/import", text.encode(), "s.yaml")
    assert response.status_code == 400
    assert error_links(soup_of(response))[0][0] == "#replace_draft"
    response = admin.upload(f"/admin/surveys/{survey_id}/import", text.encode(), "s.yaml",
                            {"replace_draft": "y"})
    assert response.status_code == 303
    assert draft_definition(app, survey_id).question("what_was_good").text == "What was good?"
    assert [(n, p) for n, p, _d in versions(app, survey_id)] == [(1, True), (2, False)]
    assert audit_actions(app) == ["survey_imported", "draft_imported", "draft_imported"]


def _bad_files(text: str) -> list[tuple[str, bytes, str]]:
    raw = yaml.safe_load(text)
    unknown = copy.deepcopy(raw)
    unknown["pages"][0]["questions"][0]["colour"] = "blue"
    retyped = copy.deepcopy(raw)
    retyped["pages"][0]["questions"][1]["type"] = "number"
    other = copy.deepcopy(raw)
    other["key"] = "someone-else"
    return [
        ("syntax.yaml", b"key: [unclosed", "not valid YAML or JSON"),
        ("syntax.json", b"{\"key\": }", "not valid YAML or JSON"),
        ("unknown.yaml", yaml.safe_dump(unknown).encode(),
         "question 'overall_experience': unknown field 'colour'"),
        ("retyped.yaml", yaml.safe_dump(retyped).encode(),
         "version 1 asked 'what_was_good' as a text question"),
        ("other.yaml", yaml.safe_dump(other).encode(), "the file is for the survey someone-else"),
        ("latin1.yaml", "title: Zażółć".encode("iso-8859-2"), "not UTF-8 text"),
        ("alias.yaml", b"a: &x [1]\nb: *x\n", "anchors or aliases"),
        ("deep.json", b"[" * 100000 + b"]" * 100000, "nested too deeply"),
        ("big.yaml", b"#" * (1024 * 1024 + 10), "The file must be 1 MB or smaller"),
        ("empty.yaml", b"", "the definition must be a mapping at the top level"),
    ]


def test_a_rejected_import_changes_nothing_and_names_the_problem(app, admin, survey_id):
    text = exported(admin, survey_id)
    before = versions(app, survey_id)
    for name, content, expected in _bad_files(text):
        response = admin.upload(f"/admin/surveys/{survey_id}/import", content, name)
        assert response.status_code == 400, name
        messages = " ".join(t for _h, t in error_links(soup_of(response)))
        assert expected in messages, (name, messages)
    assert versions(app, survey_id) == before
    response = admin.upload("/admin/surveys/import", text.encode(), "dup.yaml")
    assert "already exists" in error_links(soup_of(response))[0][1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Survey)) == 1
    assert audit_actions(app) == []


def test_an_upload_over_the_request_limit_gets_the_too_large_page(admin, survey_id):
    response = admin.upload(f"/admin/surveys/{survey_id}/import", b"x" * (3 * 1024 * 1024),
                            "huge.yaml")
    assert response.status_code == 413


def test_an_upload_without_its_csrf_token_does_nothing(app, admin, survey_id):
    text = exported(admin, survey_id)
    response = admin.client.post(
        f"/admin/surveys/{survey_id}/import",
        data={"file": (io.BytesIO(text.encode()), "s.yaml")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert [(n, p) for n, p, _d in versions(app, survey_id)] == [(1, True)]
