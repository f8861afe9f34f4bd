"""Which links reached which groups: the table by link on the representation page, in its
CSV and in the command, with two-way small-number suppression that nothing undoes."""

from __future__ import annotations

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from surveyapp.analysis.disclosure import SECONDARY, SMALL, WITHHELD, ProtectedTable
from surveyapp.extensions import db
from surveyapp.models import (
    BenchmarkCount,
    DistributionLink,
    PopulationBenchmark,
    Role,
    Survey,
)
from tests.integration.responses import add_responses
from tests.integration.staff import make_user, sign_in
from tests.unit.test_disclosure import assert_nothing_pinned


@pytest.fixture
def reached(app, demo):
    """Pakistani respondents: 30 through the Urdu link, 3 through the English poster, 6 on
    paper; Bangladeshi: 3, all through the Bengali link; 2 Indian (a group the benchmark,
    births, does not have) through the Somali link."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        for benchmark in list(db.session.scalars(select(PopulationBenchmark))):
            benchmark.surveys = []
        version = survey.latest_published()
        links = {link.default_language: link for link in
                 db.session.scalars(select(DistributionLink))}
        add_responses(version, 30, {"ethnic_group": "pakistani"}, link_id=links["ur"].id)
        add_responses(version, 3, {"ethnic_group": "pakistani"}, link_id=links["en"].id)
        add_responses(version, 6, {"ethnic_group": "pakistani"})
        add_responses(version, 3, {"ethnic_group": "bangladeshi"}, link_id=links["bn"].id)
        add_responses(version, 200, {"ethnic_group": "white_british"}, link_id=links["en"].id)
        add_responses(version, 9, {"ethnic_group": "prefer_not_to_say"},
                      link_id=links["en"].id)
        add_responses(version, 7, {"overall_experience": "1"}, link_id=links["pl"].id)
        somali = db.session.scalar(select(DistributionLink).where(
            DistributionLink.label.startswith("Somali")))
        add_responses(version, 2, {"ethnic_group": "indian"}, link_id=somali.id)
        benchmark = PopulationBenchmark(
            name="Test births, ethnic group (19)", dimension="ethnic_group_19",
            area_type="nhs_trust", area_code="RXX", area_name="Test Trust",
            population="births", source="Test figures", period="2022-23")
        benchmark.counts = [BenchmarkCount(group_code=code, count=count) for code, count in
                            {"white_british": 600, "bangladeshi": 100, "pakistani": 250,
                             "african": 50}.items()]
        benchmark.surveys = [survey]
        db.session.add(benchmark)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        make_user("partner@example.org", Role.PARTNER, partner=links["ur"].partner)
        db.session.commit()
        return {"survey_id": survey.id,
                "labels": {lang: link.label for lang, link in links.items()}
                | {"so": somali.label},
                "partner_links": [link.label for link in links.values()
                                  if link.partner_id == links["ur"].partner_id]}


def signed_in(app, email):
    client = app.test_client()
    sign_in(client, email)
    return client


def by_link_csv(client, survey_id) -> list[dict[str, str]]:
    response = client.get(f"/insights/surveys/{survey_id}/representation.csv?table=links")
    assert response.status_code == 200
    assert "representation-by-link" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(True))))


def as_table(rows: list[dict[str, str]], threshold: int = 5) -> tuple[ProtectedTable, dict]:
    """The CSV read back as what a reader knows: each entry's number or label."""
    values, reasons = {}, {}
    for row in rows:
        key = (None if row["link_id"] == "all" else row["link"],
               None if row["group"] == "all" else row["group"])
        text = row["respondents"]
        values[key] = int(text) if text.isdigit() else None
        if not text.isdigit():
            reasons[key] = {f"fewer than {threshold}": SMALL, "not shown": SECONDARY,
                            "withheld": WITHHELD}[text]
    links = list(dict.fromkeys(k[0] for k in values if k[0] is not None))
    groups = list(dict.fromkeys(k[1] for k in values if k[1] is not None))
    return ProtectedTable(links, groups, values, reasons), values


