"""The small-number threshold holds on every staff page and export, walked from the URL map.

The fixture has two small groups (under SMALL_NUMBER_THRESHOLD): respondents who came
through the Bengali group's link, answered in Bengali and are Bangladeshi, and
respondents who came through the Somali group's link, answered in Somali and are Indian
(both Asian, so the five-group figures do not move). Every GET route with a role rule
is rendered (with the filters reviewers and partners use), then one respondent is moved
from one small group to the other, and every page and export is rendered again.

* Pages and exports of figures must not change at all: a figure that did would give a
  small group's own count (3 then 2) away. The same walk with the threshold set to 1
  does see the change, so the comparison can see a leak.
* Row-level pages (the responses explorer, the de-identified and coded-comment exports,
  a theme's quotes) show individual responses by design; narrowed by any filter to a
  small group they must show none of them.

A new GET route is walked as soon as it exists; one that shows rows must be named in
ROW_LEVEL (with the filters it understands), or it is held to "must not change".
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import (
    CommentTheme,
    DistributionLink,
    Partner,
    Response,
    ReviewAction,
    Role,
    Survey,
)
from surveyapp.privacy.erasure import delete_responses
from surveyapp.themes import pipeline
from tests.integration.responses import add_responses
from tests.integration.staff import make_user, sign_in

WHEN = datetime(2026, 10, 1, 10)
SMALL_COMMENT = "Nobody listened to me when I said I was in pain on the ward at night."
BIG = [  # (link language, response language, ethnic group, how many, FFT, comment key, text)
    ("en", "en", "white_british", 30, "1", "what_was_good", "The midwife was lovely and kind."),
    ("ur", "ur", "pakistani", 12, "2", "what_was_good", "The food was good and hot."),
]
SMALL_A = ("bn", "bn", "bangladeshi")
SMALL_B = ("so", "so", "indian")
# Pages that show single responses or comments, with the query filters that narrow them.
ROW_LEVEL = {
    "insights.explorer": {"link", "partner", "a.ethnic_group"},
    "insights.export_responses": {"link", "partner", "a.ethnic_group"},
    "insights.theme_page": {"link", "partner", "group"},
    "insights.export_comments_csv": {"link", "partner", "group"},
    "insights.export_comments_xlsx": {"link", "partner", "group"},
}
# Left out of the "must not change" comparison, with the reason.
NOT_COMPARED = {
    # The work queue of comments to translate: each comment is shown on its own so that
    # it can be translated; it shows no counts of groups.
    "insights.translation_page",
    # The staff audit log lists the exports this walk itself made, with their times, and
    # the list of staff shows when each last signed in (the walk signs them in).
    "admin.audit_log", "admin.users", "admin.edit_user",
    # The PDF of the pack holds the pack's HTML (walked and compared) and the moment it
    # was made; without Chromium it is the same page explaining that.
    "insights.review_pack_pdf",
}


def _small(version, kind, count, links):
    link_language, language, group = kind
    add_responses(version, count, {"overall_experience": "4", "ethnic_group": group,
                                   "what_could_be_better": SMALL_COMMENT},
                  link_id=links[link_language], language=language, submitted_at=WHEN)


@pytest.fixture
def small_groups(app, demo, monkeypatch):
    # The PDF is the pack's HTML (walked below) printed; printing it 50 times is slow.
    monkeypatch.setattr("surveyapp.insights.pdf.available", lambda: False)
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        version = survey.latest_published()
        links = {link.default_language: link.id
                 for link in db.session.scalars(select(DistributionLink))}
        for link_language, language, group, count, fft, key, text in BIG:
            add_responses(version, count, {"overall_experience": fft, "ethnic_group": group,
                                           key: text},
                          link_id=links[link_language], language=language, submitted_at=WHEN)
        _small(version, SMALL_A, 3, links)
        _small(version, SMALL_B, 2, links)
        pipeline.analyse_pending(db.session)
        db.session.add(ReviewAction(survey_id=survey.id, about="x", heard="x", change="x",
                                    owner="x"))
        db.session.commit()
        partners = {link_language: db.session.get(DistributionLink, link_id).partner
                    for link_language, link_id in links.items() if link_language}
        make_user("admin@example.nhs.uk", Role.ADMIN)
        make_user("bn@example.org", Role.PARTNER, partner=partners["bn"])
        make_user("so@example.org", Role.PARTNER, partner=partners["so"])
        themes = sorted(set(db.session.scalars(select(CommentTheme.theme_code))))
        assert themes, "the comments found no themes: the theme pages would prove nothing"
        return {"survey_id": survey.id, "links": links,
                "partners": {k: p.id for k, p in partners.items()}, "themes": themes,
                "version_id": version.id}


def _move_one_from_a_to_b(app, world) -> None:
    with app.app_context():
        one = db.session.scalar(select(Response.id).where(
            Response.link_id == world["links"][SMALL_A[0]]).order_by(Response.id.desc()))
        assert delete_responses(db.session, Response.id == one).responses == 1
        survey = db.session.get(Survey, world["survey_id"])
        _small(survey.latest_published(), SMALL_B, 1, world["links"])
        pipeline.analyse_pending(db.session)
        db.session.commit()


def _filters(world) -> list[dict[str, object]]:
    links, partners = world["links"], world["partners"]
    return [{}, {"link": links["bn"]}, {"link": links["so"]}, {"partner": partners["bn"]},
            {"link": links["en"]}, {"group": "ethnic_group_19:bangladeshi"},
            {"group": "ethnic_group_5:asian"}, {"a.ethnic_group": "bangladeshi"}]


def _narrows_to_a_small_group(query: dict[str, object], world) -> bool:
    small = {("link", world["links"]["bn"]), ("link", world["links"]["so"]),
             ("partner", world["partners"]["bn"]), ("group", "ethnic_group_19:bangladeshi"),
             ("a.ethnic_group", "bangladeshi")}
    return any(item in small for item in query.items())


def _argument_values(world, argument: str, partner: str | None) -> list[object]:
    links = world["links"]
    own = [links[partner]] if partner else [links["bn"], links["so"], links["en"]]
    return {
        "survey_id": [world["survey_id"]], "link_id": own,
        "partner_id": [world["partners"][partner or "bn"]], "theme_code": world["themes"],
        "format": ["csv", "xlsx"], "number": [1], "locale": ["bn"], "action_id": [1],
        "page_key": ["overall"], "question_key": ["what_was_good"], "code": ["1"],
        "user_id": [1],
    }[argument]


def _content(response) -> object:
    """What a person would read: the page without its per-session form tokens, the CSV's
    cells, or the workbook's cells."""
    kind = response.mimetype
    if kind.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(response.data), read_only=True)
        return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
                for sheet in book.worksheets}
    text = response.get_data(as_text=True) if kind.startswith("text/") or "xml" in kind \
        else response.data
    if kind == "text/csv":
        return list(csv.reader(io.StringIO(text)))
    if isinstance(response.data, bytes) and response.data.startswith((b"#", b"msgid")):
        # A gettext catalog: its header says when it was made, to the minute.
        text = response.get_data(as_text=True)
        text = re.sub(r'"(?:POT-Creation-Date|PO-Revision-Date): [^"]*"', "", text)
    if isinstance(text, str):
        text = re.sub(r'name="csrf_token"[^>]*>', "", text)
        text = re.sub(r'value="[^"]*"\s+name="csrf_token"[^>]*>', "", text)
    return text


