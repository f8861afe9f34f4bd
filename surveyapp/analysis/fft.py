"""The Friends and Family Test score, computed the way NHS England publishes it.

NHS England publishes the percentage positive and the percentage negative, not a net
score (since October 2014): positive = (very good + good) / all responses to the
question, negative = (poor + very poor) / all responses; "neither good nor poor" and
"don't know" count in the denominator and in neither percentage.
See https://www.england.nhs.uk/fft/calculations/ ("Calculation and Presentation of
Friends and Family Test Data") and NHS England's FFT guidance for the 1-6 codes
(1 very good ... 5 very poor, 6 don't know), which surveyapp's "fft" scale uses.

Plain Python: counts in, percentages out. Small numbers are made safe by the caller's
threshold: with fewer responses than the threshold no percentage is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

POSITIVE = ("1", "2")  # very good, good
NEGATIVE = ("4", "5")  # poor, very poor
ALL_CODES = ("1", "2", "3", "4", "5", "6")  # 6: don't know, in the denominator


@dataclass(frozen=True)
class FftScore:
    responses: int
    positive: float | None  # a share from 0 to 1; None when too few to show
    negative: float | None


def fft_score(counts: Mapping[str, int], threshold: int) -> FftScore:
    """Percentages positive and negative from responses per FFT code."""
    total = sum(counts.get(code, 0) for code in ALL_CODES)
    if total < max(threshold, 1):
        return FftScore(total, None, None)
    positive = sum(counts.get(code, 0) for code in POSITIVE)
    negative = sum(counts.get(code, 0) for code in NEGATIVE)
    return FftScore(total, positive / total, negative / total)


def is_fft_codes(codes: set[str]) -> bool:
    """Whether a rating question's option codes are the FFT scale's."""
    return set(ALL_CODES[:5]) <= codes
