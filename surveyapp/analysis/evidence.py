"""What else, beside the words, tells us how a comment is meant: the question it answers
and the respondent's Friends and Family Test rating.

Plain Python (no Flask, no database). :func:`surveyapp.analysis.themes.analyse` takes the
question as ``"what_was_good"`` or ``"what_could_be_better"`` and the rating as an FFT code;
these helpers turn a survey's question key or wording, or a spreadsheet's cells, into those.
"""

from __future__ import annotations

import re

from surveyapp.analysis.themes import BETTER_QUESTION, GOOD_QUESTION

FFT_CODES = ("1", "2", "3", "4", "5")  # very good ... very poor; "6" (don't know) is no evidence

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "_": " ", "-": " "})

# "What could have been better?", "How could we improve?", "What would have made your
# care better?", "What was not so good?", "Anything we should do differently?"
_BETTER = re.compile(
    r"\b(?:better|improve\w*|improvements?|differently|change\w*|"
    r"(?:not|wasn't|weren't|isn't) (?:so |very |that |as )?(?:good|well)|"
    r"went wrong|go wrong|(?:did not|didn't) go (?:so |very )?well|bad|worse|poor|"
    r"disappoint\w*|less good|negative|complain\w*|concerns?|wrong|unhappy|"
    r"(?:not|didn't|did not|don't|do not) (?:like|enjoy)\w*)\b"
)
# "What was good?", "What went well?", "What did we do well?", "What did you like?",
# "Is there anything you would like to praise?", "Tell us what was great about your care"
_GOOD = re.compile(
    r"\b(?:good|(?<!as )well|great|best|positive|liked?|enjoy\w*|praise|compliments?|"
    r"pleased|happy with|thank\w*|excellent|helpful)\b"
)
# "Would you like to tell us more?" asks for nothing good or bad.
_POLITE = re.compile(r"(?:\bwould|'d)(?: you| we)? like to\b")


def question_kind(wording: str | None) -> str | None:
    """``"what_was_good"`` or ``"what_could_be_better"`` for a question's key or wording
    that clearly asks one of them; None for anything else (including questions that ask
    both, "What went well and what could be better?")."""
    if not wording:
        return None
    text = _POLITE.sub(" ", " ".join(wording.translate(_APOSTROPHES).lower().split()))
    better = bool(_BETTER.search(text))
    # "not so good" and "did not go well" are the better-style question, not praise.
    good = bool(_GOOD.search(_BETTER.sub(" ", text)))
    if better and not good:
        return BETTER_QUESTION
    if good and not better:
        return GOOD_QUESTION
    return None


_NUMBER = re.compile(r"^\s*([1-5])(?:\.0+)?\s*$")


def fft_code(value: object) -> str | None:
    """The Friends and Family Test code "1" (very good) to "5" (very poor) in ``value``
    ("2", " 2 ", "2.0", 2), or None for anything else ("6" don't know, blanks, words)."""
    if value is None or isinstance(value, bool):
        return None
    match = _NUMBER.match(str(value))
    return match.group(1) if match else None
