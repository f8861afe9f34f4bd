"""Helpers for tests of staff pages: users of every role, and signing in through the form."""

from __future__ import annotations

import re
from unittest import mock

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from surveyapp.extensions import db
from surveyapp.models import Partner, Role, Survey, User

PASSWORD = "correct horse battery staple"
# scrypt (werkzeug's default) takes a seventh of a second on purpose, and most app tests
# make several users: PASSWORD is hashed once a session and the users share that real hash.
_password_hash: list[str] = []


def _hash_password(password: str, *args, **kwargs) -> str:
    if password != PASSWORD or args or kwargs:
        return generate_password_hash(password, *args, **kwargs)
    if not _password_hash:
        _password_hash.append(generate_password_hash(PASSWORD))
    return _password_hash[0]


def make_user(email: str, role: Role, partner: Partner | None = None,
              surveys: list[Survey] | None = None) -> User:
    user = User(email=email, role=role, partner=partner)
    with mock.patch("surveyapp.models.user.generate_password_hash", _hash_password):
        user.set_password(PASSWORD)  # the model's own code, with the hash made once
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
