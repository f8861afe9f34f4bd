"""The question a comment answers and the Friends and Family Test rating, read from a
survey's wording or a spreadsheet's cells."""

from __future__ import annotations

import pytest

from surveyapp.analysis.evidence import fft_code, question_kind

GOOD = "what_was_good"
BETTER = "what_could_be_better"


@pytest.mark.parametrize("wording, kind", [
    ("what_was_good", GOOD),
    ("what_could_be_better", BETTER),
    ("What was good?", GOOD),
    ("What went well?", GOOD),
    ("What did we do well?", GOOD),
    ("Tell us what was great about your care", GOOD),
    ("What did you like most?", GOOD),
    ("What would you like to praise?", GOOD),
    ("WHAT WAS GOOD ABOUT YOUR CARE", GOOD),
    ("What could have been better?", BETTER),
    ("What could we improve?", BETTER),
    ("Was there anything that could be improved?", BETTER),
    ("What would have made your care better?", BETTER),
    ("What was not so good?", BETTER),
    ("What didn\u2019t go well?", BETTER),
    ("What did you not like?", BETTER),
    ("Is there anything you were unhappy with?", BETTER),
    ("What could we have done differently, or better as well?", BETTER),
    # Both, or neither: no evidence either way.
    ("What went well and what could be better?", None),
    ("Would you like to tell us more?", None),
    ("Is there anything else you'd like to tell us?", None),
    ("Please tell us why you gave your answer", None),
    ("", None),
    (None, None),
])
def test_question_kind(wording, kind):
    assert question_kind(wording) == kind


@pytest.mark.parametrize("value, code", [
    ("1", "1"), (" 2 ", "2"), ("3.0", "3"), (4, "4"), ("5", "5"),
    ("6", None),  # don't know
    ("0", None), ("7", None), ("10", None), ("5.5", None), ("Very good", None),
    ("", None), (None, None), (True, None), ("1 - Very good", None),
])
def test_fft_code(value, code):
    assert fft_code(value) == code
