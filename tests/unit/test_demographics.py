"""Tests for the harmonised demographic ("about you") questions."""

import ast
import re
from collections import Counter
from pathlib import Path

import pytest

from surveyapp import demographics as d

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODE_RE = re.compile(r"^[a-z0-9_]+$")

ALL_QUESTIONS = list(d.DEMOGRAPHIC_QUESTIONS.values())
CHOICE_QUESTIONS = [q for q in ALL_QUESTIONS if q["type"] in ("single", "multiple")]

EXPECTED_NHS_CODES = {
    "white_british": "A",
    "irish": "B",
    "gypsy_or_irish_traveller": "C",
    "roma": "C",
    "white_other": "C",
    "white_and_black_caribbean": "D",
    "white_and_black_african": "E",
    "white_and_asian": "F",
    "mixed_other": "G",
    "indian": "H",
    "pakistani": "J",
    "bangladeshi": "K",
    "asian_other": "L",
    "caribbean": "M",
    "african": "N",
    "black_other": "P",
    "chinese": "R",
    "arab": "S",
    "other_ethnic_group": "S",
}

EXPECTED_CENSUS_GROUPS = {
    "white_british": "white",
    "irish": "white",
    "gypsy_or_irish_traveller": "white",
    "roma": "white",
    "white_other": "white",
    "white_and_black_caribbean": "mixed",
    "white_and_black_african": "mixed",
    "white_and_asian": "mixed",
    "mixed_other": "mixed",
    "indian": "asian",
    "pakistani": "asian",
    "bangladeshi": "asian",
    "chinese": "asian",
    "asian_other": "asian",
    "caribbean": "black",
    "african": "black",
    "black_other": "black",
    "arab": "other",
    "other_ethnic_group": "other",
}

EXPECTED_MATERNITY_GROUPS = {
    **EXPECTED_CENSUS_GROUPS,
    "chinese": "other",  # NHS code R sits in the 2001 "Other ethnic groups" section
}

CENSUS_LABELS = {
    "white_british": "English, Welsh, Scottish, Northern Irish or British",
    "irish": "Irish",
    "gypsy_or_irish_traveller": "Gypsy or Irish Traveller",
    "roma": "Roma",
    "white_other": "Any other White background",
    "white_and_black_caribbean": "White and Black Caribbean",
    "white_and_black_african": "White and Black African",
    "white_and_asian": "White and Asian",
    "mixed_other": "Any other Mixed or Multiple ethnic background",
    "indian": "Indian",
    "pakistani": "Pakistani",
    "bangladeshi": "Bangladeshi",
    "chinese": "Chinese",
    "asian_other": "Any other Asian background",
    "caribbean": "Caribbean",
    "african": "African",
    "black_other": "Any other Black, Black British or Caribbean background",
    "arab": "Arab",
    "other_ethnic_group": "Any other ethnic group",
}


def ethnic_options():
    return d.DEMOGRAPHIC_QUESTIONS["ethnic_group"]["options"]


def ethnic_codes_19():
    return [o["code"] for o in ethnic_options() if o["code"] != d.PREFER_NOT_TO_SAY]


# --- ethnic group -----------------------------------------------------------------


def test_ethnic_group_has_19_census_options_then_prefer_not_to_say():
    options = ethnic_options()
    assert len(options) == 20
    assert options[-1]["code"] == "prefer_not_to_say"
    assert options[-1]["label"] == "Prefer not to say"
    assert options[-1].get("exclusive") is True
    assert "group" not in options[-1]
    assert {o["code"]: o["label"] for o in options[:-1]} == CENSUS_LABELS
    assert ethnic_codes_19() == d.ETHNIC_CODES


def test_ethnic_groups_are_the_five_census_headings_in_order():
    assert d.ETHNIC_GROUPS == {
        "white": "White",
        "mixed": "Mixed or Multiple ethnic groups",
        "asian": "Asian or Asian British",
        "black": "Black, Black British, Caribbean or African",
        "other": "Other ethnic group",
    }
    assert list(d.ETHNIC_GROUPS) == ["white", "mixed", "asian", "black", "other"]


