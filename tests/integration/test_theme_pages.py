"""The theme pages reviewers use, over comments really analysed by the pipeline: the
overview with its filters, themes by group (a real inequality flagged, a balanced one
not), a theme's page with quotes and a reviewer's edits that survive re-analysis, the
translation queue, new themes to review, and the coded-comment exports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import (
    AuditEvent,
    CommentAnalysis,
    CommentTheme,
    DistributionLink,
    EmergingPhrase,
    Partner,
    Role,
    Survey,
)
from surveyapp.themes import pipeline, summary
from tests.integration.responses import add_responses
from tests.integration.staff import csrf_from, make_user, sign_in

NOT_LISTENED = "Nobody listened to me when I said something was wrong."
KIND = "The midwife was lovely and kind."
NAMED = "My midwife Sarah was rude to me and my number is 07700 900123."
FORMULA = '=HYPERLINK("http://example.com","click") the staff were rude'
POLISH = "Położna była bardzo miła i pomocna, dziękuję za wszystko co zrobiliście dla nas."


def _setup(app, demo, black_not_listened: int, white_not_listened: int) -> dict:
    """30 Black and 120 White British respondents; the given numbers of each wrote that
    nobody listened, the rest that the midwife was kind."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        version = survey.latest_published()
        links = {link.default_language: link.id for link in
                 db.session.scalars(select(DistributionLink))}
        for group, total, bad in (("african", 30, black_not_listened),
                                  ("white_british", 120, white_not_listened)):
            add_responses(version, bad, {"overall_experience": "4", "ethnic_group": group,
                                         "what_could_be_better": NOT_LISTENED},
                          link_id=links["en"], submitted_at=datetime(2026, 9, 3, 10))
            add_responses(version, total - bad, {"overall_experience": "1",
                                                 "ethnic_group": group,
                                                 "what_was_good": KIND},
                          link_id=links["en"], submitted_at=datetime(2026, 10, 5, 10))
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        make_user("stranger@example.nhs.uk", Role.REVIEWER)
        make_user("admin@example.nhs.uk", Role.ADMIN)
        pipeline.analyse_pending(db.session)
        return {"survey_id": survey.id, "version_id": version.id, "links": links}


@pytest.fixture
def unequal(app, demo):
    return _setup(app, demo, black_not_listened=15, white_not_listened=12)


@pytest.fixture
def balanced(app, demo):
    return _setup(app, demo, black_not_listened=6, white_not_listened=24)


def signed_in(app, email="reviewer@example.nhs.uk"):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def table_rows(page: BeautifulSoup, caption: str) -> dict[str, list[str]]:
    for table in page.select("table"):
        if caption in table.caption.get_text():
            return {row.th.get_text(" ", strip=True): [td.get_text(" ", strip=True)
                                                       for td in row.select("td")]
                    for row in table.select("tbody tr")}
    raise AssertionError(f"no table '{caption}'")


# --- the overview -------------------------------------------------------------------------


def test_overview_ranks_themes_by_respondents_with_shares(app, unequal):
    page = soup(signed_in(app).get(f"/insights/surveys/{unequal['survey_id']}/themes"))
    rows = table_rows(page, "Themes ranked")
    names = list(rows)
    # 123 kind comments (staff attitude), 27 not listened to.
    assert names[0] == "Staff attitude and kindness" or "kind" in names[0].lower()
    listened = next(name for name in names if "listened" in name.lower())
    assert rows[listened][0] == "27"
    assert rows[listened][1] == "100%"  # all negative
    assert rows[names[0]][0] == "123" and rows[names[0]][2] == "100%"
    assert "Every comment has been analysed" in page.select_one(".app-waiting").get_text()
    # The months: September (not listened) and October (kind).
    by_month = table_rows(page, "by month")
    assert by_month[listened] == ["27", "0"]
    assert page.select_one("svg.app-chart title")


def test_overview_shows_how_many_comments_wait(app, unequal):
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        add_responses(survey.latest_published(), 3, {"what_was_good": KIND})
    page = soup(signed_in(app).get(f"/insights/surveys/{unequal['survey_id']}/themes"))
    assert "Waiting: 3 comments to analyse" in page.select_one(".app-waiting").get_text()


