"""Every staff route × every kind of visitor, built from the app's URL map.

A new route fails here until it has a role rule (`roles_required`) and, if its URL
carries an id, a way to make that id below. Each signed-in role must get exactly the
status its rule gives, and a partner must never see another partner's data.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Partner, ReviewAction, Role, Survey, User
from tests.integration.staff import make_user, sign_in

# Routes anyone may use: the respondent journey and signing in.
PUBLIC = {"static", "home", "healthz", "auth.login", "auth.logout", "auth.accept_invite"}
PUBLIC_PREFIXES = ("respond.", "privacy.", "yousaid.")  # privacy: her erasure page
# (receipt code); yousaid: the public "you said, we did" page
VISITORS = ["anonymous", "partner", "other_partner", "reviewer", "admin"]


@pytest.fixture
def world(app, demo):
    """Two partners with a link each, a reviewer given the demo survey, and an admin."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        own = db.session.scalar(select(Partner).where(Partner.name == "Polish Community Centre"))
        other = db.session.scalar(select(Partner).where(Partner.name == "Bengali Women's Group"))
        make_user("partner@example.org", Role.PARTNER, partner=own)
        make_user("other@example.org", Role.PARTNER, partner=other)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        admin = make_user("admin@example.nhs.uk", Role.ADMIN)
        action = ReviewAction(survey_id=survey.id, about="x", heard="x", change="x",
                              owner="x")
        db.session.add(action)
        db.session.commit()
        own_link = db.session.scalar(select(DistributionLink)
                                     .where(DistributionLink.partner_id == own.id))
        other_link = db.session.scalar(select(DistributionLink)
                                       .where(DistributionLink.partner_id == other.id))
        return {
            "survey_id": survey.id, "own_partner_id": own.id, "own_link_id": own_link.id,
            "own_link_label": own_link.label, "other_link_label": other_link.label,
            "other_link_code": other_link.code, "admin_id": admin.id,
            "action_id": action.id,
            "emails": {"partner": "partner@example.org", "other_partner": "other@example.org",
                       "reviewer": "reviewer@example.nhs.uk", "admin": "admin@example.nhs.uk"},
        }


# How to fill each URL argument: always with an object belonging to "partner".
ARGUMENTS = {
    "link_id": lambda w: w["own_link_id"],
    "partner_id": lambda w: w["own_partner_id"],
    "survey_id": lambda w: w["survey_id"],
    "user_id": lambda w: w["admin_id"],
    "number": lambda w: 1,
    "page_key": lambda w: "overall",
    "question_key": lambda w: "treated_differently_why",
    "code": lambda w: "ethnicity",
    "locale": lambda w: "pl",
    "theme_code": lambda w: "listened_to",
    "analysis_id": lambda w: 1,
    "phrase_id": lambda w: 1,
    "action_id": lambda w: w["action_id"],
    "format": lambda w: "xlsx",
}


def staff_endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        yield rule


def test_every_staff_route_has_a_role_rule(app):
    missing = [rule.endpoint for rule in staff_endpoints(app)
               if not hasattr(app.view_functions[rule.endpoint], "allowed_roles")]
    assert not missing, f"routes without roles_required: {missing}"


def url_for_rule(rule, world) -> str | None:
    values = {}
    for argument in rule.arguments:
        maker = ARGUMENTS.get(argument)
        if maker is None:
            pytest.fail(f"{rule.endpoint}: add how to make '{argument}' to ARGUMENTS")
        values[argument] = maker(world)
    return rule.build(values)[1]


def expected_status(rule, view, visitor: str) -> set[int]:
    if visitor == "anonymous":
        return {302}  # to the sign-in page
    role = {"partner": Role.PARTNER, "other_partner": Role.PARTNER,
            "reviewer": Role.REVIEWER, "admin": Role.ADMIN}[visitor]
    if role not in view.allowed_roles:
        return {403}
    if visitor == "other_partner" and rule.arguments & {"link_id", "partner_id"}:
        return {404}  # another organisation's id: as if it did not exist
    return {200, 302, 303}  # a page, or a redirect (e.g. "make a draft first")


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(app, world, visitor):
    client = app.test_client()
    if visitor != "anonymous":
        assert sign_in(client, world["emails"][visitor]).status_code == 302
    checked = 0
    for rule in staff_endpoints(app):
        view = app.view_functions[rule.endpoint]
        url = url_for_rule(rule, world)
        wanted = expected_status(rule, view, visitor)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            # Without a CSRF token a post must never act: refused (400) or turned away.
            response = client.post(url, data={})
            wanted = wanted | {400} if visitor != "anonymous" else {302, 400}
        # Downloads (QR PNGs) are checked too: decode whatever bytes came back.
        body = response.get_data().decode("utf-8", errors="replace")
        assert response.status_code in wanted, (visitor, rule.endpoint, response.status_code)
        if visitor in ("partner", "other_partner"):
            # Never another organisation's links, and never a respondent's words.
            foreign = world["other_link_code"] if visitor == "partner" else None
            if foreign:
                assert foreign not in body, (rule.endpoint, "shows another partner's link")
        if visitor == "other_partner":
            assert world["own_link_label"] not in body, rule.endpoint
        checked += 1
    assert checked >= 1


def test_a_user_cannot_act_on_other_users_without_admin(app, world):
    client = app.test_client()
    sign_in(client, world["emails"]["reviewer"])
    assert client.get(f"/admin/users/{world['admin_id']}").status_code == 403
    with app.app_context():
        assert db.session.get(User, world["admin_id"]).role == Role.ADMIN