def test_every_ethnic_option_is_in_exactly_one_census_group():
    for option in ethnic_options()[:-1]:
        assert option["group"] in d.ETHNIC_GROUPS
        memberships = [
            g for g in d.ETHNIC_GROUPS if d.ETHNICITY_TO_CENSUS_GROUP[option["code"]] == g
        ]
        assert memberships == [option["group"]]
    assert set(d.ETHNICITY_TO_CENSUS_GROUP) == set(ethnic_codes_19())
    assert d.ETHNICITY_TO_CENSUS_GROUP == EXPECTED_CENSUS_GROUPS


def test_options_appear_grouped_in_census_order():
    groups_in_order = [o["group"] for o in ethnic_options()[:-1]]
    # Each group is one unbroken run, and the runs follow ETHNIC_GROUPS order.
    runs = [g for i, g in enumerate(groups_in_order) if i == 0 or groups_in_order[i - 1] != g]
    assert runs == list(d.ETHNIC_GROUPS)


def test_census_group_counts():
    counts = Counter(d.ETHNICITY_TO_CENSUS_GROUP.values())
    assert counts == {"white": 5, "mixed": 4, "asian": 5, "black": 3, "other": 2}


def test_nhs_code_table_is_exactly_as_published():
    assert d.ETHNICITY_TO_NHS_CODE == EXPECTED_NHS_CODES
    assert set(d.ETHNICITY_TO_NHS_CODE) == set(ethnic_codes_19())


@pytest.mark.parametrize(("code", "letter"), sorted(EXPECTED_NHS_CODES.items()))
def test_nhs_code_function(code, letter):
    assert d.nhs_code(code) == letter


@pytest.mark.parametrize(
    ("code", "letter"),
    [("white_british", "A"), ("roma", "C"), ("chinese", "R"), ("arab", "S"), ("indian", "H")],
)
def test_nhs_code_spot_checks(code, letter):
    assert d.nhs_code(code) == letter


@pytest.mark.parametrize("value", [None, "prefer_not_to_say", "", "martian", "WHITE_BRITISH"])
def test_nhs_code_not_stated(value):
    assert d.nhs_code(value) == "Z"


def test_every_nhs_letter_used_has_a_label():
    used = set(d.ETHNICITY_TO_NHS_CODE.values()) | {"Z"}
    assert used == set(d.NHS_ETHNIC_CATEGORY_LABELS)
    assert set("ABCDEFGHJKLMNPRS") == used - {"Z"}


def test_maternity_group_is_derived_from_nhs_code():
    ranges = {
        "white": "ABC",
        "mixed": "DEFG",
        "asian": "HJKL",
        "black": "MNP",
        "other": "RS",
    }
    for code in ethnic_codes_19():
        letter = d.ETHNICITY_TO_NHS_CODE[code]
        (expected,) = [group for group, letters in ranges.items() if letter in letters]
        assert d.ETHNICITY_TO_MATERNITY_GROUP[code] == expected
        assert d.maternity_group(code) == expected
    assert d.ETHNICITY_TO_MATERNITY_GROUP == EXPECTED_MATERNITY_GROUPS


def test_chinese_and_arab_and_indian_groups():
    assert d.maternity_group("chinese") == "other"
    assert d.census_group("chinese") == "asian"
    assert d.maternity_group("arab") == "other"
    assert d.census_group("arab") == "other"
    assert d.maternity_group("indian") == "asian"
    assert d.census_group("indian") == "asian"


def test_maternity_group_labels_are_the_published_ones():
    assert d.MATERNITY_GROUP_LABELS == {
        "white": "White",
        "mixed": "Mixed",
        "asian": "Asian or Asian British",
        "black": "Black or Black British",
        "other": "Any other ethnic group",
    }
    assert set(d.ETHNICITY_TO_MATERNITY_GROUP.values()) == set(d.MATERNITY_GROUP_LABELS)


@pytest.mark.parametrize("value", [None, "prefer_not_to_say", "unknown"])
def test_groups_not_stated_are_none(value):
    assert d.census_group(value) is None
    assert d.maternity_group(value) is None


