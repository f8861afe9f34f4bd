"""The survey builder's editing steps: each validates the whole survey, refuses a change
that would break it (naming the key and the form field), and keeps published keys fixed."""

from __future__ import annotations

import copy

import pytest

from surveyapp.surveys import editing
from surveyapp.surveys.definition import (
    DefinitionError,
    from_document,
    message_contexts,
    to_document,
    validate,
)
from surveyapp.surveys.editing import DOWN, UP, Locks

BASE = {
    "format": 1, "key": "t", "title": "T", "introduction": "Intro", "languages": ["en", "ur"],
    "pages": [
        {"key": "first", "title": "First", "questions": [
            {"key": "baby_in_unit", "type": "yesno", "text": "Was your baby in a unit?"},
            {"key": "why", "type": "multiple", "text": "Why?",
             "condition": {"question": "baby_in_unit", "any_of": ["yes"]},
             "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"}]},
        ]},
        {"key": "unit", "title": "Unit", "condition": {"question": "baby_in_unit",
                                                        "any_of": ["yes"]},
         "questions": [{"key": "unit_care", "type": "rating", "scale": "fft",
                        "text": "Care?"}]},
    ],
    "translations": {"ur": {
        "why.text": {"source": "Why?", "text": "کیوں؟"},
        "why.option.a": {"source": "A", "text": "اے"},
        "page.unit.title": {"source": "Unit", "text": "یونٹ"},
    }},
}


def source() -> dict:
    return editing.authoring_source(validate(copy.deepcopy(BASE)))


def ok(result: editing.Result) -> dict:
    assert result.ok, result.problems
    assert result.source is not None and result.definition is not None
    # What the builder stores reads back to the same authoring document.
    stored = from_document(to_document(result.definition))
    assert editing.authoring_source(stored) == result.source
    return result.source


def fields_of(result: editing.Result) -> list[str | None]:
    assert not result.ok
    return [p.field for p in result.problems]


def question(key: str, qtype: str = "text", **extra) -> dict:
    return {"key": key, "type": qtype, "text": f"{key}?", **extra}


# --- unfinished drafts ----------------------------------------------------------------


def test_a_new_survey_has_no_pages_and_says_what_it_needs():
    result = editing.create_survey("new-survey", "New", "Intro", ["pl", "en", "pl"])
    doc = ok(result)
    assert doc["languages"] == ["en", "pl"] and doc["pages"] == []
    assert editing.unfinished(result.definition) == ["survey: add at least one page"]
    with pytest.raises(DefinitionError):  # publishing runs validate() itself
        validate(doc)


def test_pages_and_questions_may_be_unfinished_until_published():
    doc = ok(editing.create_survey("s", "S", "Intro", []))
    doc = ok(editing.add_page(doc, "care", "Your care"))
    result = editing.add_question(doc, "care", question("felt_safe", "single"))
    doc = ok(result)
    assert editing.unfinished(result.definition) == [
        "question 'felt_safe': add at least two options"]
    doc = ok(editing.add_option(doc, "felt_safe", None, "Yes, always"))
    result = editing.add_option(doc, "felt_safe", "no", "No")
    doc = ok(result)
    assert [o.code for o in result.definition.question("felt_safe").options] == \
        ["yes_always", "no"]
    assert editing.unfinished(result.definition) == []
    assert validate(doc) == result.definition


def test_an_empty_page_is_reported_and_kept():
    doc = ok(editing.add_page(source(), "later", "Later"))
    result = editing.check(doc)
    assert result[0] is not None and result[0].page("later").questions == ()
    assert editing.unfinished(result[0]) == ["page 'later': add at least one question"]


def test_a_rating_question_with_own_answers_starts_empty_and_round_trips():
    doc = ok(editing.add_question(source(), "unit", question("score", "rating")))
    assert editing.find_question(doc, "score") is not None
    assert doc["pages"][1]["questions"][1] == {"key": "score", "type": "rating",
                                                "text": "score?", "options": []}


# --- pages -----------------------------------------------------------------------------


def test_add_page_with_a_bad_key_names_the_key_field():
    result = editing.add_page(source(), "Bad Key", "Title")
    assert fields_of(result) == ["key"]
    assert "page key 'Bad Key' must use a-z, 0-9 and _" in result.problems[0].message
    assert fields_of(editing.add_page(source(), "first", "Again")) == ["key"]


