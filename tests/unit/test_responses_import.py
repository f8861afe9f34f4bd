"""Reading responses from a CSV file: every row is checked like a web submission, every
problem is named with its row (the header is row 1) and column, and answers to questions
that skip logic hides are dropped."""

from __future__ import annotations

from datetime import date

import pytest

from surveyapp.surveys import answers as rules
from surveyapp.surveys.definition import validate
from surveyapp.surveys.responses_import import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    ResponsesImportError,
    parse_responses,
    template_csv,
    template_rows,
)

TODAY = date(2026, 11, 26)
DEFINITION = validate({
    "format": 1, "key": "t", "title": "T", "introduction": "Intro", "languages": ["en", "pl"],
    "pages": [
        {"key": "first", "title": "First", "questions": [
            {"key": "overall", "type": "rating", "scale": "fft", "text": "Overall?",
             "required": True},
            {"key": "in_unit", "type": "yesno", "text": "Was your baby in a unit?"},
            {"key": "why", "type": "multiple", "text": "Why?",
             "options": [{"code": "a", "label": "A"}, {"code": "b", "label": "B"},
                         {"code": "none", "label": "None", "exclusive": True}]},
            {"key": "comment", "type": "text", "text": "Anything else?", "max_length": 10},
        ]},
        {"key": "unit", "title": "Unit", "condition": {"question": "in_unit", "any_of": ["yes"]},
         "questions": [{"key": "unit_care", "type": "rating", "scale": "fft", "text": "Care?",
                        "required": True},
                       {"key": "nights", "type": "number", "min": 1, "max": 60,
                        "text": "How many nights?"}]},
        {"key": "last", "title": "Last", "questions": [
            {"key": "weight", "type": "number", "min": 0.5, "max": 6, "integer": False,
             "text": "Weight (kg)?"},
            {"key": "postcode", "type": "text", "pattern": "postcode_district", "max_length": 4,
             "text": "Postcode district?"}]},
    ],
})


def parse(text: str, **kwargs):
    return parse_responses(text.encode("utf-8"), DEFINITION, today=TODAY, **kwargs)