# --- question structure -------------------------------------------------------------


def test_expected_keys_in_order():
    assert d.DEMOGRAPHIC_KEYS == list(d.DEMOGRAPHIC_QUESTIONS)
    expected = {
        "ethnic_group",
        "age_band",
        "disability",
        "disability_impact",
        "religion",
        "main_language",
        "main_language_other",
        "english_proficiency",
        "interpreter_needed",
        "interpreter_offered",
        "sexual_orientation",
        "gender_identity",
        "first_baby",
        "birth_type",
        "neonatal_unit",
        "postcode_district",
    }
    assert set(d.DEMOGRAPHIC_KEYS) == expected
    assert len(d.DEMOGRAPHIC_KEYS) == len(expected)


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q["key"])
def test_question_shape(question):
    assert KEY_RE.match(question["key"])
    assert d.DEMOGRAPHIC_QUESTIONS[question["key"]] is question
    assert question["type"] in {"single", "multiple", "text"}
    assert question["required"] is False
    assert isinstance(question["text"], str) and question["text"].strip()
    assert question["hint"] is None or question["hint"].strip()
    assert "condition" in question
    allowed = {"key", "type", "text", "hint", "why", "required", "options", "condition"}
    allowed |= {"max_length", "pattern"}
    assert set(question) <= allowed


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=lambda q: q["key"])
def test_every_question_says_why_briefly(question):
    why = question["why"]
    assert isinstance(why, str) and why.strip()
    assert len(why.split()) < 25
    assert why.endswith(".")


@pytest.mark.parametrize("question", CHOICE_QUESTIONS, ids=lambda q: q["key"])
def test_choice_questions_end_with_prefer_not_to_say(question):
    last = question["options"][-1]
    assert last["code"] == "prefer_not_to_say"
    assert last["label"] == "Prefer not to say"
    assert last["exclusive"] is True
    codes = [o["code"] for o in question["options"]]
    assert codes.count("prefer_not_to_say") == 1


def test_only_text_questions_have_no_options():
    for question in ALL_QUESTIONS:
        if question["type"] == "text":
            assert not question.get("options")
        else:
            assert len(question["options"]) >= 3


@pytest.mark.parametrize("question", CHOICE_QUESTIONS, ids=lambda q: q["key"])
def test_option_codes_unique_and_well_formed(question):
    codes = [o["code"] for o in question["options"]]
    assert len(codes) == len(set(codes))
    for option in question["options"]:
        assert CODE_RE.match(option["code"]), option["code"]
        assert isinstance(option["label"], str) and option["label"].strip()
    labels = [o["label"] for o in question["options"]]
    assert len(labels) == len(set(labels))


def test_conditions_reference_earlier_questions_and_real_codes():
    seen = []
    for question in ALL_QUESTIONS:
        condition = question["condition"]
        if condition is not None:
            assert set(condition) == {"question", "any_of"}
            assert condition["question"] in seen, question["key"]
            target = d.DEMOGRAPHIC_QUESTIONS[condition["question"]]
            target_codes = {o["code"] for o in target["options"]}
            assert condition["any_of"], question["key"]
            assert set(condition["any_of"]) <= target_codes, question["key"]
        seen.append(question["key"])


def test_specific_conditions():
    q = d.DEMOGRAPHIC_QUESTIONS
    assert q["disability_impact"]["condition"] == {"question": "disability", "any_of": ["yes"]}
    assert q["interpreter_offered"]["condition"] == {
        "question": "interpreter_needed",
        "any_of": ["yes"],
    }
    assert q["main_language_other"]["condition"] == {
        "question": "main_language",
        "any_of": ["other_language"],
    }


def test_english_proficiency_shown_for_every_non_english_language():
    language_codes = {o["code"] for o in d.DEMOGRAPHIC_QUESTIONS["main_language"]["options"]}
    any_of = d.DEMOGRAPHIC_QUESTIONS["english_proficiency"]["condition"]["any_of"]
    assert set(any_of) == language_codes - {"english", "prefer_not_to_say"}
    assert "other_language" in any_of
    assert len(any_of) == 20