def test_page_condition_problems_name_the_condition_fields():
    result = editing.add_page(source(), "more", "More", condition_question="baby_in_unit",
                              condition_codes=["maybe"])
    assert fields_of(result) == ["condition_codes"]
    assert "codes ['maybe']" in result.problems[0].message
    result = editing.add_page(source(), "more", "More", condition_question="nope",
                              condition_codes=["yes"])
    assert fields_of(result) == ["condition_question"]
    assert fields_of(editing.add_page(source(), "more", "More",
                                      condition_question="baby_in_unit")) == \
        ["condition_codes"]


def test_renaming_a_page_moves_its_translations():
    doc = ok(editing.edit_page(source(), "unit", "neonatal_unit", "Unit",
                               condition_question="baby_in_unit", condition_codes=["yes"]))
    assert "page.neonatal_unit.title" in doc["translations"]["ur"]
    assert "page.unit.title" not in doc["translations"]["ur"]


def test_moving_a_page_above_the_question_its_condition_uses_is_refused():
    result = editing.move_page(source(), "unit", UP)
    assert not result.ok
    assert "condition refers to 'baby_in_unit', which is not a question asked before" \
        in result.problems[0].message
    assert fields_of(editing.move_page(source(), "first", UP)) == [None]
    doc = ok(editing.add_page(source(), "end", "End"))
    doc = ok(editing.move_page(doc, "end", UP))
    assert [p["key"] for p in doc["pages"]] == ["first", "end", "unit"]


def test_deleting_a_page_whose_question_a_later_page_uses_is_refused():
    assert not editing.delete_page(source(), "first").ok
    doc = ok(editing.delete_page(source(), "unit"))
    assert [p["key"] for p in doc["pages"]] == ["first"]
    assert "page.unit.title" not in doc["translations"]["ur"]  # its text went with it


def test_a_page_of_harmonised_questions():
    doc = ok(editing.add_page(source(), "about_you", "About you",
                              demographics=["ethnic_group", "age_band"]))
    assert doc["pages"][-1]["demographics"] == ["ethnic_group", "age_band"]
    result = editing.add_page(source(), "about_you", "About you",
                              demographics=["interpreter_offered"])
    assert fields_of(result) == ["demographics"]
    assert "needs 'interpreter_needed' before it" in result.problems[0].message
    assert fields_of(editing.add_page(source(), "a", "A", demographics=[])) == \
        ["demographics"]
    assert not editing.add_question(doc, "about_you", question("x")).ok


# --- questions -------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"key": "Bad"}, "key", "must start with a letter"),
    ({"key": "baby_in_unit"}, "key", "another question has this key"),
    ({"type": "number", "min": 5, "max": 1}, "minimum", "'min' is greater than 'max'"),
    ({"max_length": 9000}, "max_length", "'max_length' must be a whole number"),
    ({"condition_question": "baby_in_unit", "condition_codes": ["maybe"]},
     "condition_codes", "does not have"),
    ({"condition_question": "unit_care", "condition_codes": ["1"]},
     "condition_question", "not a question asked before"),
    ({"key": "builder_placeholder_1"}, "key", "kept for the builder"),
])
def test_question_problems_name_their_field(fields, field, words):
    result = editing.add_question(source(), "first", {**question("new_one"), **fields})
    assert fields_of(result) == [field]
    assert words in result.problems[0].message


def test_every_question_type_can_be_added():
    doc = source()
    for fields in (question("t1", max_length=200), question("n1", "number", min=0, max=9.5,
                                                            integer=False),
                   question("y1", "yesno", dont_know=True), question("r1", "rating",
                                                                     scale="agreement"),
                   question("s1", "single"), question("m1", "multiple", required=True,
                                                      hint="Tick all")):
        doc = ok(editing.add_question(doc, "unit", fields))
    added = {q["key"]: q for q in doc["pages"][1]["questions"]}
    assert added["n1"] == {"key": "n1", "type": "number", "text": "n1?", "min": 0,
                           "max": 9.5, "integer": False}
    assert added["y1"]["dont_know"] is True and added["r1"]["scale"] == "agreement"
    assert added["m1"]["required"] is True and added["m1"]["hint"] == "Tick all"


