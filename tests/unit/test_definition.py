"""The survey definition format: validation names the key and the problem; skip logic."""

from __future__ import annotations

import copy

import pytest

from surveyapp.demo import DEMO_SURVEY
from surveyapp.surveys.definition import (
    DefinitionError,
    from_document,
    message_contexts,
    to_document,
    to_source,
    validate,
)
from surveyapp.surveys.files import read_survey, read_translation, write_translation

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
        {"key": "last", "title": "Last", "questions": [
            {"key": "count", "type": "number", "min": 1, "max": 6, "text": "How many?"}]},
    ],
}


def with_change(path: list, value) -> dict:
    doc = copy.deepcopy(BASE)
    target = doc
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


def problems(doc) -> list[str]:
    with pytest.raises(DefinitionError) as error:
        validate(doc)
    return error.value.problems


def test_a_good_definition_validates_and_round_trips():
    definition = validate(BASE)
    assert [p.key for p in definition.pages] == ["first", "unit", "last"]
    again = from_document(to_document(definition))
    assert again == definition


@pytest.mark.parametrize("path,value,expected", [
    (["pages", 0, "questions", 0, "type"], "essay", "question 'baby_in_unit': type 'essay'"),
    (["pages", 0, "questions", 0, "text"], "",
     "question 'baby_in_unit': 'text' must be non-empty"),
    (["pages", 0, "questions", 0, "colour"], "red",
     "question 'baby_in_unit': unknown field 'colour'"),
    (["pages", 0, "questions", 0, "key"], "Bad Key", "key 'Bad Key' must start with a letter"),
    (["pages", 0, "questions", 1, "options", 1, "code"], "a", "code 'a' is used twice"),
    (["pages", 0, "questions", 1, "options"], [{"code": "a", "label": "A"}],
     "question 'why': 'options' must list at least two options"),
    (["pages", 0, "questions", 1, "condition", "any_of"], ["maybe"],
     "question 'why': condition uses codes ['maybe']"),
    (["pages", 0, "questions", 1, "condition", "any_of"], [True],
     "put codes in quotes"),
    (["pages", 1, "condition", "question"], "unit_care",
     "page 'unit': condition refers to 'unit_care'"),
    (["pages", 2, "questions", 0, "min"], 9, "question 'count': 'min' is greater than 'max'"),
    (["pages", 2, "questions", 0, "scale"], "fft", "question 'count': unknown field 'scale'"),
    (["pages", 2, "questions", 0, "key"], "baby_in_unit",
     "question 'baby_in_unit': key is used twice"),
    (["pages", 1, "questions", 0, "scale"], "stars", "unknown scale 'stars'"),
    (["languages"], ["ur"], "'languages' must be a list that includes 'en'"),
    (["format"], 2, "'format' must be 1"),
    (["title"], KeyError, "survey: 'title' is missing"),
])
def test_each_problem_names_the_key_and_what_is_wrong(path, value, expected):
    found = problems(with_change(path, value))
    assert any(expected in p for p in found), found


def test_all_problems_are_reported_at_once():
    doc = with_change(["pages", 0, "questions", 0, "type"], "essay")
    doc["pages"][2]["questions"][0]["min"] = 9
    found = problems(doc)
    assert any("type 'essay'" in p for p in found)
    assert any("'min' is greater than 'max'" in p for p in found)


def test_skip_logic_pages_and_questions():
    definition = validate(BASE)
    assert [p.key for p in definition.visible_pages({})] == ["first", "last"]
    assert [p.key for p in definition.visible_pages({"baby_in_unit": "yes"})] == \
        ["first", "unit", "last"]
    answers = {"baby_in_unit": "no", "why": ["a"], "unit_care": "1", "count": 2}
    assert definition.visible_answers(answers) == {"baby_in_unit": "no", "count": 2}
    answers["baby_in_unit"] = "yes"
    assert definition.visible_answers(answers) == answers


def test_out_of_date_translation_falls_back_to_english():
    doc = copy.deepcopy(BASE)
    doc["translations"] = {"ur": {"survey.title": {"source": "Old title", "text": "پرانا"},
                                  "survey.introduction": {"source": "Intro", "text": "تعارف"}}}
    definition = validate(doc)
    assert definition.text("survey.title", "T", "ur") == "T"
    assert definition.text("survey.introduction", "Intro", "ur") == "تعارف"
    assert definition.text("survey.introduction", "Intro", "pl") == "Intro"


def test_po_round_trip_and_bad_po_files():
    definition = validate(BASE)
    po = write_translation(definition, "ur").decode()
    assert 'msgctxt "why.option.a"' in po
    filled = po.replace('msgid "Care?"\nmsgstr ""', 'msgid "Care?"\nmsgstr "دیکھ بھال؟"')
    entries = read_translation(filled, definition, "ur.po")
    assert entries == {"unit_care.text": {"source": "Care?", "text": "دیکھ بھال؟"}}
    with pytest.raises(DefinitionError, match="unknown msgctxt 'nope.text'"):
        read_translation('msgctxt "nope.text"\nmsgid "x"\nmsgstr "y"\n', definition, "ur.po")
    with pytest.raises(DefinitionError, match="not a valid .po file"):
        read_translation("this is not a po file\n", definition, "ur.po")
    plural = 'msgctxt "unit_care.text"\nmsgid "Care?"\nmsgid_plural "Cares?"\n' \
        'msgstr[0] "a"\nmsgstr[1] "b"\n'
    with pytest.raises(DefinitionError, match="must not have plural forms"):
        read_translation(plural, definition, "ur.po")


def test_the_demo_survey_is_complete_in_every_language_it_offers():
    definition = read_survey(DEMO_SURVEY)
    contexts = dict(message_contexts(definition))
    assert definition.question("overall_experience").text == \
        "Overall, how was your experience of our maternity service?"
    assert definition.question("overall_experience").required
    for key in ("what_was_good", "what_could_be_better", "ethnic_group", "age_band"):
        assert definition.question(key) is not None
    for locale in definition.languages:
        if locale == "en":
            continue
        missing = set(contexts) - set(definition.translations.get(locale, {}))
        assert not missing, (locale, sorted(missing))
        for context, entry in definition.translations[locale].items():
            assert entry["source"] == contexts[context], (locale, context)


def test_to_source_is_the_inverse_of_validate():
    demo = read_survey(DEMO_SURVEY)
    again = validate({**to_source(demo), "translations": demo.translations})
    assert again == demo
    base = validate(BASE)
    assert validate(to_source(base)) == base