def test_yes_no_codes_are_consistent():
    for key in ("disability", "interpreter_needed", "gender_identity", "first_baby"):
        codes = [o["code"] for o in d.DEMOGRAPHIC_QUESTIONS[key]["options"]]
        assert codes == ["yes", "no", "prefer_not_to_say"], key


def test_neonatal_unit_codes_used_by_page_conditions():
    codes = [o["code"] for o in d.DEMOGRAPHIC_QUESTIONS["neonatal_unit"]["options"]]
    assert codes == ["yes", "no", "not_sure", "prefer_not_to_say"]


def test_age_bands_match_maternity_statistics():
    options = d.DEMOGRAPHIC_QUESTIONS["age_band"]["options"]
    assert [o["code"] for o in options] == [
        "under_20",
        "20_24",
        "25_29",
        "30_34",
        "35_39",
        "40_44",
        "45_or_over",
        "prefer_not_to_say",
    ]


def test_text_questions():
    postcode = d.DEMOGRAPHIC_QUESTIONS["postcode_district"]
    assert postcode["type"] == "text"
    assert postcode["max_length"] == 4
    assert postcode["pattern"] == "postcode_district"
    assert "never ask for your full postcode" in postcode["hint"]
    other = d.DEMOGRAPHIC_QUESTIONS["main_language_other"]
    assert other["type"] == "text"
    assert other["max_length"] == 100
    assert "pattern" not in other


def test_interpreter_hint_excludes_family():
    hint = d.DEMOGRAPHIC_QUESTIONS["interpreter_needed"]["hint"]
    assert "trained" in hint
    assert "family" in hint


def test_demographic_questions_returns_independent_copies():
    copies = d.demographic_questions()
    assert [q["key"] for q in copies] == d.DEMOGRAPHIC_KEYS
    copies[0]["options"].clear()
    assert d.DEMOGRAPHIC_QUESTIONS["ethnic_group"]["options"]


def test_n_is_a_no_op():
    assert d.N_("Prefer not to say") == "Prefer not to say"


def _n_call_literals():
    """Every N_(...) call in the module, checked for an inline string literal."""
    tree = ast.parse(Path(d.__file__).read_text(encoding="utf-8"))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"
    ]
    return calls


def test_every_n_call_has_an_inline_literal():
    calls = _n_call_literals()
    assert calls
    for call in calls:
        assert len(call.args) == 1 and not call.keywords
        assert isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)


def test_every_user_visible_string_is_marked_for_translation():
    marked = {call.args[0].value for call in _n_call_literals()}
    for question in ALL_QUESTIONS:
        for field in ("text", "hint", "why"):
            if question[field] is not None:
                assert question[field] in marked, (question["key"], field)
        for option in question["options"]:
            assert option["label"] in marked, (question["key"], option["code"])
    for label in d.ETHNIC_GROUPS.values():
        assert label in marked


def test_module_does_not_import_flask_or_database():
    tree = ast.parse(Path(d.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "copy", "re", "typing"}


# --- postcode district --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("B1", "B1"),
        ("b12", "B12"),
        ("SW1A", "SW1A"),
        ("M60", "M60"),
        ("EC1V", "EC1V"),
        (" b12 ", "B12"),
    ],
)
def test_valid_postcode_districts(value, normalised):
    assert d.postcode_district_is_valid(value)
    assert d.normalise_postcode_district(value) == normalised


@pytest.mark.parametrize(
    "value",
    ["", "   ", "12", "B12 9AA", "B129AA", "BBB1", "B!", "B", "1B", "SW1AA", "Ｂ12", "\u00df1"],
)
def test_invalid_postcode_districts(value):
    assert not d.postcode_district_is_valid(value)


def test_postcode_validation_rejects_non_strings():
    assert not d.postcode_district_is_valid(None)
    assert not d.postcode_district_is_valid(12)


def test_normalise_removes_inner_spaces():
    assert d.normalise_postcode_district(" s w1a ") == "SW1A"
