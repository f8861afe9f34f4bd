"""Every English page of the journey stays easy to read (Flesch reading ease 70+).

The walk and the scoring are bench/readability.py's (which prints the figures); this test
holds the floor so a hard sentence added to the survey or the interface fails `make test`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from surveyapp.analysis.readability import EASY_TO_READ, reading_ease
from surveyapp.demo import seed_demo
from surveyapp.extensions import db

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import readability as bench  # noqa: E402


def test_reading_ease_works_offline_and_tells_hard_from_easy():
    easy = "We want to hear about your care. It takes ten minutes. You can stop at any time."
    hard = ("Notwithstanding organisational considerations, respondents' anonymised "
            "contributions facilitate comprehensive multidisciplinary evaluation.")
    assert reading_ease(easy) >= EASY_TO_READ > reading_ease(hard)


def test_every_english_page_reads_at_70_or_more(app):
    with app.app_context():
        _survey, links, _new = seed_demo()
        code = next(link.code for link in links if link.default_language == "en")
        db.session.remove()
    rows = bench.walk(app, code)
    pages = {page for page, *_ in rows}
    assert {"start (consent)", "about_you", "check answers", "thank you", "privacy",
            "easy-read"} <= pages
    hard = {page: round(own, 1) for page, _every, own, _words in rows if own < EASY_TO_READ}
    assert not hard, hard
