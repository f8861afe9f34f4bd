"""Admins invite, change and disable users; every change is in the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Role, User
from tests.integration.staff import csrf_from, make_user, partner_named, sign_in


@pytest.fixture
def admin_client(app, demo):
    with app.app_context():
        make_user("admin@example.nhs.uk", Role.ADMIN)
    client = app.test_client()
    sign_in(client, "admin@example.nhs.uk")
    return client


def post_form(client, url, data):
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(True))})


def test_invite_a_partner_user_and_they_choose_a_password(app, admin_client):
    with app.app_context():
        partner_id = partner_named("Polish Community Centre").id
    response = post_form(admin_client, "/admin/users/new", {
        "email": "Ola@Example.org", "role": "partner", "partner_id": str(partner_id),
        "active": "y"})
    assert response.status_code == 200
    link = re.search(r"(/staff/invite/[\w-]+)", response.get_data(True)).group(1)
    visitor = app.test_client()
    page = visitor.get(link)
    visitor.post(link, data={"password": "amber meadow lighthouse",
                             "confirm": "amber meadow lighthouse",
                             "csrf_token": csrf_from(page.get_data(True))})
    assert sign_in(visitor, "ola@example.org", "amber meadow lighthouse").status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ola@example.org"))
        assert user.role == Role.PARTNER and user.partner_id == partner_id


@pytest.mark.parametrize("data,message", [
    ({"email": "admin@example.nhs.uk", "role": "reviewer"}, "already exists"),
    ({"email": "not-an-email", "role": "reviewer"}, "Enter an email address like"),
    ({"email": "p@example.org", "role": "partner", "partner_id": ""}, "Select the partner"),
    ({"email": "p@example.org"}, "Select a role"),
    ({"email": "p@example.org", "role": "superuser"}, "Not a valid choice"),
])
def test_bad_invitations_are_refused_with_a_message(app, admin_client, data, message):
    response = post_form(admin_client, "/admin/users/new", data)
    assert response.status_code == 400
    assert message in response.get_data(True)
    assert "Error:" in response.get_data(True).split("</title>")[0]


def test_disabling_a_user_ends_their_session_and_is_audited(app, admin_client):
    with app.app_context():
        user = make_user("reviewer@example.nhs.uk", Role.REVIEWER)
        user_id = user.id
    reviewer = app.test_client()
    sign_in(reviewer, "reviewer@example.nhs.uk")
    assert reviewer.get("/staff/").status_code == 200
    response = post_form(admin_client, f"/admin/users/{user_id}",
                         {"email": "reviewer@example.nhs.uk", "role": "reviewer"})
    assert response.status_code == 302
    assert reviewer.get("/staff/").status_code == 302
    log = admin_client.get("/admin/audit").get_data(True)
    assert "user_changed" in log and "reviewer@example.nhs.uk" in log
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "user_changed")).one()
        assert event.detail["changed"] == ["active"]


def test_an_admin_cannot_remove_their_own_admin_access(app, admin_client):
    with app.app_context():
        me = db.session.scalar(select(User).where(User.email == "admin@example.nhs.uk")).id
    response = post_form(admin_client, f"/admin/users/{me}",
                         {"email": "admin@example.nhs.uk", "role": "reviewer", "active": "y"})
    assert response.status_code == 400
    assert "cannot remove your own admin access" in response.get_data(True)


def test_unknown_user_id_is_404(admin_client):
    assert admin_client.get("/admin/users/99999").status_code == 404


def test_audit_log_can_be_filtered(app, admin_client):
    page = admin_client.get("/admin/audit?action=login").get_data(True)
    assert "admin@example.nhs.uk" in page
    assert admin_client.get("/admin/audit?action=nothing").get_data(True) \
        .count("Nothing recorded yet") == 1


def test_staff_text_in_user_fields_is_escaped(app, admin_client):
    response = post_form(admin_client, "/admin/users/new", {
        "email": "<script>alert(1)</script>@x.org", "role": "reviewer", "active": "y"})
    assert "<script>alert(1)</script>" not in response.get_data(True)
