"""Who is missing: the page, its CSV and the command show the same suppressed figures."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

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


@pytest.fixture
def survey_with_responses(app, demo):
    """306 responses: few Bangladeshi (3, all through one link), many White British."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        for benchmark in list(db.session.scalars(select(PopulationBenchmark))):
            benchmark.surveys = []  # start from no assignment, whatever the demo gave
        version = survey.latest_published()
        links = {link.default_language: link.id for link in
                 db.session.scalars(select(DistributionLink))}
        add_responses(version, 3, {"overall_experience": "1", "ethnic_group": "bangladeshi"},
                      link_id=links["bn"])
        add_responses(version, 240, {"overall_experience": "2",
                                     "ethnic_group": "white_british"}, link_id=links["en"])
        add_responses(version, 40, {"overall_experience": "1", "ethnic_group": "pakistani"},
                      link_id=links["ur"])
        add_responses(version, 12, {"overall_experience": "4",
                                    "ethnic_group": "prefer_not_to_say"}, link_id=links["en"])
        add_responses(version, 5, {"overall_experience": "3"}, link_id=links["pl"])
        add_responses(version, 6, {"overall_experience": "2", "ethnic_group": "caribbean"},
                      link_id=links["en"])
        benchmark = PopulationBenchmark(
            name="Test births, ethnic group (19)", dimension="ethnic_group_19",
            area_type="nhs_trust", area_code="RXX", area_name="Test Trust",
            population="births", source="Test figures", period="2022-23")
        benchmark.counts = [BenchmarkCount(group_code=code, count=count) for code, count in
                            {"white_british": 500, "bangladeshi": 100, "pakistani": 200,
                             "african": 100, "caribbean": 100}.items()]
        benchmark.surveys = [survey]
        db.session.add(benchmark)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        make_user("stranger@example.nhs.uk", Role.REVIEWER)
        db.session.commit()
        return survey.id


def page_for(app, email, survey_id, query=""):
    client = app.test_client()
    sign_in(client, email)
    return client.get(f"/insights/surveys/{survey_id}/representation{query}")


def test_page_flags_missing_groups_and_hides_small_numbers(app, survey_with_responses):
    response = page_for(app, "reviewer@example.nhs.uk", survey_with_responses)
    assert response.status_code == 200
    html = response.get_data(True)
    assert "Compared with births in Test Trust, 2022-23" in html
    # 3 Bangladeshi respondents: hidden, never "3", and their share hidden too.
    assert "fewer than 5" in html
    assert "Bangladeshi women are 10.0% of births at Test Trust but only a small number " \
        "of responses so far. Only a few Bangladeshi women have answered so far." in html
    assert "No link has reached any African respondents yet" in html
    assert "Most Pakistani respondents came through the Urdu-speaking mums" in html
    assert "Underrepresented" in html and "No responses yet" in html
    assert "<svg" in html and "<title" in html


def test_csv_and_command_show_the_same_figures_as_the_page(app, survey_with_responses):
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    download = client.get(f"/insights/surveys/{survey_with_responses}/representation.csv")
    assert download.status_code == 200
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(download.get_data(True)))}
    assert rows["bangladeshi"]["respondents"] == "fewer than 5"
    assert rows["bangladeshi"]["sample_share"] == ""
    assert rows["white_british"]["respondents"] == "240"
    assert rows["white_british"]["flag"] == "overrepresented"
    assert rows["african"]["flag"] == "no_responses"
    assert rows["prefer_not_to_say"]["respondents"] == "12"
    # The groups compared add up to a number the page gives away (each group's expected
    # count is its share of them), so the small Bangladeshi cell is protected among the
    # groups (Caribbean, the smallest, is hidden with it), not by hiding "not answered".
    assert rows["caribbean"]["respondents"] == "not shown"
    assert rows["not_answered"]["respondents"] == "5"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["representation", "maternity-experience", "--format",
                                 "json"])
    assert result.exit_code == 0, result.output
    cli_rows = {r["group"]: r for r in json.loads(result.output)}
    for group, row in rows.items():
        assert str(cli_rows[group]["respondents"]) == row["respondents"]
        assert str(cli_rows[group]["flag"]) == row["flag"]


def test_no_suppressed_count_can_be_recovered(app, survey_with_responses):
    """The only small cell is Bangladeshi (3); neither the shown cells and the total nor
    the shown cells and the number of respondents in compared groups (expected count /
    population share) may pin it down, so a second group is hidden too."""
    html = page_for(app, "reviewer@example.nhs.uk", survey_with_responses).get_data(True)
    assert ">3<" not in html
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/insights/surveys/{survey_with_responses}/representation.csv").get_data(True))))
    shown = [int(r["respondents"]) for r in rows if r["respondents"].isdigit()]
    hidden = [r for r in rows if not r["respondents"].isdigit()]
    assert len(hidden) >= 2
    assert 306 - sum(shown) >= 5  # what is hidden together is not a small number
    groups = [r for r in rows if r["expected"]]
    compared = round(float(groups[0]["expected"]) / float(groups[0]["reference_share"]))
    assert compared == 3 + 240 + 40 + 6
    hidden_groups = [r for r in groups if not r["respondents"].isdigit()]
    assert len(hidden_groups) >= 2
    assert compared - sum(int(r["respondents"]) for r in groups
                          if r["respondents"].isdigit()) >= 5


