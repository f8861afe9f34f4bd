"""Every route × every kind of visitor, built from the app's URL map.

A new route fails here until it is either on the PUBLIC allow-list below (with the
reason anyone may use it) or has a role rule (`roles_required`), and, if its URL
carries an id, a way to make that id below. Each signed-in role must get exactly the
status its rule gives; a partner must never reach another partner's links or
organisation, a reviewer never a survey she was not given, and no id of one survey
(an action, a comment, a new phrase, a theme) may be reached through another survey's
URL. Posts are tried without a CSRF token (refused before the view runs) and, for
everyone who must not act, with a valid one too, so the role and object checks
themselves are what refuses them; nothing changes in the database either way.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from surveyapp.demo import DEMO_SURVEY
from surveyapp.extensions import db
from surveyapp.models import (
    CommentAnalysis,
    DistributionLink,
    EmergingPhrase,
    Partner,
    ReviewAction,
    Role,
    Survey,
    User,
)
from surveyapp.models.partner import new_link_code
from surveyapp.surveys.files import read_survey
from surveyapp.surveys.store import add_version
from surveyapp.themes import pipeline
from surveyapp.themes.summary import PROMOTED_PREFIX
from tests.integration.attacks import changed_tables, table_fingerprint
from tests.integration.responses import add_responses
from tests.integration.staff import csrf_from, make_user, sign_in

# Routes anyone may use, each with the reason. Everything else needs a role rule.
PUBLIC = {
    "static": "CSS, fonts and images; no data",
    "home": "the landing page; no data",
    "healthz": "the load balancer's check; says only whether the database answers",
    "auth.login": "signing in",
    "auth.logout": "signing out (POST, CSRF-checked)",
    "auth.accept_invite": "an invited person sets her password; the secret token is the key",
    "respond.start": "the survey, for anyone with the link code",
    "respond.page": "a page of the survey; her own answers only, kept in her session",
    "respond.check": "her own answers before she sends them",
    "respond.thank_you": "her receipt code, shown once in her own session",
    "respond.easy_read": "the easy-read version of the survey",
    "respond.privacy": "the survey's privacy notice",
    "privacy.erase": "a respondent erases her answers with her receipt code",
    "privacy.erased": "the page saying her answers are gone",
    "yousaid.public_page": "the public \"you said, we did\" page: public wording only",
}
VISITORS = ["anonymous", "partner", "other_partner", "reviewer", "other_reviewer", "admin"]
ROLES = {"partner": Role.PARTNER, "other_partner": Role.PARTNER, "reviewer": Role.REVIEWER,
         "other_reviewer": Role.REVIEWER, "admin": Role.ADMIN}
COMMENT = "The midwife listened to me and was kind, the ward was clean and calm."


def _survey_objects(survey: Survey, link: DistributionLink, phrase: str) -> dict[str, int]:
    """A review action, an analysed comment and a promoted phrase of `survey`."""
    add_responses(survey.latest_published(), 1, {"overall_experience": "1",
                                                 "what_was_good": COMMENT}, link_id=link.id)
    pipeline.analyse_pending(db.session, survey_id=survey.id)
    action = ReviewAction(survey_id=survey.id, about="x", heard="x", change="x", owner="x")
    promoted = EmergingPhrase(survey_id=survey.id, phrase=phrase, respondents=5,
                              promoted=True)
    db.session.add_all([action, promoted])
    db.session.commit()
    analysis = db.session.scalar(select(CommentAnalysis.id).where(
        CommentAnalysis.survey_id == survey.id))
    assert analysis is not None
    return {"action_id": action.id, "analysis_id": analysis, "phrase_id": promoted.id,
            "theme_code": f"{PROMOTED_PREFIX}{promoted.id}"}


@pytest.fixture
def world(app, demo):
    """Two partners with a link each, a reviewer given the demo survey, another reviewer
    given only a second survey, and an admin; each survey with its own action, analysed
    comment and promoted phrase."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        own = db.session.scalar(select(Partner).where(Partner.name == "Polish Community Centre"))
        other = db.session.scalar(select(Partner).where(Partner.name == "Bengali Women's Group"))
        definition = dataclasses.replace(read_survey(DEMO_SURVEY), key="second-survey",
                                         title="Second survey")
        second = add_version(definition).survey
        second_link = DistributionLink(code=new_link_code(), partner=other, survey=second,
                                       label="Second survey, Bengali group")
        db.session.add(second_link)
        db.session.commit()
        make_user("partner@example.org", Role.PARTNER, partner=own)
        make_user("other@example.org", Role.PARTNER, partner=other)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        make_user("stranger@example.nhs.uk", Role.REVIEWER, surveys=[second])
        admin = make_user("admin@example.nhs.uk", Role.ADMIN)
        own_link = db.session.scalar(select(DistributionLink).where(
            DistributionLink.partner_id == own.id, DistributionLink.survey_id == survey.id))
        other_link = db.session.scalar(select(DistributionLink).where(
            DistributionLink.partner_id == other.id, DistributionLink.survey_id == survey.id))
        mine = _survey_objects(survey, own_link, "birth partner chair")
        theirs = _survey_objects(second, second_link, "car park ticket")
        return {
            "survey_id": survey.id, "second_survey_id": second.id,
            "own_partner_id": own.id, "other_partner_id": other.id,
            "own_link_id": own_link.id, "other_link_id": other_link.id,
            "own_link_label": own_link.label, "other_link_label": other_link.label,
            "other_link_code": other_link.code, "admin_id": admin.id,
            **mine, "second": theirs,
            "emails": {"partner": "partner@example.org", "other_partner": "other@example.org",
                       "reviewer": "reviewer@example.nhs.uk",
                       "other_reviewer": "stranger@example.nhs.uk",
                       "admin": "admin@example.nhs.uk"},
        }


