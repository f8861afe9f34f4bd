"""Password rules after NCSC guidance: long enough, not a common password, no
composition rules (no "one capital, one digit, one symbol")."""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 12
MAX_LENGTH = 256
CONTEXT_WORDS = ("surveyapp", "maternity", "password", "midwife", "nhs")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords from real breaches; loaded on first use.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """Why a password is not allowed, in words for the person choosing it, or None."""
    if len(password) < MIN_LENGTH:
        return (f"Password must be {MIN_LENGTH} characters or more. Three random words "
                "together make a good one")
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        return "This password is too common. Choose one that is harder to guess"
    name = email.split("@", 1)[0].lower()
    if (len(name) >= 3 and name in lowered) or any(lowered.startswith(w) and
                                                     lowered.rstrip("0123456789!") == w
                                                     for w in CONTEXT_WORDS):
        return "Do not use your email address or the name of this service in your password"
    stripped = lowered.rstrip("0123456789!?.")
    if stripped in _common_passwords():
        return "This password is too common. Choose one that is harder to guess"
    return None