def problems(text: str) -> list[str]:
    with pytest.raises(ResponsesImportError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


def test_a_good_file_gives_the_values_the_web_form_would_store():
    rows = parse("overall,in_unit,why,comment,unit_care,nights,weight,postcode,language,"
                 "submitted_on,link\n"
                 "1,yes,a;b,Kind staff,2,3,3.5,b12,pl,2026-03-31,abc123\n"
                 "5,no,none,,,,,,,,\n")
    first, second = rows
    assert first.row == 2 and second.row == 3
    assert first.answers == {"overall": "1", "in_unit": "yes", "why": ["a", "b"],
                             "comment": "Kind staff", "unit_care": "2", "nights": 3,
                             "weight": 3.5, "postcode": "B12"}
    assert isinstance(first.answers["nights"], int)
    assert (first.language, first.submitted_on, first.link) == ("pl", date(2026, 3, 31),
                                                                "abc123")
    assert second.answers == {"overall": "5", "in_unit": "no", "why": ["none"]}
    assert (second.language, second.submitted_on, second.link) == ("en", TODAY, None)


def test_byte_order_mark_blank_lines_and_columns_left_out_are_fine():
    rows = parse("\ufeffoverall\n\n3\n,\n")
    assert [r.answers for r in rows] == [{"overall": "3"}]


def test_control_characters_are_removed_from_text_as_on_the_web():
    [row] = parse('overall,comment\n1,"ok\x07 fine"\n')
    assert row.answers["comment"] == "ok fine"
    assert rules.clean_text(" a\x00b ") == "ab"


def test_an_unknown_column_is_named():
    assert problems("overall,colour\n1,red\n") == [
        "row 1, column 'colour': unknown column: 'colour' is not a question key of this "
        "survey, nor one of language, submitted_on, link, partner"]


def test_a_repeated_column_is_refused():
    assert problems("overall,overall\n1,2\n") == ["row 1, column 'overall': the column "
                                                  "appears twice"]


def test_an_answer_code_that_does_not_exist():
    [problem] = problems("overall\n9\n")
    assert problem.startswith("row 2, column 'overall': '9' is not an answer code")


def test_an_exclusive_option_must_stand_alone():
    [problem] = problems("overall,why\n1,a;none\n")
    assert problem == "row 2, column 'why': 'none' cannot go with other answers: " \
                      "give it on its own"


def test_a_repeated_code_counts_once():
    [row] = parse("overall,why\n1,a;a; b\n")
    assert row.answers["why"] == ["a", "b"]


def test_text_too_long_after_cleaning():
    assert problems("overall,comment\n1,abcdefghijk\n") == [
        "row 2, column 'comment': the answer must be 10 characters or fewer; it is 11"]
    assert parse("overall,comment\n1,abcdefghij\x01\n")[0].answers["comment"] == "abcdefghij"


@pytest.mark.parametrize(("value", "message"), [
    ("61", "61 is not from 1 to 60"),
    ("0", "0 is not from 1 to 60"),
    ("2.5", "'2.5' is not a whole number"),
    ("two", "'two' is not a whole number"),
    ("nan", "'nan' is not a whole number"),
])
def test_number_out_of_range_or_not_a_number(value, message):
    assert problems(f"overall,in_unit,unit_care,nights\n1,yes,1,{value}\n") == [
        f"row 2, column 'nights': {message}"]


def test_decimal_numbers_where_the_question_allows_them():
    assert parse("overall,weight\n1,\"3,25\"\n")[0].answers["weight"] == 3.25
    assert problems("overall,weight\n1,7\n") == ["row 2, column 'weight': 7 is not from "
                                                 "0.5 to 6"]
    assert problems("overall,weight\n1,inf\n") == ["row 2, column 'weight': 'inf' is not a "
                                                   "number"]


@pytest.mark.parametrize("day", ["31/03/2026", "2026-02-30", "2026-3-1", "yesterday"])
def test_a_bad_date(day):
    assert problems(f"overall,submitted_on\n1,{day}\n") == [
        f"row 2, column 'submitted_on': '{day}' is not a date written YYYY-MM-DD, "
        "like 2026-03-31"]


def test_a_date_in_the_future():
    assert problems("overall,submitted_on\n1,2026-11-27\n") == [
        "row 2, column 'submitted_on': 2026-11-27 is in the future"]


def test_a_language_the_survey_does_not_offer():
    [problem] = problems("overall,language\n1,xx\n")
    assert problem.startswith("row 2, column 'language': 'xx' is not a language")


def test_a_missing_required_answer():
    assert problems("overall,comment\n,hello\n") == [
        "row 2, column 'overall': an answer is required"]


def test_a_required_question_on_a_page_shown_by_skip_logic():
    assert problems("overall,in_unit\n1,yes\n") == [
        "row 2, column 'unit_care': an answer is required"]
    # …but not when skip logic hides the page.
    assert parse("overall,in_unit\n1,no\n")[0].answers == {"overall": "1", "in_unit": "no"}


def test_a_wrong_answer_and_a_missing_required_one_in_the_same_row():
    assert problems("overall,in_unit,why\n,yes,zz\n") == [
        "row 2, column 'why': 'zz' is not an answer code of this question (codes: a, b, none)",
        "row 2, column 'overall': an answer is required",
        "row 2, column 'unit_care': an answer is required"]
    # A wrong answer is not also reported as missing.
    assert problems("overall\n9\n") == [
        "row 2, column 'overall': '9' is not an answer code of this question "
        "(codes: 1, 2, 3, 4, 5, 6)"]


def test_a_bad_postcode_district():
    assert problems("overall,postcode\n1,B12 9AA\n") == [
        "row 2, column 'postcode': 'B12 9AA' is not the first half of a postcode "
        "(like B12 or SW1A)"]


def test_an_answer_hidden_by_skip_logic_is_dropped():
    [row] = parse("overall,in_unit,unit_care,nights\n1,no,2,4\n")
    assert row.answers == {"overall": "1", "in_unit": "no"}


def test_every_problem_is_listed_with_its_row_and_column():
    found = problems("overall,why,nights,submitted_on\n"
                     "9,a,,\n"
                     "1,a;none,,2026-13-01\n"
                     "1,,,\n"
                     ",,,\n"
                     "2,zz,,\n")
    assert [p.split(":")[0] for p in found] == [
        "row 2, column 'overall'", "row 3, column 'why'", "row 3, column 'submitted_on'",
        "row 6, column 'why'"]


def test_the_list_of_problems_is_capped():
    found = problems("overall\n" + "9\n" * (MAX_PROBLEMS + 50))
    assert len(found) == MAX_PROBLEMS + 1
    assert found[-1] == "… and 50 more problems not listed"


def test_a_row_longer_than_the_header():
    assert problems("overall\n1,2\n") == ["row 2: the row has 2 cells but the header has "
                                          "1 columns"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty"),
    (b"overall\n", "The file has a header but no responses"),
    (b"PK\x03\x04xxxx", "This is a zip file"),
    ("overall\n1\n".encode("utf-16"), "The file is UTF-16 text"),
    (b"overall\n\xff\n", "row 2: This is not UTF-8 text"),
    (b"x" * (MAX_FILE_BYTES + 1), "The file must be 10 MB or smaller"),
])
def test_files_that_are_not_a_utf8_csv(data, message):
    with pytest.raises(ResponsesImportError) as caught:
        parse_responses(data, DEFINITION, today=TODAY)
    assert str(caught.value.problems[0]).startswith(message)


def test_link_and_partner_columns_together_are_refused():
    assert problems("overall,link,partner\n1,abc,Group\n") == [
        "row 1, column 'partner': give either a 'link' column or a 'partner' column, not both"]


def test_the_template_parses_as_a_valid_file():
    header, example = template_rows(DEFINITION)
    assert header == ["overall", "in_unit", "why", "comment", "unit_care", "nights", "weight",
                      "postcode", "language", "submitted_on", "link"]
    assert example[:3] == ["1", "yes", "a;b"]
    [row] = parse_responses(template_csv(DEFINITION).encode(), DEFINITION)
    assert row.answers["overall"] == "1"


def test_check_answer_matches_the_web_rules():
    question = DEFINITION.question("why")
    assert rules.check_answer(question, ["a", "b"]) == (["a", "b"], None)
    assert rules.check_answer(question, ["a", "none"])[1].code == rules.EXCLUSIVE
    assert rules.check_answer(DEFINITION.question("overall"), "")[1].code == rules.REQUIRED
    assert rules.check_answer(DEFINITION.question("nights"), " 7 ") == (7, None)