def test_the_csv_by_link_hides_small_numbers_so_that_nothing_can_be_worked_out(app, reached):
    client = signed_in(app, "reviewer@example.nhs.uk")
    rows = by_link_csv(client, reached["survey_id"])
    table, values = as_table(rows)
    labels = reached["labels"]
    assert table.reason(labels["bn"], "bangladeshi") == SMALL
    assert table.reason(labels["so"], "other_groups") == SMALL  # 2 Indian
    # The poster's 3 Pakistani: 39 - 30 - 6 once the Urdu link's 30 and paper's 6 are
    # known (each link's total is on the partner pages, and their other cells are 0), so
    # the labels and zeros of that column are withheld: it is all "not shown".
    assert values[(labels["en"], "pakistani")] is None
    assert table.reason(labels["en"], "pakistani") == WITHHELD
    assert values[(labels["ur"], "pakistani")] == 30
    # The groups compared add up to a number the page gives away (expected counts), so
    # the small Bangladeshi group is protected among the groups: Pakistani, the next
    # smallest, is hidden with it in the table by group, and so as this column's total.
    assert values[(None, "pakistani")] is None
    assert table.reason(None, "pakistani") == SECONDARY
    # Every respondent is in the table, those in groups the benchmark lacks too, so the
    # overall total is the page's and each link's total its responses (as the partner
    # pages show them: the Bengali link's 3 and the Somali link's 2 as "fewer than 5").
    assert values[(None, None)] == 260
    assert values[(labels["en"], None)] == 212 and values[(labels["ur"], None)] == 30
    assert table.reason(labels["bn"], None) == table.reason(labels["so"], None) == SMALL
    # Its column totals are the table by group, figure for figure.
    main = {r["group"]: r["respondents"] for r in csv.DictReader(io.StringIO(client.get(
        f"/insights/surveys/{reached['survey_id']}/representation.csv").get_data(True)))}
    assert table.columns[-1] == "other_groups"
    for group in table.columns[:-1]:
        shown = values[(None, group)]
        assert (shown is None) == (not main[group].isdigit())
        if shown is not None:
            assert main[group] == str(shown)
    # No hidden number can be worked out from everything the CSV shows, even knowing
    # every link's number of responses.
    for row in rows:
        assert not re.fullmatch(r"[1-4]", row["respondents"])
    assert_nothing_pinned(table, rows, 5, known={(labels["bn"], None): 3,
                                                 (labels["so"], None): 2})
    page = client.get(f"/insights/surveys/{reached['survey_id']}/representation")
    assert "260 responses match these filters" in page.get_data(True)


def test_the_page_shows_the_table_by_link_accessibly(app, reached):
    html = signed_in(app, "reviewer@example.nhs.uk").get(
        f"/insights/surveys/{reached['survey_id']}/representation").get_data(True)
    soup = BeautifulSoup(html, "html.parser")
    caption = soup.find("caption", string=re.compile("Respondents by link"))
    assert caption is not None
    table = caption.find_parent("table")
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    assert headers[0] == "Group" and headers[-1] == "All links"
    assert any(reached["labels"]["ur"] in h for h in headers)
    assert all(th.get("scope") == "col" for th in table.select("thead th"))
    assert all(th.get("scope") == "row" for th in table.select("tbody th"))
    assert "Each column is a link and each row a group" in html
    cells = [td.get_text(strip=True) for td in table.select("tbody td")]
    assert "fewer than 5" in cells and not {"1", "2", "3", "4"} & set(cells)


def test_suggestions_name_links_only_as_far_as_the_table_shows(app, reached):
    html = signed_in(app, "reviewer@example.nhs.uk").get(
        f"/insights/surveys/{reached['survey_id']}/representation").get_data(True)
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    text = re.sub(r"\s+", " ", text)
    # Pakistani: the column by link is withheld (see above), so no link is named: even
    # "came through the poster" would say more than the table.
    pakistani = text.split("Pakistani women are")[1].split("Bangladeshi women are")[0]
    assert "The numbers by link are too small to show which links reached Pakistani " \
        "women." in pakistani
    assert not any(label in pakistani for label in reached["labels"].values())
    assert "Only a few Bangladeshi women have answered so far." in text
    bangladeshi = text.split("Bangladeshi women are")[1].split("African women are")[0]
    assert "Bengali" not in bangladeshi and "3" not in bangladeshi
    assert "No link has reached any African respondents yet" in text


def test_a_partner_sees_only_her_own_links_by_link(app, reached):
    client = signed_in(app, "partner@example.org")
    rows = by_link_csv(client, reached["survey_id"])
    assert {r["link"] for r in rows} == {*reached["partner_links"], "All links"}
    html = client.get(f"/insights/surveys/{reached['survey_id']}/representation"
                      ).get_data(True)
    for lang, label in reached["labels"].items():
        if label not in reached["partner_links"]:
            assert label not in html, lang
    assert "Paper and imported responses" not in html


def test_the_command_prints_the_table_by_link(app, reached):
    result = app.test_cli_runner().invoke(args=["representation", "maternity-experience",
                                                "--by-link"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    client = signed_in(app, "reviewer@example.nhs.uk")
    assert rows == by_link_csv(client, reached["survey_id"])
