"""The rules an answer must meet, shared by the web form and the response import.

Plain Python: no Flask, no database. Each check takes a question and what was given, and
returns (value to store, problem or None). A problem is a code and its parameters, not a
sentence: surveyapp.respond.forms turns it into a message in the respondent's language,
and surveyapp.surveys.responses_import into a message for the person importing a file.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from surveyapp.demographics import normalise_postcode_district, postcode_district_is_valid
from surveyapp.surveys.definition import Question

# Control characters other than tab and newline (NUL included) are removed from free text:
# she cannot see them, so asking her to remove them would only stop her.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")

# Problem codes.
REQUIRED = "required"
UNKNOWN_OPTION = "unknown_option"
EXCLUSIVE = "exclusive"
POSTCODE = "postcode_district"
TOO_LONG = "too_long"
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True)
class AnswerProblem:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    # Whether the other checks of the field still run (a range error is not final).
    final: bool = True


def clean_text(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _CONTROL.sub("", value).strip()
    return value or None


def parse_number(raw: str) -> float | None:
    """A number as she typed it ("2", "2.5" or "2,5"), or None if it is not one."""
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def is_empty(value: Any, raw: str = "") -> bool:
    return value in (None, "", []) and not raw


def check_required(question: Question, value: Any, raw: str = "") -> AnswerProblem | None:
    if question.required and is_empty(value, raw):
        return AnswerProblem(REQUIRED, {"choice": question.is_choice})
    return None


def check_choice(question: Question, value: str | list[str] | None
                 ) -> tuple[Any, AnswerProblem | None]:
    """Codes must be on the list; an exclusive option ("prefer not to say") stands alone.
    A repeated code in a multiple choice counts once."""
    chosen = value if isinstance(value, list) else [value]
    chosen = [c for c in chosen if c is not None]
    codes = {o.code for o in question.options}
    if any(code not in codes for code in chosen):
        return value, AnswerProblem(UNKNOWN_OPTION, {
            "codes": [c for c in chosen if c not in codes]})
    if isinstance(value, list) and len(chosen) != len(set(chosen)):
        value = list(dict.fromkeys(chosen))
    exclusive = {o.code for o in question.options if o.exclusive}
    if len(set(chosen)) > 1 and exclusive & set(chosen):
        return value, AnswerProblem(EXCLUSIVE, {"codes": sorted(exclusive & set(chosen))})
    return value, None


def check_text(question: Question, value: str | None) -> tuple[str | None, AnswerProblem | None]:
    """`value` is already cleaned (clean_text)."""
    if value is None:
        return None, None
    if question.pattern == "postcode_district":
        if not postcode_district_is_valid(value):
            return value, AnswerProblem(POSTCODE)
        return normalise_postcode_district(value), None
    if len(value) > question.max_length:
        return value, AnswerProblem(TOO_LONG, {"limit": question.max_length,
                                               "length": len(value)})
    return value, None


def check_number(question: Question, raw: str, number: float | None
                 ) -> tuple[float | int | None, AnswerProblem | None]:
    """`raw` is what she typed (cleaned), `number` its parse_number()."""
    if not raw:
        return None, None
    if number is None or (question.integer and not float(number).is_integer()):
        return number, AnswerProblem(NOT_A_NUMBER, {"integer": question.integer})
    low = question.minimum if question.minimum is not None else float("-inf")
    high = question.maximum if question.maximum is not None else float("inf")
    if not low <= number <= high:
        return number, AnswerProblem(OUT_OF_RANGE, {"minimum": question.minimum,
                                                    "maximum": question.maximum},
                                     final=False)
    return (int(number) if question.integer else number), None


def check_answer(question: Question, raw: str | list[str] | None
                 ) -> tuple[Any, AnswerProblem | None]:
    """What a web form would store for `raw` (a code, a list of codes for a multiple
    choice, or the text typed), or the first problem, checked in the web form's order."""
    if question.is_choice:
        if question.type == "multiple":
            value: Any = [c for c in (raw if isinstance(raw, list) else [raw] if raw else [])
                          if c != ""]
        else:
            value = raw[0] if isinstance(raw, list) and raw else raw
            value = value if value != "" else None
        problem = check_required(question, value)
        if problem:
            return None, problem
        value, problem = check_choice(question, value)
        return (None if problem else value or None), problem
    text = raw[0] if isinstance(raw, list) else raw
    if question.type == "number":
        typed = clean_text(text) or ""
        number = parse_number(typed) if typed else None
        problem = check_required(question, number, typed)
        if problem:
            return None, problem
        value, problem = check_number(question, typed, number)
        return (None if problem else value), problem
    cleaned = clean_text(text)
    problem = check_required(question, cleaned)
    if problem:
        return None, problem
    value, problem = check_text(question, cleaned)
    return (None if problem else value), problem