def test_filters_narrow_the_figures(app, survey_with_responses):
    with app.app_context():
        urdu = db.session.scalar(select(DistributionLink).where(
            DistributionLink.default_language == "ur")).id
    html = page_for(app, "reviewer@example.nhs.uk", survey_with_responses,
                    f"?link={urdu}").get_data(True)
    assert "40 responses match these filters" in html
    html = page_for(app, "reviewer@example.nhs.uk", survey_with_responses,
                    "?from=2030-01-01").get_data(True)
    assert "Fewer than 5 responses match" in html
    # A mistyped date shows everything rather than failing.
    assert page_for(app, "reviewer@example.nhs.uk", survey_with_responses,
                    "?from=not-a-date").status_code == 200


def test_only_reviewers_given_the_survey_see_it(app, survey_with_responses):
    assert page_for(app, "stranger@example.nhs.uk", survey_with_responses).status_code == 404


def test_a_partner_sees_only_what_came_through_her_own_links(app, survey_with_responses):
    with app.app_context():
        urdu_link = db.session.scalar(select(DistributionLink).where(
            DistributionLink.default_language == "ur"))
        make_user("partner@example.org", Role.PARTNER, partner=urdu_link.partner)
        other_links = [link.label for link in db.session.scalars(select(DistributionLink))
                       if link.partner_id != urdu_link.partner_id]
    html = page_for(app, "partner@example.org", survey_with_responses).get_data(True)
    assert "your organisation&#39;s links only" in html or "organisation's links only" in html
    # 40 Pakistani respondents came through the Urdu link; the social-media link of the
    # same partner brought none. Nothing else is counted.
    assert "40 responses match these filters" in html
    for label in other_links:
        assert label not in html
    client = app.test_client()
    sign_in(client, "partner@example.org")
    csv_rows = list(csv.DictReader(io.StringIO(client.get(
        f"/insights/surveys/{survey_with_responses}/representation.csv").get_data(True))))
    assert {r["group"]: r["respondents"] for r in csv_rows}["white_british"] == "0"
    # Asking for another partner's figures changes nothing.
    forced = page_for(app, "partner@example.org", survey_with_responses, "?partner=1")
    assert "40 responses match these filters" in forced.get_data(True)


def test_census_and_nhs_groupings_shown_together_do_not_give_away_a_small_group(app, demo):
    """The census's "Asian" holds Chinese respondents and the NHS maternity statistics'
    "Asian" does not: shown side by side, the two Asian rows would give away the 3
    Chinese respondents by subtraction. Both tables are protected together."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        for benchmark in list(db.session.scalars(select(PopulationBenchmark))):
            benchmark.surveys = []
        version = survey.latest_published()
        for group, count in {"white_british": 200, "indian": 20, "pakistani": 10,
                             "chinese": 3, "african": 12, "arab": 6,
                             "other_ethnic_group": 7, "prefer_not_to_say": 9}.items():
            add_responses(version, count, {"ethnic_group": group})
        add_responses(version, 5, {"overall_experience": "2"})
        for dimension in ("ethnic_group_5", "maternity_ethnic_group"):
            benchmark = PopulationBenchmark(
                name=f"Test {dimension}", dimension=dimension, area_type="nhs_trust",
                area_code="RXX", area_name="Test Trust", population="births",
                source="Test figures", period="2022-23")
            benchmark.counts = [BenchmarkCount(group_code=g, count=c) for g, c in
                                {"white": 600, "mixed": 50, "asian": 200, "black": 100,
                                 "other": 50}.items()]
            benchmark.surveys = [survey]
            db.session.add(benchmark)
        make_user("reviewer@example.nhs.uk", Role.REVIEWER, surveys=[survey])
        db.session.commit()
        survey_id = survey.id
    client = app.test_client()
    sign_in(client, "reviewer@example.nhs.uk")
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/insights/surveys/{survey_id}/representation.csv").get_data(True))))
    shown = {(r["dimension"], r["group"]): int(r["respondents"]) for r in rows
             if r["respondents"].isdigit()}
    census, nhs = "ethnic_group_5", "maternity_ethnic_group"
    # Each table alone would show Asian 33 and 30; together one of them is hidden.
    assert not ((census, "asian") in shown and (nhs, "asian") in shown), shown
    assert not ((census, "other") in shown and (nhs, "other") in shown), shown
    assert shown[(census, "white")] == shown[(nhs, "white")] == 200
    html = page_for(app, "reviewer@example.nhs.uk", survey_id).get_data(True)
    assert ">33<" not in html or ">30<" not in html
