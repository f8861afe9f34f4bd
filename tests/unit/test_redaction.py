"""Personal details are removed from free text before anyone reads it."""

from __future__ import annotations

import pytest

from surveyapp.analysis.redaction import REMOVED, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My midwife Sarah was lovely.", "My midwife [removed] was lovely."),
        ("my husband Ahmed Khan stayed all night", "my husband [removed] stayed all night"),
        ("Our consultant, Dr Patel, explained it.", "Our consultant, Dr [removed], explained it."),
        ("my mum Grace came in", "my mum [removed] came in"),
        ("My partner was called Tom", "My partner was called [removed]"),
        ("A nurse called Jo helped me", "A nurse called [removed] helped me"),
        ("my sister Aisha's advice", "my sister [removed]'s advice"),
        ("Dr. Okafor was brilliant", "Dr. [removed] was brilliant"),
        ("Thanks to Mrs Begum on ward 4", "Thanks to Mrs [removed] on ward 4"),
    ],
)
def test_names_after_a_role_or_title(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "My midwife The best ever",  # not a name
        "my partner and I were scared",
        "My midwife was lovely",
        "The midwife I saw was kind",
        "Sarah was lovely",  # no cue: a known limit
    ],
)
def test_ordinary_words_after_a_role_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "number",
    ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0)20 7946 0018",
     "020 7946 0018", "0121-496-0000", "(0121) 496 0000", "01632 960001"],
)
def test_uk_phone_numbers(number: str) -> None:
    assert redact(f"ring me on {number} please") == f"ring me on {REMOVED} please"


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919"])
def test_nhs_numbers(number: str) -> None:
    assert redact(f"NHS no. {number}.") == f"NHS no. {REMOVED}."


def test_emails() -> None:
    assert redact("email jo.bloggs+mat@example.nhs.uk now") == f"email {REMOVED} now"


@pytest.mark.parametrize("postcode", ["B15 2TT", "SW1A 1AA", "sw1a1aa", "M1 1AE", "LS6 3HN"])
def test_full_postcodes(postcode: str) -> None:
    assert redact(f"I live at {postcode}, near the hospital") == (
        f"I live at {REMOVED}, near the hospital"
    )


@pytest.mark.parametrize(
    "date",
    ["12/03/1990", "12.3.90", "1990-03-12", "12 March 1990", "12th of March 1990",
     "March 12th, 1990", "3 Sept 2024"],
)
def test_dates_with_a_year(date: str) -> None:
    assert redact(f"DOB {date} thanks") == f"DOB {REMOVED} thanks"


def test_birthdays_without_a_year() -> None:
    assert redact("baby born on 3rd June at night") == f"baby born on {REMOVED} at night"


@pytest.mark.parametrize(
    "text",
    [
        "I was 39 weeks, 3 cm dilated, after 12 hours of labour in 2023.",
        "Waited 2 hours at 10.30, room 12, baby was 3.4 kg, 1 in 10 women.",
        "Ward 4 at 3am, 5 stars, 24/7 care, 2 to 3 days.",
        "The MW gave me 500mg paracetamol.",
    ],
)
def test_clinical_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


def test_several_at_once() -> None:
    text = ("My midwife Sarah said ring 07700 900123. I'm at B15 2TT, "
            "my DOB is 01/02/1995, email a@b.com")
    out = redact(text)
    assert out.count(REMOVED) == 5
    for secret in ("Sarah", "07700", "B15", "1995", "a@b.com"):
        assert secret not in out
