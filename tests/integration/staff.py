"""Helpers for tests of staff pages: users of every role, and signing in through the form."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Partner, Role, Survey, User

PASSWORD = "correct horse battery staple"


def make_user(email: str, role: Role, partner: Partner | None = None,
              surveys: list[Survey] | None = None) -> User:
    user = User(email=email, role=role, partner=partner)
    user.set_password(PASSWORD)
    user.surveys = list(surveys or [])
    db.session.add(user)
    db.session.commit()
    return user


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"email": email, "password": password,
                                             "csrf_token": csrf_from(page.get_data(True))})


def partner_named(name: str) -> Partner:
    return db.session.scalar(select(Partner).where(Partner.name == name))