def test_overview_filters_by_answer_group_and_date(app, unequal):
    client = signed_in(app)
    base = f"/insights/surveys/{unequal['survey_id']}/themes"
    poor = table_rows(soup(client.get(base + "?fft=4")), "Themes ranked")
    # Only the respondents who answered "poor" wrote that nobody listened (and felt unsafe).
    assert any("listened" in n.lower() for n in poor)
    assert not any("kind" in n.lower() for n in poor)
    black = table_rows(soup(client.get(base + "?group=ethnic_group_5:black")), "Themes ranked")
    assert next(v for n, v in black.items() if "listened" in n.lower())[0] == "15"
    assert next(v for n, v in black.items() if "kind" in n.lower())[0] == "15"
    october = table_rows(soup(client.get(base + "?from=2026-10-01&to=2026-10-31")),
                         "Themes ranked")
    assert not any("listened" in n.lower() for n in october)
    # The overview's one GROUP BY by month agrees with theme_counts() (the review pack's).
    with app.app_context():
        for filters in ({}, {"fft": "4"}, {"group": ("ethnic_group_5", "black")}):
            counts, _, _ = summary.overview(db.session, unequal["survey_id"], **filters)
            assert counts == summary.theme_counts(db.session, unequal["survey_id"], **filters)


def test_small_numbers_are_hidden_on_the_overview_and_the_theme_page(app, unequal):
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        # Three respondents only write about parking (access and appointments).
        add_responses(survey.latest_published(), 3, {
            "what_could_be_better": "The car parking was a nightmare and far too expensive."})
        pipeline.analyse_pending(db.session)
        code = db.session.scalar(select(CommentTheme.theme_code).where(
            CommentTheme.theme_code == "access_appointments"))
        assert code == "access_appointments"
    client = signed_in(app)
    rows = table_rows(soup(client.get(f"/insights/surveys/{unequal['survey_id']}/themes")),
                      "Themes ranked")
    access = next(v for n, v in rows.items() if "ccess" in n)
    assert access == ["fewer than 5", "–", "–"]
    page = soup(client.get(f"/insights/surveys/{unequal['survey_id']}/themes/"
                           "access_appointments"))
    assert "Fewer than 5 respondents raised this theme" in page.get_text()
    assert "nightmare" not in page.get_text().lower()
    # A filter down to a few respondents hides the whole overview.
    few = soup(client.get(f"/insights/surveys/{unequal['survey_id']}/themes"
                          "?from=2027-01-01"))
    assert "too few comments" in few.get_text()


def test_a_month_is_not_the_theme_less_the_other_months(app, unequal):
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        add_responses(survey.latest_published(), 3, {"what_could_be_better": NOT_LISTENED},
                      submitted_at=datetime(2026, 11, 2, 10))
        pipeline.analyse_pending(db.session)
    page = soup(signed_in(app).get(f"/insights/surveys/{unequal['survey_id']}/themes"))
    listened = next(n for n in table_rows(page, "Themes ranked") if "listened" in n.lower())
    assert table_rows(page, "Themes ranked")[listened][0] == "30"
    # 27 in September beside 30 in all would give away the 3 in November.
    assert table_rows(page, "by month")[listened] == ["not shown", "0", "fewer than 5"]


