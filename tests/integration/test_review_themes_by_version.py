"""The themes on the overview and in the review pack follow the survey-version filter,
as every other figure does: with two versions, each version's themes are its own."""

from __future__ import annotations

import copy
import re
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Survey, SurveyVersion
from surveyapp.population import ETHNIC_GROUP_19
from surveyapp.themes import pipeline, summary
from tests.integration.responses import add_responses
from tests.integration.review_fixture import FIXTURE_TODAY, make_fixture_survey
from tests.integration.staff import sign_in

NOT_LISTENED = "Nobody listened to me when I said I was in pain"


@pytest.fixture
def two_versions(app, demo, monkeypatch):
    """Version 1: the fixture survey (6 Pakistani respondents not listened to).
    Version 2: 7 more Pakistani respondents not listened to, and 5 white British
    respondents who wrote nothing."""
    monkeypatch.setattr("surveyapp.insights.review.today", lambda: FIXTURE_TODAY)
    with app.app_context():
        survey_id = make_fixture_survey()
        survey = db.session.get(Survey, survey_id)
        first = survey.latest_published()
        second = SurveyVersion(survey_id=survey_id, number=first.number + 1,
                               definition=copy.deepcopy(first.definition),
                               published_at=datetime(2026, 10, 2))
        db.session.add(second)
        db.session.commit()
        add_responses(second, 7, {"overall_experience": "4", "ethnic_group": "pakistani",
                                  "what_could_be_better": NOT_LISTENED},
                      submitted_at=datetime(2026, 10, 3, 10))
        add_responses(second, 5, {"overall_experience": "1", "ethnic_group": "white_british"},
                      submitted_at=datetime(2026, 10, 3, 10))
        pipeline.analyse_pending(db.session, survey_id=survey_id)
        db.session.commit()
        return {"survey_id": survey_id, "first": first.id, "second": second.id}


def not_listened(session, survey_id, **filters):
    """The theme the 13 "nobody listened" comments carry, and its count."""
    counts = summary.theme_counts(session, survey_id, **filters)
    everyone = {t.theme_code for t in summary.theme_counts(
        session, survey_id, start=datetime(2026, 10, 3), end=datetime(2026, 10, 4))}
    return {t.theme_code: t.respondents for t in counts if t.theme_code in everyone}


def test_theme_counts_and_group_differences_narrow_to_a_version(app, two_versions):
    survey_id = two_versions["survey_id"]
    with app.app_context():
        session = db.session
        whole = not_listened(session, survey_id)
        first = not_listened(session, survey_id, version_id=two_versions["first"])
        second = not_listened(session, survey_id, version_id=two_versions["second"])
        assert whole and set(whole) == set(second)
        for code in whole:  # the 13 are 6 in version 1 and 7 in version 2
            assert (whole[code], first.get(code), second[code]) == (13, 6, 7), code
        commented = [summary.commented_respondents(session, survey_id, version_id=v)
                     for v in (None, two_versions["first"], two_versions["second"])]
        assert commented[0] == commented[1] + 7 and commented[2] == 7

        def pakistani(**filters):
            cells = summary.group_differences(session, survey_id, ETHNIC_GROUP_19,
                                              **filters)
            return {c.respondents for c in cells if c.group_code == "pakistani"}

        assert pakistani() == {13}
        assert pakistani(version_id=two_versions["first"]) == {6}
        assert pakistani(version_id=two_versions["second"]) == {7}


def raised_by(html: str) -> dict[str, int]:
    """'<theme>: raised by N respondents' sentences of the overview."""
    items = BeautifulSoup(html, "html.parser").select("#themes li")
    found = {}
    for item in items:
        match = re.match(r"(.+): raised by ([\d,]+) respondents", item.get_text(strip=True))
        if match:
            found[match.group(1)] = int(match.group(2).replace(",", ""))
    return found


def pack_table(html: str) -> dict[str, int]:
    table = BeautifulSoup(html, "html.parser").select_one("#themes-table")
    return {row.th.get_text(strip=True): int(row.td.get_text(strip=True).replace(",", ""))
            for row in table.select("tbody tr")} if table else {}


def test_the_overview_and_the_pack_show_each_versions_themes(app, two_versions):
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    survey_id = two_versions["survey_id"]
    with app.app_context():
        labels = {code: info.label for code, info in
                  summary.themes_of_survey(db.session, survey_id).items()}
        codes = not_listened(db.session, survey_id)
    names = {labels[code] for code in codes}
    seen = {}
    for version in ("", two_versions["first"], two_versions["second"]):
        query = f"?version={version}" if version else ""
        overview = raised_by(client.get(f"/insights/surveys/{survey_id}/overview{query}")
                             .get_data(True))
        pack = pack_table(client.get(f"/insights/surveys/{survey_id}/pack{query}")
                          .get_data(True))
        shown = {name: overview.get(name) for name in names}
        assert shown == {name: pack.get(name) for name in names}  # the two agree
        seen[version] = shown
    assert set(seen[""].values()) == {13}
    assert set(seen[two_versions["first"]].values()) == {6}
    assert set(seen[two_versions["second"]].values()) == {7}
    with app.app_context():  # the version filter is one of this survey's own
        assert db.session.scalar(select(SurveyVersion.survey_id).where(
            SurveyVersion.id == two_versions["second"])) == survey_id
