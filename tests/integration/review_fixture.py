"""A fixture survey for the review pack, small enough to count by hand.

50 responses on 1 October 2026 to the demo survey:

| how many | link | language | FFT code | ethnic group | way in |
|---|---|---|---|---|---|
| 20 | en | en | 1 very good | white_british | web |
| 10 | en | en | 2 good | white_british | web |
| 6 | ur | ur | 4 poor | pakistani | web |
| 4 | pl | pl | 6 don't know | (none) | web |
| 2 | bn | bn | 5 very poor | bangladeshi | web |
| 8 | none | en | 3 neither | white_british | paper |

FFT (NHS England): positive (1 + 2) 30 / 50 = 60%; negative (4 + 5) 8 / 50 = 16%.
Languages: en 38, ur 6, pl 4 and bn 2 (both under 5, hidden). Paper 8, online 42.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from surveyapp.extensions import db
from surveyapp.models import DistributionLink, PopulationBenchmark, Response, Role, Survey
from surveyapp.themes import pipeline
from tests.integration.responses import add_responses
from tests.integration.staff import make_user

FIXTURE_TODAY = date(2026, 10, 15)
EXPECTED = {"responses": 50, "this_month": 50, "fft_positive": "60%", "fft_negative": "16%",
            "paper": 8, "online": 42, "en": 38, "ur": 6}


def make_fixture_survey(analyse: bool = False) -> int:
    survey = db.session.scalar(select(Survey))
    for benchmark in list(db.session.scalars(select(PopulationBenchmark))):
        benchmark.surveys = []
    version = survey.latest_published()
    links = {link.default_language: link.id for link in
             db.session.scalars(select(DistributionLink))}
    add_responses(version, 20, {"overall_experience": "1", "ethnic_group": "white_british",
                                "what_was_good": "The midwife called Sarah was kind, my "
                                                 "number is 07700900123"},
                  link_id=links["en"])
    add_responses(version, 10, {"overall_experience": "2", "ethnic_group": "white_british",
                                "what_was_good": "=HYPERLINK(\"http://x\")"},
                  link_id=links["en"])
    add_responses(version, 6, {"overall_experience": "4", "ethnic_group": "pakistani",
                               "what_could_be_better": "Nobody listened to me when I said "
                                                       "I was in pain"},
                  link_id=links["ur"], language="ur")
    add_responses(version, 4, {"overall_experience": "6"}, link_id=links["pl"], language="pl")
    add_responses(version, 2, {"overall_experience": "5", "ethnic_group": "bangladeshi"},
                  link_id=links["bn"], language="bn")
    add_responses(version, 8, {"overall_experience": "3", "ethnic_group": "white_british"})
    db.session.execute(update(Response).where(Response.link_id.is_(None))
                       .values(source="paper"))
    make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
    db.session.commit()
    if analyse:
        pipeline.analyse_pending(db.session, survey_id=survey.id)
        db.session.commit()
    return survey.id