def test_a_group_inside_a_group_is_not_left_to_subtraction(app, unequal):
    """Black (33) is African (30) and Caribbean (3). Each level alone is safe; side by
    side, Black less African would give away the 3 Caribbean respondents' figures."""
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        add_responses(survey.latest_published(), 3, {
            "overall_experience": "4", "ethnic_group": "caribbean",
            "what_could_be_better": NOT_LISTENED}, submitted_at=datetime(2026, 9, 3, 10))
        pipeline.analyse_pending(db.session)
    client = signed_in(app)
    base = f"/insights/surveys/{unequal['survey_id']}/themes"
    black = soup(client.get(base + "?group=ethnic_group_5:black"))
    assert "33 respondents wrote comments" in black.get_text()
    assert next(v for n, v in table_rows(black, "Themes ranked").items()
                if "listened" in n.lower())[0] == "18"
    african = soup(client.get(base + "?group=ethnic_group_19:african"))
    assert "not shown on their own" in african.get_text()
    assert "Themes ranked" not in african.get_text()
    caribbean = soup(client.get(base + "?group=ethnic_group_19:caribbean"))
    assert "Fewer than 5 respondents wrote comments" in caribbean.get_text()
    # No rows in an export narrowed to either, and no quotes on a theme's page.
    for group in ("ethnic_group_19:african", "ethnic_group_19:caribbean"):
        rows = list(csv.reader(io.StringIO(client.get(
            base + f"/comments.csv?group={group}").get_data(as_text=True))))
        assert len(rows) == 1, group  # the header only
    listened = soup(client.get(base + "/listened_to?group=ethnic_group_19:african"))
    assert NOT_LISTENED[:20] not in listened.get_text()
    assert "These figures are not shown" in listened.get_text()  # not "fewer than 5"
    assert "Fewer than 5 respondents raised" in soup(client.get(
        base + "/listened_to?group=ethnic_group_19:caribbean")).get_text()
    # Themes by the 19 groups: African's cells are "not shown", Caribbean's "fewer than 5".
    row = next(tr for tr in _by_group(app, unequal["survey_id"], "ethnic_group_19")
               .select("tbody tr") if "listened" in tr.th.get_text().lower())
    assert row.select_one('td[data-group="african"]').get_text(strip=True) == "not shown"
    assert row.select_one('td[data-group="caribbean"]').get_text(strip=True) \
        == "fewer than 5"
    assert "%" in row.select_one('td[data-group="white_british"]').get_text()
    # The five groups are compared as before: Black respondents stand out.
    row = next(tr for tr in _by_group(app, unequal["survey_id"]).select("tbody tr")
               if "listened" in tr.th.get_text().lower())
    assert "higher than everyone else" in row.select_one('td[data-group="black"]').get_text()


def test_another_reviewers_survey_is_not_found(app, unequal):
    client = signed_in(app, "stranger@example.nhs.uk")
    for path in ("themes", "themes/by-group", "themes/listened_to", "translations",
                 "themes/new", "themes/comments.csv", "themes/comments.xlsx"):
        assert client.get(f"/insights/surveys/{unequal['survey_id']}/{path}").status_code \
            == 404, path


# --- themes by group -----------------------------------------------------------------------


def _by_group(app, survey_id, by="ethnic_group_5"):
    page = soup(signed_in(app).get(f"/insights/surveys/{survey_id}/themes/by-group?by={by}"))
    return page


def test_black_respondents_more_often_not_listened_to_are_flagged(app, unequal):
    page = _by_group(app, unequal["survey_id"])
    row = next(tr for tr in page.select("tbody tr") if "listened" in tr.th.get_text().lower())
    black = row.select_one('td[data-group="black"]')
    assert "50%" in black.get_text()
    assert "higher than everyone else" in black.get_text()
    white = row.select_one('td[data-group="white"]')
    assert "10%" in white.get_text()
    summary_text = page.select_one(".app-summary").get_text()
    assert "Black" in summary_text and "more often" in summary_text
    # The other groups have no respondents: hidden, never flagged.
    assert "fewer than 5" in row.select_one('td[data-group="asian"]').get_text()
    assert "Benjamini–Hochberg" in page.get_text()
    with app.app_context():
        cells = summary.group_differences(db.session, unequal["survey_id"], "ethnic_group_5")
        flagged = {(c.theme_code, c.group_code) for c in cells if c.flagged}
        assert ("listened_to", "black") in flagged
        assert all(c.p_value is None for c in cells if c.group_code == "asian")
        # The review pack's filters: October had only kind comments, so nothing differs.
        october = summary.group_differences(db.session, unequal["survey_id"],
                                            "ethnic_group_5", start=date(2026, 10, 1),
                                            end=date(2026, 10, 31),
                                            link_ids=[unequal["links"]["en"]])
        assert not any(c.flagged for c in october)
        listened = next(c for c in october
                        if c.theme_code == "listened_to" and c.group_code == "black")
        assert listened.respondents == 15 and listened.share_negative == 0
        assert summary.group_differences(db.session, unequal["survey_id"], "ethnic_group_5",
                                         link_ids=[unequal["links"]["pl"]])[0].respondents \
            is None