def test_renaming_a_question_carries_its_conditions_and_translations():
    doc = ok(editing.edit_question(source(), "baby_in_unit",
                                   question("in_unit", "yesno", text="In a unit?")))
    assert doc["pages"][0]["questions"][1]["condition"]["question"] == "in_unit"
    assert doc["pages"][1]["condition"]["question"] == "in_unit"
    doc = ok(editing.edit_question(doc, "why", question("reasons", "multiple", text="Why?")))
    assert set(doc["translations"]["ur"]) == {"reasons.text", "reasons.option.a",
                                              "page.unit.title"}
    assert [o["code"] for o in doc["pages"][0]["questions"][1]["options"]] == ["a", "b"]


def test_changing_the_english_leaves_the_translation_out_of_date():
    result = editing.edit_question(source(), "why", question("why", "multiple",
                                                             text="Why was that?"))
    ok(result)
    assert result.definition.text("why.text", "Why was that?", "ur") == "Why was that?"
    assert result.source["translations"]["ur"]["why.text"]["source"] == "Why?"


def test_deleting_a_question_another_depends_on_is_refused():
    result = editing.delete_question(source(), "baby_in_unit")
    assert not result.ok
    assert any("question 'why'" in p.message for p in result.problems)
    doc = ok(editing.delete_question(source(), "why"))
    assert "why.text" not in doc["translations"]["ur"]


def test_moving_questions_within_a_page():
    doc = ok(editing.add_question(source(), "first", question("extra")))
    doc = ok(editing.move_question(doc, "extra", UP))
    assert [q["key"] for q in doc["pages"][0]["questions"]] == ["baby_in_unit", "extra", "why"]
    assert not editing.move_question(doc, "why", DOWN).ok  # already last
    assert not editing.move_question(doc, "baby_in_unit", UP).ok  # already first
    doc = ok(editing.move_question(doc, "why", UP))  # still after the question it follows
    assert [q["key"] for q in doc["pages"][0]["questions"]] == ["baby_in_unit", "why", "extra"]


def test_a_follow_up_cannot_move_above_its_trigger():
    result = editing.move_question(source(), "why", UP)
    assert not result.ok
    assert "not a question asked before" in result.problems[0].message


def test_changing_type_keeps_options_only_where_they_fit():
    doc = ok(editing.edit_question(source(), "why", question("why", "single", text="Why?")))
    assert len(doc["pages"][0]["questions"][1]["options"]) == 2
    doc = ok(editing.edit_question(source(), "unit_care", question("unit_care", "rating",
                                                                   text="Care?")))
    assert doc["pages"][1]["questions"][0]["options"] == []  # scale -> own answers
    doc = ok(editing.edit_question(doc, "unit_care", question("unit_care", "text",
                                                              text="Care?")))
    assert "options" not in doc["pages"][1]["questions"][0]


def test_what_the_builder_has_no_field_for_is_kept():
    doc = source()
    doc["pages"][0]["questions"].append(question("area", pattern="postcode_district",
                                                 why="To see where we are not heard."))
    doc = ok(editing.edit_question(ok(editing.Result(*_checked(doc))), "area",
                                   question("area", text="Area?")))
    kept = doc["pages"][0]["questions"][-1]
    assert kept["pattern"] == "postcode_district" and kept["why"].startswith("To see")


def _checked(doc):
    definition, problems = editing.check(doc)
    assert not problems
    return editing.authoring_source(definition), definition


# --- options ---------------------------------------------------------------------------


def test_option_codes_are_unique_and_made_from_labels():
    assert editing.code_from_label("Yes, definitely!") == "yes_definitely"
    assert editing.code_from_label("Ça va", ["ca_va"]) == "ca_va_2"
    assert editing.code_from_label("اردو") == "option"
    assert fields_of(editing.add_option(source(), "why", "a", "Again")) == ["code"]
    result = editing.add_option(source(), "why", "Bad-Code", "Bad")
    assert fields_of(result) == ["code"]
    assert not editing.add_option(source(), "baby_in_unit", None, "Maybe").ok  # yes/no


