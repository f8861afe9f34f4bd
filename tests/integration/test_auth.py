"""Staff sign-in: passwords, lockout, rate limits, invitations, idle expiry, audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from surveyapp.auth.passwords import password_problem
from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role, User
from tests.integration.staff import PASSWORD, csrf_from, make_user, sign_in


@pytest.fixture
def admin(app):
    with app.app_context():
        return make_user("admin@example.nhs.uk", Role.ADMIN).email


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_and_out(app, client, admin):
    response = sign_in(client, admin)
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/")
    home = client.get("/staff/")
    assert home.status_code == 200 and admin in home.get_data(True)
    token = csrf_from(home.get_data(True))
    client.post("/staff/logout", data={"csrf_token": token})
    assert client.get("/staff/").status_code == 302
    assert audit_actions(app) == ["login", "logout"]


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(app, client, admin):
    wrong = sign_in(client, admin, "not the password at all")
    unknown = sign_in(client, "nobody@example.nhs.uk", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "The email address or password is not right" in response.get_data(True)
    assert audit_actions(app) == ["login_failed", "login_failed"]


def test_account_locks_after_five_wrong_passwords(app, client, admin):
    for _ in range(5):
        sign_in(client, admin, "wrong password entirely")
    locked = sign_in(client, admin)  # even the right password is refused while locked
    assert locked.status_code == 400
    assert "locked for 15 minutes" in locked.get_data(True)
    assert "login_refused_locked" in audit_actions(app)


def test_login_is_rate_limited(app, client, admin):
    statuses = [sign_in(client, f"user{i}@example.nhs.uk", "wrong password entirely")
                .status_code for i in range(12)]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]


def test_sessions_end_after_being_idle(app, client, admin, monkeypatch):
    sign_in(client, admin)
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] -= 31 * 60
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_changing_the_password_ends_other_sessions(app, client, admin):
    sign_in(client, admin)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == admin))
        user.set_password("a whole new long passphrase")
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_disabled_user_cannot_sign_in_or_stay_signed_in(app, client, admin):
    sign_in(client, admin)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == admin))
        user.active = False
        db.session.commit()
    assert client.get("/staff/").status_code == 302
    assert sign_in(client, admin).status_code == 400


def test_forged_login_without_csrf_token_is_refused(app, client, admin):
    response = client.post("/staff/login", data={"email": admin, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_next_only_redirects_within_the_site(app, client, admin):
    page = client.get("/staff/login?next=//evil.example/")
    response = client.post("/staff/login?next=//evil.example/", data={
        "email": admin, "password": PASSWORD, "csrf_token": csrf_from(page.get_data(True))})
    assert response.headers["Location"].endswith("/staff/")


@pytest.mark.parametrize("password,problem", [
    ("short", "12 characters or more"),
    ("password1234", "too common"),
    ("qwertyuiop123", "too common"),
    ("aaaaaaaaaaaaaaaa", "too common"),
    ("jane.smith.is.here", "email address"),
    ("x" * 257, "256 characters or fewer"),
])
def test_password_rules_follow_ncsc_guidance(password, problem):
    assert problem in password_problem(password, "jane.smith@example.nhs.uk")


def test_a_long_passphrase_without_symbols_is_fine():
    assert password_problem("purple kettle harbour", "jane@example.nhs.uk") is None


def test_create_user_command_and_invitation(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "New.Reviewer@example.nhs.uk",
                                 "--role", "reviewer"])
    assert result.exit_code == 0, result.output
    link = re.search(r"(/staff/invite/\S+)", result.output).group(1)
    duplicate = runner.invoke(args=["create-user", "new.reviewer@example.nhs.uk",
                                    "--role", "admin"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    page = client.get(link)
    assert page.status_code == 200
    weak = client.post(link, data={"password": "password", "confirm": "password",
                                   "csrf_token": csrf_from(page.get_data(True))})
    assert weak.status_code == 400 and "12 characters or more" in weak.get_data(True)
    done = client.post(link, data={"password": "river stone lantern", "confirm":
                                   "river stone lantern",
                                   "csrf_token": csrf_from(page.get_data(True))})
    assert done.status_code == 302
    assert client.get(link).status_code == 404  # one time only
    assert sign_in(client, "new.reviewer@example.nhs.uk", "river stone lantern") \
        .status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.reviewer@example.nhs.uk"))
        assert user.password_hash.startswith("scrypt:")


def test_create_partner_user_needs_a_known_partner(app, demo):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["create-user", "p@example.org", "--role", "partner"])
    assert missing.exit_code != 0 and "needs --partner" in missing.output
    unknown = runner.invoke(args=["create-user", "p@example.org", "--role", "partner",
                                  "--partner", "Nobody"])
    assert unknown.exit_code != 0
    ok = runner.invoke(args=["create-user", "p@example.org", "--role", "partner",
                             "--partner", "Polish Community Centre",
                             "--password", "three random words here"])
    assert ok.exit_code == 0, ok.output