def test_a_balanced_survey_flags_nothing(app, balanced):
    page = _by_group(app, balanced["survey_id"])
    row = next(tr for tr in page.select("tbody tr") if "listened" in tr.th.get_text().lower())
    black = row.select_one('td[data-group="black"]')
    assert "20%" in black.get_text() and "everyone else" not in black.get_text()
    assert "No group differs clearly" in page.select_one(".app-summary").get_text()


def test_the_19_groups_and_other_dimensions(app, unequal):
    page = _by_group(app, unequal["survey_id"], "ethnic_group_19")
    row = next(tr for tr in page.select("tbody tr") if "listened" in tr.th.get_text().lower())
    assert "higher than everyone else" in row.select_one('td[data-group="african"]').get_text()
    deprivation = _by_group(app, unequal["survey_id"], "deprivation_decile")
    assert "does not record this yet" in deprivation.get_text()
    age = _by_group(app, unequal["survey_id"], "age_band")  # nobody gave an age
    assert "higher than everyone else" not in age.get_text()


# --- a theme's page and a reviewer's edits ---------------------------------------------------


def _named_comments(app, survey_id, count=5):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        add_responses(survey.latest_published(), count, {
            "overall_experience": "5", "ethnic_group": "white_british",
            "what_could_be_better": NAMED}, submitted_at=datetime(2026, 11, 1, 10))
        pipeline.analyse_pending(db.session)


def test_theme_page_shows_redacted_quotes_newest_first(app, unequal):
    _named_comments(app, unequal["survey_id"])
    client = signed_in(app)
    page = soup(client.get(f"/insights/surveys/{unequal['survey_id']}/themes/staff_attitude"))
    quotes = [q.get_text(strip=True) for q in page.select(".app-quote")]
    assert quotes[0].startswith("My midwife [removed] was rude")  # November first
    assert "Sarah" not in page.get_text() and "07700" not in page.get_text()
    assert KIND in quotes
    # Filtered by group: only the Black respondents' kind comments.
    black = soup(client.get(f"/insights/surveys/{unequal['survey_id']}/themes/staff_attitude"
                            "?group=ethnic_group_5:black"))
    assert {q.get_text(strip=True) for q in black.select(".app-quote")} == {KIND}
    # Admins may see the original words.
    admin = soup(signed_in(app, "admin@example.nhs.uk").get(
        f"/insights/surveys/{unequal['survey_id']}/themes/staff_attitude"))
    assert "Sarah" in admin.select_one(".nhsuk-details").get_text()


def _edit(client, survey_id, theme_page, analysis_id, **data):
    page = client.get(theme_page)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(f"/insights/surveys/{survey_id}/comments/{analysis_id}/themes",
                       data={"csrf_token": token, **data})


def test_reviewer_edits_are_audited_and_survive_reanalysis(app, unequal):
    survey_id = unequal["survey_id"]
    with app.app_context():
        analysis_id = db.session.scalar(select(CommentAnalysis.id).join(
            CommentTheme, CommentTheme.analysis_id == CommentAnalysis.id).where(
            CommentTheme.theme_code == "listened_to").limit(1))
    client = signed_in(app)
    page_url = f"/insights/surveys/{survey_id}/themes/listened_to"
    assert _edit(client, survey_id, page_url, analysis_id, theme="listened_to",
                 action="remove").status_code == 302
    assert _edit(client, survey_id, page_url, analysis_id, theme="discrimination",
                 sentiment="negative", action="add").status_code == 302
    # Without a CSRF token nothing happens.
    assert client.post(f"/insights/surveys/{survey_id}/comments/{analysis_id}/themes",
                       data={"theme": "safety", "action": "remove"}).status_code == 400

    def shown():
        with app.app_context():
            return {t.theme_code: t.sentiment for t in db.session.scalars(
                select(CommentTheme).where(CommentTheme.analysis_id == analysis_id,
                                           CommentTheme.removed_by_reviewer.is_(False)))}

    assert "listened_to" not in shown() and shown()["discrimination"] == "negative"
    result = app.test_cli_runner().invoke(args=["themes", "refresh", "--everything"])
    assert result.exit_code == 0, result.output
    assert "listened_to" not in shown() and shown()["discrimination"] == "negative"
    assert "safety" in shown()  # the machine's other themes came back as before
    rows = table_rows(soup(client.get(f"/insights/surveys/{survey_id}/themes")),
                      "Themes ranked")
    assert next(v for n, v in rows.items() if "listened" in n.lower())[0] == "26"
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent).where(
            AuditEvent.target == f"comment {analysis_id}"))]
        assert actions == ["theme_removed", "theme_added"]


