"""Fixtures for tests that drive the app through its test client."""

from __future__ import annotations

import pytest

from surveyapp.demo import seed_demo
from surveyapp.extensions import db
from tests.integration.respondent import Respondent
from tests.integration.review_fixture import FIXTURE_TODAY, make_fixture_survey
from tests.integration.staff import sign_in


@pytest.fixture
def demo(app):
    """The demo survey with its links, keyed by the link's default language."""
    with app.app_context():
        survey, links, _ = seed_demo()
        by_language: dict[str, str] = {}
        for link in links:
            by_language.setdefault(link.default_language or "any", link.code)
        codes = {"survey_id": survey.id, "links": by_language,
                 "all_links": [link.code for link in links]}
        db.session.remove()
    return codes


@pytest.fixture
def respondent(client):
    return Respondent(client)


# The review pack's fixture survey (tests/integration/review_fixture.py), for the test
# modules about the overview and exports (test_review_pack.py adds actions to its own).


@pytest.fixture
def fixture_survey(app, demo, monkeypatch) -> int:
    monkeypatch.setattr("surveyapp.insights.review.today", lambda: FIXTURE_TODAY)
    with app.app_context():
        return make_fixture_survey()


@pytest.fixture
def reviewer(app, fixture_survey):
    """A test client signed in as the fixture survey's reviewer."""
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    return client