def test_renaming_an_option_code_carries_conditions_and_translations():
    doc = copy.deepcopy(BASE)
    doc["pages"][1]["condition"] = {"question": "why", "any_of": ["a"]}
    start = editing.authoring_source(validate(doc))
    doc = ok(editing.edit_option(start, "why", "a", "alpha", "Alpha", exclusive=True))
    assert doc["pages"][1]["condition"]["any_of"] == ["alpha"]
    assert "why.option.alpha" in doc["translations"]["ur"]
    assert doc["pages"][0]["questions"][1]["options"][0] == {
        "code": "alpha", "label": "Alpha", "exclusive": True}


def test_deleting_an_option_a_condition_uses_is_refused():
    doc = copy.deepcopy(BASE)
    doc["pages"][1]["condition"] = {"question": "why", "any_of": ["b"]}
    start = editing.authoring_source(validate(doc))
    result = editing.delete_option(start, "why", "b")
    assert not result.ok and "page 'unit'" in result.problems[0].message
    doc = ok(editing.delete_option(start, "why", "a"))
    definition, _problems = editing.check(doc)
    assert editing.unfinished(definition) == ["question 'why': add at least two options"]


def test_moving_options():
    doc = ok(editing.move_option(source(), "why", "b", UP))
    assert [o["code"] for o in doc["pages"][0]["questions"][1]["options"]] == ["b", "a"]
    assert not editing.move_option(doc, "why", "b", UP).ok


# --- keys fixed by publication ---------------------------------------------------------


def locks() -> Locks:
    return Locks.from_published([(1, validate(copy.deepcopy(BASE)))])


def test_a_published_question_key_cannot_be_renamed_nor_its_type_changed():
    result = editing.edit_question(source(), "why", question("reasons", "multiple"), locks())
    assert fields_of(result) == ["key"]
    assert "cannot be renamed" in result.problems[0].message
    result = editing.edit_question(source(), "why", question("why", "single"), locks())
    assert fields_of(result) == ["type"]
    ok(editing.edit_question(source(), "why", question("why", "multiple", text="Why now?"),
                             locks()))


def test_a_published_key_cannot_come_back_as_another_type():
    doc = ok(editing.delete_question(source(), "why"))
    result = editing.add_question(doc, "first", question("why", "text"), locks())
    assert fields_of(result) == ["key"]
    assert "version 1 asked 'why' as a multiple question" in result.problems[0].message
    ok(editing.add_question(doc, "first", question("why", "multiple"), locks()))


def test_a_published_option_code_cannot_be_renamed():
    result = editing.edit_option(source(), "why", "a", "alpha", "A", locks=locks())
    assert fields_of(result) == ["code"]
    ok(editing.edit_option(source(), "why", "a", "a", "A new label", locks=locks()))


def test_locks_report_type_conflicts_in_an_imported_file():
    doc = copy.deepcopy(BASE)
    doc["pages"][0]["questions"][1] = question("why", "text")
    assert locks().conflicts(validate(doc)) == [
        editing._type_conflict("why", locks().get("why"))]


# --- translations ----------------------------------------------------------------------


def test_set_translations_checks_language_context_and_length():
    english = dict(message_contexts(validate(copy.deepcopy(BASE))))
    doc = ok(editing.set_translations(source(), "ur", {
        "survey.title": {"source": english["survey.title"], "text": "<b>T</b>"},
        "why.text": None}))
    assert doc["translations"]["ur"]["survey.title"]["text"] == "<b>T</b>"  # as typed
    assert "why.text" not in doc["translations"]["ur"]
    assert not editing.set_translations(source(), "pl", {}).ok
    assert not editing.set_translations(source(), "en", {}).ok
    assert fields_of(editing.set_translations(source(), "ur", {
        "nope.text": {"source": "x", "text": "y"}})) == ["nope.text"]
    too_long = editing.set_translations(source(), "ur", {
        "survey.title": {"source": "T", "text": "x" * 5001}})
    assert "5,000 characters or fewer" in too_long.problems[0].message


def test_clean_translation_keeps_markup_and_normalises_line_endings():
    assert editing.clean_translation(" <script>x</script>\r\nb ") == "<script>x</script>\nb"
    assert editing.clean_translation(None) == ""
