"""Helpers for tests of the survey builder: an admin driving it through the test client."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role, Survey, SurveyVersion
from surveyapp.surveys.definition import Definition, from_document
from tests.integration.staff import csrf_from, make_user, sign_in

ADMIN_EMAIL = "builder@example.nhs.uk"


@dataclass
class Admin:
    """A signed-in admin. `post` sends the session's CSRF token unless told not to."""

    client: FlaskClient
    token: str = ""

    def get(self, url: str, status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code,
                                                response.get_data(True)[:2000])
        return BeautifulSoup(response.get_data(True), "html.parser")

    def post(self, url: str, data: dict[str, Any] | None = None,
             csrf: bool = True, **kwargs: Any) -> TestResponse:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.token)
        return self.client.post(url, data=form, **kwargs)

    def upload(self, url: str, content: bytes, filename: str,
               data: dict[str, Any] | None = None) -> TestResponse:
        form = {"csrf_token": self.token, "file": (io.BytesIO(content), filename),
                **(data or {})}
        return self.client.post(url, data=form, content_type="multipart/form-data")


def signed_in_admin(app, client: FlaskClient) -> Admin:
    with app.app_context():
        make_user(ADMIN_EMAIL, Role.ADMIN)
    assert sign_in(client, ADMIN_EMAIL).status_code == 302
    token = csrf_from(client.get("/admin/surveys").get_data(True))
    return Admin(client, token)


def soup_of(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(True), "html.parser")


def error_links(page: BeautifulSoup) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary."""
    return [(a["href"], a.get_text(" ", strip=True))
            for a in page.select(".nhsuk-error-summary__list a")]


def flashes(page: BeautifulSoup) -> list[str]:
    return [p.get_text(" ", strip=True) for p in page.select(".app-flash")]


def versions(app, survey_id: int) -> list[tuple[int, bool, dict]]:
    """(number, published, definition document) of each version, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(SurveyVersion).where(
            SurveyVersion.survey_id == survey_id).order_by(SurveyVersion.number))
        return [(v.number, v.published_at is not None, v.definition) for v in rows]


def draft_definition(app, survey_id: int) -> Definition:
    number, published, document = versions(app, survey_id)[-1]
    assert not published, "the newest version is not a draft"
    return from_document(document)


def survey_row(app, survey_id: int) -> tuple[str, str]:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        return survey.status, survey.title


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if e.action not in ("login", "logout")]
