"""A complete response sent through the survey journey, as a phone would, with its receipt."""

from __future__ import annotations

from flask import Flask

from tests.integration.respondent import Respondent

ANSWERS = {
    "overall_experience": "2",
    "what_was_good": "The midwife on the night shift held my hand the whole time.",
    "what_could_be_better": "Nobody believed me about the pain until it was too late.",
    "treated_differently": "yes",
    "treated_differently_why": ["ethnicity", "language"],
    "ethnic_group": "bangladeshi",
    "age_band": "25_29",
}


def submit_response(app: Flask, code: str, answers: dict | None = None,
                    lang: str | None = None, headers: dict | None = None,
                    remote_addr: str | None = None) -> str:
    """Send one response through link `code` from a fresh phone; return its receipt code."""
    client = app.test_client()
    if remote_addr:
        client.environ_base["REMOTE_ADDR"] = remote_addr
    respondent = Respondent(client, headers=dict(headers or {}))
    respondent.start(code, lang=lang)
    respondent.answer_all(answers or ANSWERS)
    thanks = respondent.submit()
    receipt = thanks.soup.select_one(".app-receipt bdi")
    assert receipt is not None, thanks.text()
    return receipt.get_text(strip=True)