def _shows_small_comment(content: object) -> bool:
    return SMALL_COMMENT[:40] in repr(content)


def walk(app, world, visitor: str, email: str, partner: str | None) -> dict[tuple, object]:
    """Every GET page and export this visitor may open, with every filter."""
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    role = {"admin": Role.ADMIN, "partner": Role.PARTNER}[visitor]
    seen: dict[tuple, object] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "allowed_roles", ())
        if "GET" not in rule.methods or role not in roles:
            continue
        arguments = sorted(rule.arguments)
        for values in itertools.product(*(_argument_values(world, a, partner)
                                          for a in arguments)):
            url = rule.build(dict(zip(arguments, values, strict=True)))[1]
            for query in _filters(world):
                response = client.get(url, query_string=query)
                assert response.status_code < 500 or rule.endpoint in NOT_COMPARED, \
                    (rule.endpoint, url, query, response.status_code)
                content = _content(response)
                if rule.endpoint in ROW_LEVEL and _narrows_to_a_small_group(query, world) \
                        and set(query) & ROW_LEVEL[rule.endpoint]:
                    assert not _shows_small_comment(content), \
                        (visitor, rule.endpoint, url, query, "shows a small group's rows")
                seen[(visitor, rule.endpoint, url, tuple(sorted(query.items())))] = content
    return seen