# How to fill each URL argument: always with an object belonging to "partner" (her
# organisation, her link) and to the survey "reviewer" was given.
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
    "theme_code": lambda w: w["theme_code"],
    "analysis_id": lambda w: w["analysis_id"],
    "phrase_id": lambda w: w["phrase_id"],
    "action_id": lambda w: w["action_id"],
    "format": lambda w: "xlsx",
}
# Ids that belong to one survey: reached through another survey's URL they must be 404.
SURVEY_OWNED = ("action_id", "analysis_id", "phrase_id", "theme_code")


def staff_endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in PUBLIC:
            yield rule


def test_every_route_is_public_on_purpose_or_has_a_role_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert not set(PUBLIC) - endpoints, "allow-listed routes that no longer exist"
    missing = [rule.endpoint for rule in staff_endpoints(app)
               if not hasattr(app.view_functions[rule.endpoint], "allowed_roles")]
    assert not missing, f"routes without roles_required (or a reason in PUBLIC): {missing}"
    # The newer pages are among those checked (the URL map is not accidentally empty).
    staff = {rule.endpoint for rule in staff_endpoints(app)}
    assert {"insights.overview_page", "insights.explorer", "insights.export_responses",
            "insights.review_pack", "insights.review_pack_pdf", "insights.action_form",
            "insights.themes_overview", "insights.edit_comment_theme",
            "insights.save_translation", "insights.review_phrase",
            "admin.erase_response"} <= staff