# --- translations --------------------------------------------------------------------------


def test_a_translation_is_saved_and_that_comment_analysed(app, unequal):
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        add_responses(survey.latest_published(), 1, {"what_was_good": POLISH}, language="pl")
        pipeline.analyse_pending(db.session)
        row = db.session.scalar(select(CommentAnalysis).where(
            CommentAnalysis.needs_translation.is_(True)))
        analysis_id = row.id
    client = signed_in(app)
    url = f"/insights/surveys/{unequal['survey_id']}/translations"
    page = soup(client.get(url))
    assert POLISH in page.get_text()
    assert "1 to translate" in page.select_one(".app-waiting").get_text()
    token = csrf_from(str(page))
    bad = client.post(f"{url}/{analysis_id}", data={"csrf_token": token, "translation": ""})
    assert bad.status_code == 400 and "Enter the comment in English" in bad.get_data(True)
    done = client.post(f"{url}/{analysis_id}", data={
        "csrf_token": token,
        "translation": "The midwife was very kind and helpful, thank you for everything."})
    assert done.status_code == 302
    with app.app_context():
        row = db.session.get(CommentAnalysis, analysis_id)
        assert not row.needs_translation and row.analysed_at is not None
        assert "staff_attitude" in {t.theme_code for t in row.themes}
    assert POLISH not in soup(client.get(url)).get_text()


# --- new themes to review ---------------------------------------------------------------------


def test_a_promoted_phrase_becomes_a_theme_and_a_dismissed_one_goes(app, unequal):
    survey_id = unequal["survey_id"]
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        add_responses(survey.latest_published(), 6, {
            "what_could_be_better": "The pool was broken so I could not use it."})
        add_responses(survey.latest_published(), 5, {
            "what_could_be_better": "The television remote was missing."})
        pipeline.analyse_pending(db.session)
        pipeline.refresh_emerging_phrases(db.session, survey_id)
        phrases = {p.phrase: p.id for p in db.session.scalars(select(EmergingPhrase))}
    assert "pool" in phrases, phrases
    client = signed_in(app)
    url = f"/insights/surveys/{survey_id}/themes/new"
    page = soup(client.get(url))
    assert "pool" in page.get_text()
    token = csrf_from(str(page))
    client.post(f"{url}/{phrases['pool']}", data={"csrf_token": token,
                                                          "action": "promote"})
    other = next(p for p in phrases if p != "pool")
    client.post(f"{url}/{phrases[other]}", data={"csrf_token": token, "action": "dismiss"})
    with app.app_context():
        # Only the six comments with the phrase are queued again, not the whole survey.
        assert pipeline.waiting(db.session, survey_id).to_analyse == 6
        pipeline.analyse_pending(db.session)
    code = f"reviewer_{phrases['pool']}"
    rows = table_rows(soup(client.get(f"/insights/surveys/{survey_id}/themes")),
                      "Themes ranked")
    assert rows["Pool"][0] == "6"
    theme = soup(client.get(f"/insights/surveys/{survey_id}/themes/{code}"))
    assert len(theme.select(".app-quote")) == 6
    after = soup(client.get(url))
    to_review = after.select_one("table")
    assert to_review is None or other not in to_review.get_text()
    assert "Dismissed" in after.get_text()


# --- exports ---------------------------------------------------------------------------------


def _formula_comments(app, survey_id):
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        add_responses(survey.latest_published(), 5, {"what_could_be_better": FORMULA})
        pipeline.analyse_pending(db.session)