VISITORS = [("admin", "admin@example.nhs.uk", None), ("partner", "bn@example.org", "bn"),
            ("partner", "so@example.org", "so")]


def walk_everyone(app, world) -> dict[tuple, object]:
    seen: dict[tuple, object] = {}
    for visitor, email, partner in VISITORS:
        seen.update({(email, *key): value
                     for key, value in walk(app, world, visitor, email, partner).items()})
    return seen


def _figures_pages(app, world) -> dict[str, str]:
    """The overview and the representation page, as the admin sees them."""
    client = app.test_client()
    sign_in(client, "admin@example.nhs.uk")
    return {page: _content(client.get(f"/insights/surveys/{world['survey_id']}/{page}"))
            for page in ("overview", "representation", "themes/by-group?by=ethnic_group_19")}


def test_no_page_or_export_gives_away_a_small_groups_count(app, small_groups):
    world = small_groups
    before = walk_everyone(app, world)
    endpoints = {key[2] for key in before}
    assert {"insights.overview_page", "insights.explorer", "insights.export_responses",
            "insights.review_pack", "insights.themes_overview", "insights.themes_by_group",
            "insights.theme_page", "insights.export_comments_csv",
            "insights.export_comments_xlsx", "insights.representation_page",
            "insights.representation_csv", "partners.reach", "partners.index"} <= endpoints
    # Some row-level page does show the comments when not narrowed (5 respondents wrote
    # them): the row check above is not vacuous.
    assert any(_shows_small_comment(v) for k, v in before.items() if k[2] in ROW_LEVEL)
    threshold = app.config["SMALL_NUMBER_THRESHOLD"]
    app.config["SMALL_NUMBER_THRESHOLD"] = 1
    leaky_before = _figures_pages(app, world)
    app.config["SMALL_NUMBER_THRESHOLD"] = threshold

    _move_one_from_a_to_b(app, world)

    after = walk_everyone(app, world)
    assert set(after) == set(before)
    changed = sorted({(key[0], key[2], key[3], key[4]) for key in before
                      if key[2] not in ROW_LEVEL and key[2] not in NOT_COMPARED
                      and before[key] != after[key]})
    assert not changed, f"pages whose figures moved with a small group: {changed[:20]}"
    # With no suppression the same move does show: the comparison can see a leak.
    app.config["SMALL_NUMBER_THRESHOLD"] = 1
    leaky_after = _figures_pages(app, world)
    app.config["SMALL_NUMBER_THRESHOLD"] = threshold
    assert all(leaky_before[page] != leaky_after[page] for page in leaky_before)


def test_the_small_groups_are_small_and_the_others_are_not(app, small_groups):
    with app.app_context():
        threshold = app.config["SMALL_NUMBER_THRESHOLD"]
        for link_language, count in (("bn", 3), ("so", 2), ("en", 30), ("ur", 12)):
            link_id = small_groups["links"][link_language]
            n = len(db.session.scalars(select(Response.id).where(
                Response.link_id == link_id)).all())
            assert n == count
            assert (n < threshold) == (link_language in ("bn", "so"))
        assert db.session.scalar(select(Partner.id).where(
            Partner.id == small_groups["partners"]["bn"])) is not None


# --- a small part of a group shown beside the group -------------------------------------------

ASIAN_ANSWERS = {"overall_experience": "2", "what_could_be_better": SMALL_COMMENT}


