"""Fixtures for tests that drive the app through its test client."""

from __future__ import annotations

import pytest

from surveyapp.demo import seed_demo
from surveyapp.extensions import db
from tests.integration.respondent import Respondent


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