def test_csv_export_is_redacted_coded_and_safe(app, unequal):
    _named_comments(app, unequal["survey_id"])
    _formula_comments(app, unequal["survey_id"])
    client = signed_in(app)
    response = client.get(f"/insights/surveys/{unequal['survey_id']}/themes/comments.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 160
    body = response.get_data(as_text=True)
    assert "Sarah" not in body and "07700" not in body
    named = [r for r in rows if r["text"].startswith("My midwife [removed]")]
    assert len(named) == 5 and named[0]["month"] == "2026-11"
    formula = [r for r in rows if "HYPERLINK" in r["text"]]
    assert formula and all(r["text"].startswith("'=") for r in formula)
    listened = [r for r in rows if r["text"] == NOT_LISTENED]
    assert all("listened_to" in r["themes"].split(";") for r in listened)
    assert all(r["sentiment"] == "negative" for r in listened)
    assert "response" not in ",".join(rows[0].keys())


def test_xlsx_export_reads_back_with_no_formulas(app, unequal):
    _formula_comments(app, unequal["survey_id"])
    client = signed_in(app)
    response = client.get(f"/insights/surveys/{unequal['survey_id']}/themes/comments.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    sheet = book["Coded comments"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 155
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    assert all(r["text"].startswith("'=") for r in rows if "HYPERLINK" in r["text"])
    themes = {row[0].value: row[2].value for row in book["Themes"].iter_rows(min_row=2)}
    assert themes["listened_to"] == 27


def test_exports_of_too_few_respondents_are_empty(app, unequal):
    client = signed_in(app)
    csv_body = client.get(f"/insights/surveys/{unequal['survey_id']}/themes/comments.csv"
                          "?from=2027-01-01").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(csv_body)))) == 0
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        add_responses(survey.latest_published(), 3, {"what_was_good": KIND},
                      submitted_at=datetime(2027, 2, 1, 10))
        pipeline.analyse_pending(db.session)
    csv_body = client.get(f"/insights/surveys/{unequal['survey_id']}/themes/comments.csv"
                          "?from=2027-01-01").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(csv_body)))) == 0
    xlsx = client.get(f"/insights/surveys/{unequal['survey_id']}/themes/comments.xlsx"
                      "?from=2027-01-01")
    sheet = load_workbook(io.BytesIO(xlsx.get_data()))["Coded comments"]
    assert sheet.max_row == 1


def test_the_staff_nav_links_to_themes_for_reviewers_only(app, unequal):
    page = soup(signed_in(app).get("/insights/themes"))
    assert page.select_one('.app-staff-nav a[href="/insights/themes"]')
    assert page.find("a", href=f"/insights/surveys/{unequal['survey_id']}/themes")


def test_a_partner_translates_comments_from_her_own_links_only(app, unequal):
    with app.app_context():
        survey = db.session.get(Survey, unequal["survey_id"])
        polish = db.session.scalar(select(Partner).where(
            Partner.name == "Polish Community Centre"))
        make_user("partner@example.org", Role.PARTNER, partner=polish)
        own_link = db.session.scalar(select(DistributionLink.id).where(
            DistributionLink.partner_id == polish.id))
        other_link = db.session.scalar(select(DistributionLink.id).where(
            DistributionLink.partner_id != polish.id))
        add_responses(survey.latest_published(), 1, {"what_was_good": POLISH},
                      link_id=own_link, language="pl")
        add_responses(survey.latest_published(), 1, {"what_was_good": POLISH + " Naprawdę."},
                      link_id=other_link, language="pl")
        pipeline.analyse_pending(db.session)
        ids = {row.link_id: row.id for row in db.session.scalars(select(CommentAnalysis).where(
            CommentAnalysis.needs_translation.is_(True)))}
    client = signed_in(app, "partner@example.org")
    listing = soup(client.get("/insights/translations"))
    assert "1 comments to translate" in listing.get_text()
    url = f"/insights/surveys/{unequal['survey_id']}/translations"
    page = soup(client.get(url))
    assert POLISH in page.get_text() and "Naprawdę" not in page.get_text()
    token = csrf_from(str(page))
    assert client.post(f"{url}/{ids[other_link]}", data={
        "csrf_token": token, "translation": "The midwife was kind."}).status_code == 404
    assert client.post(f"{url}/{ids[own_link]}", data={
        "csrf_token": token, "translation": "The midwife was kind."}).status_code == 302
    assert client.get(f"/insights/surveys/{unequal['survey_id']}/themes").status_code == 403
    with app.app_context():
        assert not db.session.get(CommentAnalysis, ids[own_link]).needs_translation
        assert db.session.get(CommentAnalysis, ids[other_link]).needs_translation