@pytest.fixture
def small_part(app, demo):
    """30 White British respondents, and 15 Asian: 12 Pakistani and 3 Chinese, all with the
    same answers through the same link. Asian (15) beside Pakistani (12) would give away
    3 Chinese respondents, on every figure of the themes pages."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        version = survey.latest_published()
        links = {link.default_language: link.id
                 for link in db.session.scalars(select(DistributionLink))}
        add_responses(version, 30, {"overall_experience": "1", "ethnic_group": "white_british",
                                    "what_was_good": "The midwife was lovely and kind."},
                      link_id=links["en"], language="en", submitted_at=WHEN)
        for group, count in (("pakistani", 12), ("chinese", 3)):
            add_responses(version, count, {**ASIAN_ANSWERS, "ethnic_group": group},
                          link_id=links["ur"], language="en", submitted_at=WHEN)
        pipeline.analyse_pending(db.session)
        db.session.commit()
        make_user("admin@example.nhs.uk", Role.ADMIN)
        return {"survey_id": survey.id, "links": links, "version_id": version.id}


def _themes_pages(app, world) -> dict[tuple[str, str], object]:
    client = app.test_client()
    sign_in(client, "admin@example.nhs.uk")
    base = f"/insights/surveys/{world['survey_id']}"
    groups = ["", "ethnic_group_5:asian", "ethnic_group_19:pakistani",
              "ethnic_group_19:chinese", "ethnic_group_19:indian"]
    urls = [f"{base}/themes?group={g}" for g in groups]
    urls += [f"{base}/themes/by-group?by={d}" for d in ("ethnic_group_5", "ethnic_group_19")]
    with app.app_context():
        themes = sorted(set(db.session.scalars(select(CommentTheme.theme_code).where(
            CommentTheme.survey_id == world["survey_id"]))))
    assert themes
    urls += [f"{base}/themes/{theme}?group={g}" for theme in themes for g in groups[1:]]
    urls += [f"{base}/themes/comments.xlsx?group={g}" for g in groups[2:]]
    urls += [f"{base}/{page}" for page in ("overview", "representation", "pack")]
    return {url: _figures(url, _content(client.get(url))) for url in urls}


def _figures(url: str, content: object) -> object:
    """A theme's page shows its figures, then quotes with forms naming each comment's id
    (a new id for the answers moved, on PostgreSQL): the quotes are row-level by design
    (ROW_LEVEL), so only the figures above them are compared."""
    if "/themes/" in url and "?group=" in url and isinstance(content, str):
        return content.split('<h2 class="nhsuk-heading-m">What people wrote')[0]
    return content


def test_a_small_part_is_not_the_group_less_the_parts_shown(app, small_part, monkeypatch):
    monkeypatch.setattr("surveyapp.insights.pdf.available", lambda: False)
    before = _themes_pages(app, small_part)
    threshold = app.config["SMALL_NUMBER_THRESHOLD"]
    app.config["SMALL_NUMBER_THRESHOLD"] = 1
    leaky_before = _themes_pages(app, small_part)
    app.config["SMALL_NUMBER_THRESHOLD"] = threshold
    # One Chinese respondent's answers are replaced by a Pakistani respondent's: Asian stays
    # 15, Chinese goes from 3 to 2. Nothing shown may move.
    with app.app_context():
        one = db.session.scalar(select(Response.id).where(
            Response.survey_id == small_part["survey_id"],
            Response.answers.any(option_code="chinese")).order_by(Response.id.desc()))
        assert delete_responses(db.session, Response.id == one).responses == 1
        version = db.session.get(Survey, small_part["survey_id"]).latest_published()
        add_responses(version, 1, {**ASIAN_ANSWERS, "ethnic_group": "pakistani"},
                      link_id=small_part["links"]["ur"], language="en", submitted_at=WHEN)
        pipeline.analyse_pending(db.session)
        db.session.commit()
    after = _themes_pages(app, small_part)
    moved = [url for url in before if before[url] != after[url]]
    assert not moved, f"pages that gave the small part away: {moved}"
    # The pages do show Pakistani figures when nothing is protected, so the comparison
    # could see them move.
    app.config["SMALL_NUMBER_THRESHOLD"] = 1
    leaky_after = _themes_pages(app, small_part)
    app.config["SMALL_NUMBER_THRESHOLD"] = threshold
    leaky = {url for url in leaky_before if leaky_before[url] != leaky_after[url]}
    base = f"/insights/surveys/{small_part['survey_id']}"
    assert {f"{base}/themes?group=ethnic_group_19:pakistani",
            f"{base}/themes/by-group?by=ethnic_group_19"} <= leaky