def test_public_routes_answer_anyone_without_signing_in(app, world, demo):
    client = app.test_client()
    values = {"code": demo["links"]["en"], "page_key": "about_you", "filename": "dist/main.css",
              "token": "x" * 32, "survey_key": "maternity-experience"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in PUBLIC or "GET" not in rule.methods:
            continue
        url = rule.build({a: values[a] for a in rule.arguments})[1]
        response = client.get(url)
        assert response.status_code < 500, (rule.endpoint, response.status_code)
        assert "/staff/login" not in response.headers.get("Location", ""), rule.endpoint


def url_for_rule(rule, world, **override) -> str:
    values = {}
    for argument in rule.arguments:
        maker = ARGUMENTS.get(argument)
        if maker is None:
            pytest.fail(f"{rule.endpoint}: add how to make '{argument}' to ARGUMENTS")
        values[argument] = override.get(argument, maker(world))
    return rule.build(values)[1]


def expected_status(rule, view, visitor: str) -> set[int]:
    if visitor == "anonymous":
        return {302}  # to the sign-in page
    if ROLES[visitor] not in view.allowed_roles:
        return {403}
    if visitor == "other_partner" and rule.arguments & {"link_id", "partner_id"}:
        return {404}  # another organisation's id: as if it did not exist
    if visitor == "other_reviewer" and "survey_id" in rule.arguments:
        return {404}  # a survey she was not given: as if it did not exist
    return {200, 302, 303, 410}  # a page, a redirect, or a closed link's page


def refused(wanted: set[int]) -> bool:
    return not wanted & {200}


def signed_in_client(app, world, visitor):
    client = app.test_client()
    if visitor != "anonymous":
        assert sign_in(client, world["emails"][visitor]).status_code == 302
    return client


def valid_token(client, visitor) -> str:
    page = client.get("/staff/login" if visitor == "anonymous" else "/staff/")
    return csrf_from(page.get_data(as_text=True))


@pytest.mark.parametrize("visitor", VISITORS)
def test_access_matrix(app, world, visitor):
    client = signed_in_client(app, world, visitor)
    # A partner's filters naming another organisation's link and partner are ignored.
    foreign_filters = {"link": world["other_link_id"], "partner": world["other_partner_id"]}
    checked = 0
    for rule in staff_endpoints(app):
        view = app.view_functions[rule.endpoint]
        url = url_for_rule(rule, world)
        wanted = expected_status(rule, view, visitor)
        if "GET" in rule.methods:
            query = foreign_filters if visitor == "partner" and \
                rule.endpoint.startswith("insights.") else {}
            response = client.get(url, query_string=query)
        else:
            # Without a CSRF token a post must never act: refused (400) or turned away.
            response = client.post(url, data={})
            wanted = {400} if visitor != "anonymous" else {302, 400}
        # Downloads (QR PNGs) are checked too: decode whatever bytes came back.
        body = response.get_data().decode("utf-8", errors="replace")
        assert response.status_code in wanted, (visitor, rule.endpoint, response.status_code)
        if visitor == "partner":
            # Never another organisation's links, even when she asks for them.
            assert world["other_link_code"] not in body, (rule.endpoint, "another's link")
            assert world["other_link_label"] not in body, (rule.endpoint, "another's link")
        if visitor == "other_partner":
            assert world["own_link_label"] not in body, rule.endpoint
        if response.status_code == 200 and rule.endpoint.startswith("insights."):
            # Lists of surveys: never one she cannot open (the partner has no link in
            # the second survey; the other reviewer was given only that one).
            hidden = {"other_reviewer": world["survey_id"],
                      "partner": world["second_survey_id"]}.get(visitor)
            if hidden is not None:
                assert f"/insights/surveys/{hidden}/" not in body, rule.endpoint
        checked += 1
    assert checked > 60
    if visitor == "partner":  # her list of links, asked for another organisation's
        assert client.get("/partners/", query_string={
            "partner": world["other_partner_id"]}).status_code == 404


@pytest.mark.parametrize("visitor", VISITORS)
def test_posts_with_a_valid_token_by_someone_who_must_not_act_are_refused(app, world,
                                                                          visitor):
    """The CSRF check is not what stops them: with a good token the role and object
    checks still refuse, and not a row changes."""
    client = signed_in_client(app, world, visitor)
    token = valid_token(client, visitor)
    with app.app_context():
        before = table_fingerprint()
    tried = 0
    for rule in staff_endpoints(app):
        if "POST" not in rule.methods:
            continue
        view = app.view_functions[rule.endpoint]
        wanted = expected_status(rule, view, visitor)
        if not refused(wanted):
            continue
        response = client.post(url_for_rule(rule, world),
                               data={"csrf_token": token, "action": "remove",
                                     "theme": "listened_to", "translation": "Hello",
                                     "about": "x", "heard": "x", "change": "x", "owner": "x",
                                     "status": "planned", "about_kind": "theme",
                                     "role": "admin", "email": "new@example.org"})
        assert response.status_code in wanted, (visitor, rule.endpoint, response.status_code)
        tried += 1
    with app.app_context():
        assert changed_tables(before, table_fingerprint()) in ([], ["audit_event"])
    if visitor != "admin":
        assert tried > 0


@pytest.mark.parametrize("visitor", ["reviewer", "admin"])
def test_ids_of_another_survey_are_not_found_through_this_surveys_urls(app, world, visitor):
    """An action, a comment, a new phrase or a promoted theme of the second survey, put in
    a URL of the demo survey, is as if it did not exist, even for an admin who may see
    both surveys, and even with a valid token."""
    client = signed_in_client(app, world, visitor)
    token = valid_token(client, visitor)
    with app.app_context():
        before = table_fingerprint()
    tried = set()
    for rule in staff_endpoints(app):
        owned = [a for a in rule.arguments if a in SURVEY_OWNED]
        if not owned or "survey_id" not in rule.arguments:
            continue
        url = url_for_rule(rule, world, **{a: world["second"][a] for a in owned})
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={
                    "csrf_token": token, "action": "promote", "theme": "listened_to",
                    "sentiment": "negative", "translation": "Hello", "about": "x",
                    "heard": "x", "change": "x", "owner": "x", "status": "planned",
                    "about_kind": "theme"})
            assert response.status_code == 404, (visitor, rule.endpoint, method,
                                                  response.status_code)
        tried.add(rule.endpoint)
    assert {"insights.action_form", "insights.edit_comment_theme", "insights.save_translation",
            "insights.review_phrase", "insights.theme_page"} <= tried
    with app.app_context():
        assert changed_tables(before, table_fingerprint()) in ([], ["audit_event"])
        second_action = db.session.get(ReviewAction, world["second"]["action_id"])
        assert second_action.survey_id == world["second_survey_id"]


def test_a_reviewer_reaches_only_the_surveys_she_was_given(app, world):
    """Her own survey's pages answer; the other survey's, by id, are 404 (both ways)."""
    for email, mine, theirs in (
            ("reviewer@example.nhs.uk", world["survey_id"], world["second_survey_id"]),
            ("stranger@example.nhs.uk", world["second_survey_id"], world["survey_id"])):
        client = app.test_client()
        sign_in(client, email)
        for page in ("overview", "responses", "responses.csv", "pack", "actions", "themes",
                     "themes/by-group", "themes/new", "translations", "representation",
                     "representation.csv", "themes/comments.csv"):
            assert client.get(f"/insights/surveys/{mine}/{page}").status_code == 200, page
            assert client.get(f"/insights/surveys/{theirs}/{page}").status_code == 404, page


def test_a_user_cannot_act_on_other_users_without_admin(app, world):
    client = app.test_client()
    sign_in(client, world["emails"]["reviewer"])
    assert client.get(f"/admin/users/{world['admin_id']}").status_code == 403
    with app.app_context():
        assert db.session.get(User, world["admin_id"]).role == Role.ADMIN
