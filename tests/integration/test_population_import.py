"""Importing population benchmarks through the command line and the admin pages, giving
them to surveys and partners, and the demo's benchmarks.

A rejected import stores nothing: the files here are the real published ones with an
error put in their last row.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import (
    AuditEvent,
    BenchmarkCount,
    Partner,
    PopulationBenchmark,
    Role,
    Survey,
)
from surveyapp.population.builtin import DEMO_SURVEY_BENCHMARKS, load_builtin
from surveyapp.population.store import assign, partner_benchmarks, survey_benchmarks
from tests.integration.staff import csrf_from, make_user, partner_named, sign_in

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CENSUS_FILE = DATA / "census2021_ts021_ethnic_group_ltla2021_EW.csv"
NHS_FILE = DATA / "nhs_maternity_2022-23_provider_ethnicity_age_imd_extract.csv"
BIRMINGHAM_19 = "Census 2021, Birmingham (E08000025), usual residents, ethnic group (19)"
RQ3 = "Birmingham Women's and Children's NHS Foundation Trust"
RQ3_ETHNIC = (f"NHS Maternity Statistics 2022-23, {RQ3} (RQ3), deliveries, ethnic group "
              "(5, NHS maternity)")
ENGLAND_ETHNIC = ("NHS Maternity Statistics 2022-23, England, deliveries, ethnic group "
                  "(5, NHS maternity)")


def shared(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path.name} is not in {DATA}: the shared reference data sits beside "
                    "the repository (../shared/data), as in CI")
    return path


def with_bad_last_row(source: Path, target: Path, column: int, value: str) -> Path:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    rows[-1][column] = value
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return target


def benchmark_count() -> int:
    return db.session.scalar(select(func.count(PopulationBenchmark.id))) or 0


def named(name: str) -> PopulationBenchmark:
    return db.session.scalar(select(PopulationBenchmark).where(PopulationBenchmark.name
                                                               == name))


# --- the command line ------------------------------------------------------------------


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args: str):
        return runner.invoke(args=["import-population", *args])

    return run


def test_cli_census_only_some_areas(app, cli):
    result = cli("census-ts021", str(shared(CENSUS_FILE)), "--area", "E08000025")
    assert result.exit_code == 0, result.output
    assert "2 new, 0 replaced, 0 unchanged" in result.output
    with app.app_context():
        benchmark = named(BIRMINGHAM_19)
        assert benchmark.total == 1_144_922 and benchmark.area_type == "local_authority"
        assert benchmark.reference()["bangladeshi"] == 48_232
        assert list(benchmark.reference())[:2] == ["white_british", "irish"]
        assert benchmark_count() == 2
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "population_imported")).one()
        assert event.detail["via"] == "cli" and event.detail["created"] == 2


def test_cli_whole_census_file(app, cli):
    result = cli("census-ts021", str(shared(CENSUS_FILE)))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert benchmark_count() == 666
        england = named("Census 2021, England (E92000001), usual residents, ethnic group (19)")
        assert england.reference()["bangladeshi"] == 629_567
        assert db.session.scalar(select(func.count(BenchmarkCount.id))) == 333 * 24


def test_cli_census_error_in_the_last_row_stores_nothing(app, cli, tmp_path):
    bad = with_bad_last_row(shared(CENSUS_FILE), tmp_path / "census.csv", 5, "12x")
    for extra in ([], ["--area", "E08000025"]):  # a filter does not skip the check
        result = cli("census-ts021", str(bad), *extra)
        assert result.exit_code == 1
        assert ("error: row 334, column 'Ethnic group: Asian, Asian British or Asian Welsh: "
                "Bangladeshi': '12x' is not a whole number") in result.output
    with app.app_context():
        assert benchmark_count() == 0
        assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_cli_nhs_maternity_one_trust_with_its_warning(app, cli):
    result = cli("nhs-maternity", str(shared(NHS_FILE)), "--org", "RQ3")
    assert result.exit_code == 0, result.output
    assert "warning: row 597, column 'Value': " + RQ3 + " (RQ3), 2022-23: TotalDeliveries " \
        "is 5,270" in result.output
    with app.app_context():
        benchmark = named(RQ3_ETHNIC)
        assert benchmark.reported_total == 5_270 and benchmark.not_stated == 190
        assert benchmark.reference() == {"white": 2_550, "mixed": 285, "asian": 1_670,
                                         "black": 575, "other": 255}
        assert benchmark.area_type == "nhs_trust" and benchmark.population == "births"


def test_cli_nhs_strict_totals_and_a_bad_last_row_store_nothing(app, cli, tmp_path):
    result = cli("nhs-maternity", str(shared(NHS_FILE)), "--org", "RQ3", "--strict-totals")
    assert result.exit_code == 1
    assert "EthnicCategoryMotherGroup rows add up to 5,525, not TotalDeliveries 5,270" \
        in result.output
    bad = with_bad_last_row(NHS_FILE, tmp_path / "nhs.csv", 1, "BirthweightGroup")
    result = cli("nhs-maternity", str(bad))
    assert result.exit_code == 1
    assert "error: row 3799, column 'Dimension': Unknown dimension 'BirthweightGroup'" \
        in result.output
    with app.app_context():
        assert benchmark_count() == 0


def test_cli_generic_and_replacing(app, cli, tmp_path, demo):
    counts = tmp_path / "booking.csv"
    counts.write_text("group_code,count\nwhite,2500\nasian,1700\nnot_stated,40\n")
    args = ["generic", str(counts), "--dimension", "maternity_ethnic_group",
            "--area-name", RQ3, "--area-code", "RQ3", "--area-type", "nhs_trust",
            "--population", "births", "--period", "2024-25",
            "--source", "Trust booking data 2024-25, with the trust's permission"]
    assert cli(*args).exit_code == 0
    name = f"Own data 2024-25, {RQ3} (RQ3), deliveries, ethnic group (5, NHS maternity)"
    with app.app_context():
        benchmark = named(name)
        benchmark_id = benchmark.id
        assign("survey", demo["survey_id"], benchmark)
        db.session.commit()
    assert "0 new, 0 replaced, 1 unchanged" in cli(*args).output  # the same again

    counts.write_text("group_code,count\nwhite,2600\nasian,1700\n")
    refused = cli(*args)
    assert refused.exit_code == 1
    assert f"error: '{name}' already exists with a different not stated, counts: it was " \
           "not replaced" in refused.output
    with app.app_context():
        assert named(name).reference()["white"] == 2500

    assert "0 new, 1 replaced" in cli(*args, "--replace").output
    with app.app_context():
        benchmark = named(name)
        assert benchmark.id == benchmark_id and benchmark.reference()["white"] == 2600
        assert benchmark.not_stated == 0
        assert survey_benchmarks(demo["survey_id"])["maternity_ethnic_group"].id == benchmark_id

    counts.write_text("group_code,count\nwhite,1\nwhite_british,2\n")
    result = cli(*args)
    assert result.exit_code == 1
    assert "error: row 3, column 'group_code': 'white_british' is not a group of ethnic " \
           "group (5, NHS maternity)" in result.output


def test_cli_generic_name_too_long_for_the_database(app, cli, tmp_path):
    counts = tmp_path / "counts.csv"
    counts.write_text("group_code,count\nwhite,1\n")
    result = cli("generic", str(counts), "--dimension", "maternity_ethnic_group",
                 "--area-name", "A" * 200, "--area-code", "X" * 32, "--population", "births",
                 "--period", "P" * 32, "--source", "s")
    assert result.exit_code == 1
    assert "the name must be 300 characters or fewer" in result.output
    with app.app_context():
        assert benchmark_count() == 0


def test_a_failure_while_saving_stores_nothing(app):
    """Everything in one transaction: the database refusing the last count (a negative
    count, which the readers never give) undoes the benchmarks saved before it."""
    from dataclasses import replace

    from sqlalchemy.exc import IntegrityError

    from surveyapp.population.builtin import BUILTIN
    from surveyapp.population.store import save_benchmarks

    broken = replace(BUILTIN[-1], counts={**BUILTIN[-1].counts, "10": -1})
    with app.app_context():
        with pytest.raises(IntegrityError):
            save_benchmarks([*BUILTIN[:-1], broken])
        assert benchmark_count() == 0
        assert db.session.scalar(select(func.count(BenchmarkCount.id))) == 0


def test_cli_builtin_is_idempotent(app, cli):
    first = cli("builtin")
    assert first.exit_code == 0 and "5 new" in first.output
    assert "5 new, 0 replaced, 5 unchanged" in cli("builtin", "--demo").output
    assert "0 new, 0 replaced, 10 unchanged" in cli("builtin", "--demo").output
    with app.app_context():
        assert benchmark_count() == 10
        assert all(b.builtin for b in db.session.scalars(select(PopulationBenchmark)))


# --- the demo and assignments ----------------------------------------------------------


def test_the_demo_survey_is_compared_with_the_trust_and_birmingham(app, demo):
    with app.app_context():
        chosen = survey_benchmarks(demo["survey_id"])
        assert sorted(chosen) == ["age_band", "ethnic_group_19", "maternity_ethnic_group"]
        assert sorted(b.name for b in chosen.values()) == sorted(DEMO_SURVEY_BENCHMARKS)
        assert chosen["maternity_ethnic_group"].name == RQ3_ETHNIC
        assert chosen["ethnic_group_19"].name == BIRMINGHAM_19
        assert benchmark_count() == 10


def test_seeding_again_keeps_an_admins_choice(app, demo):
    from surveyapp.demo import seed_demo

    with app.app_context():
        assign("survey", demo["survey_id"], named(ENGLAND_ETHNIC))
        db.session.commit()
        seed_demo()
        assert survey_benchmarks(demo["survey_id"])["maternity_ethnic_group"].name \
            == ENGLAND_ETHNIC
        assert benchmark_count() == 10


def test_one_benchmark_per_dimension_for_surveys_and_partners(app, demo):
    with app.app_context():
        load_builtin(include_demo=True)
        partner = partner_named("Bengali Women's Group")
        england_19 = named("Census 2021, England (E92000001), usual residents, ethnic "
                           "group (19)")
        assert assign("partner", partner.id, england_19) is None
        replaced = assign("partner", partner.id, named(BIRMINGHAM_19))
        db.session.commit()
        assert replaced.id == england_19.id
        assert [b.name for b in partner_benchmarks(partner.id).values()] == [BIRMINGHAM_19]
        replaced = assign("survey", demo["survey_id"], england_19)
        db.session.commit()
        assert replaced.name == BIRMINGHAM_19
        assert survey_benchmarks(demo["survey_id"])["ethnic_group_19"].id == england_19.id


# --- the admin pages -------------------------------------------------------------------


@pytest.fixture
def admin(app, demo):
    with app.app_context():
        make_user("admin@example.nhs.uk", Role.ADMIN)
    client = app.test_client()
    assert sign_in(client, "admin@example.nhs.uk").status_code == 302
    return client


def upload(client, path: Path | None, **fields: str):
    page = client.get("/admin/population/upload")
    data: dict[str, object] = {"csrf_token": csrf_from(page.get_data(True)), **fields}
    if path is not None:
        data["file"] = (io.BytesIO(path.read_bytes()), path.name)
    return client.post("/admin/population/upload", data=data,
                       content_type="multipart/form-data")


def test_admin_lists_benchmarks_and_can_open_one(app, admin):
    page = admin.get("/admin/population")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(True), "html.parser")
    assert soup.find("a", string="Population benchmarks")  # in the staff navigation
    link = soup.find("a", string=RQ3_ETHNIC)
    assert link is not None
    detail = admin.get(link["href"])
    assert detail.status_code == 200
    text = BeautifulSoup(detail.get_data(True), "html.parser").get_text(" ", strip=True)
    assert "1,670" in text and "5,270" in text and "This differs from the counts" in text
    assert "Open Government Licence v3.0" in text
    assert "Your maternity and neonatal care" in text  # the demo survey uses it
    assert admin.get("/admin/population/benchmark").status_code == 302
    assert admin.get("/admin/population/benchmark?id=999999").status_code == 404
    filtered = BeautifulSoup(admin.get("/admin/population?dimension=age_band&q=rq3")
                             .get_data(True), "html.parser")
    names = [a.get_text() for a in filtered.find(id="benchmarks").find_next("table")
             .find_all("a")]
    assert names == [f"NHS Maternity Statistics 2022-23, {RQ3} (RQ3), deliveries, age band"]


def test_admin_uploads_the_whole_nhs_file(app, admin):
    """467 KB, more than the 256 KB the app takes elsewhere."""
    response = upload(admin, shared(NHS_FILE), format="nhs-maternity")
    assert response.status_code == 200, response.get_data(True)[:2000]
    text = BeautifulSoup(response.get_data(True), "html.parser").get_text(" ", strip=True)
    # The demo has England's and RQ3's figures already: the same, so left as they are.
    assert "393 benchmarks from nhs_maternity_2022-23_provider_ethnicity_age_imd_extract.csv:" \
        " 387 new, 0 replaced, 6 unchanged" in text
    assert "London Commissioning Region (Y56), 2022-23: TotalDeliveries is 101,765" in text
    assert "… and 65 more." in text  # 115 warnings, 50 shown
    with app.app_context():
        assert benchmark_count() == 10 + 387
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "population_imported")).one()
        assert event.actor_email == "admin@example.nhs.uk" and event.detail["created"] == 387


def test_admin_upload_with_an_error_in_the_last_row_stores_nothing(app, admin, tmp_path):
    bad = with_bad_last_row(shared(CENSUS_FILE), tmp_path / "census.csv", 3, "-1")
    with app.app_context():
        before = benchmark_count()
    response = upload(admin, bad, format="census-ts021")
    assert response.status_code == 400
    html = response.get_data(True)
    assert "Error:" in html.split("</title>")[0]
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.find(class_="nhsuk-error-summary").get_text(" ", strip=True)
    assert "The file was not imported" in summary
    assert "row 334, column 'Ethnic group: Total: All usual residents': The count must be 0 " \
        "or more, not -1" in summary
    cells = [[td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in soup.find(id="problems").find_all("tr")[1:]]
    assert cells == [["334", "Ethnic group: Total: All usual residents",
                      "The count must be 0 or more, not -1"]]
    with app.app_context():
        assert benchmark_count() == before
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "population_import_refused" in actions and "population_imported" not in actions


def test_admin_upload_of_own_counts(app, admin, tmp_path):
    counts = tmp_path / "ages.csv"
    counts.write_text("group_code,count\nunder_20,40\n20_24,300\n25_29,700\n30_34,800\n")
    missing = upload(admin, counts, format="generic")
    assert missing.status_code == 400
    text = missing.get_data(True)
    for message in ("Select what the counts are of", "Select who is counted",
                    "Enter the area or organisation name",
                    "Enter where the figures come from", "Enter the period the figures cover"):
        assert message in text
    response = upload(admin, counts, format="generic", dimension="age_band",
                      population="births", area_name="Our trust", area_type="nhs_trust",
                      source="Booking data, with the trust's permission", period="2024-25")
    assert response.status_code == 200
    with app.app_context():
        benchmark = named("Own data 2024-25, Our trust, deliveries, age band")
        assert benchmark.reference()["30_34"] == 800 and benchmark.reference()["45_or_over"] == 0


@pytest.mark.parametrize("fields,message", [
    ({"format": "census-ts021"}, "Choose a CSV file"),
    ({}, "Select what kind of file it is"),
])
def test_admin_upload_form_problems(app, admin, fields, message):
    response = upload(admin, None, **fields)
    assert response.status_code == 400 and message in response.get_data(True)


def test_admin_upload_too_big_says_so_on_the_page(app, admin, monkeypatch):
    monkeypatch.setattr("surveyapp.admin.population.UPLOAD_REQUEST_LIMIT", 10_000)
    response = upload(admin, shared(CENSUS_FILE), format="census-ts021")  # 50 KB
    assert response.status_code == 413
    assert "The file must be 20 MB or smaller" in response.get_data(True)
    assert "Import population figures" in response.get_data(True)


def test_admin_upload_needs_the_csrf_token(app, admin):
    response = admin.post("/admin/population/upload", data={
        "format": "generic", "file": (io.BytesIO(b"group_code,count\nwhite,1\n"), "a.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        assert benchmark_count() == 10


def test_admin_assigns_benchmarks_to_a_survey_and_a_partner(app, admin, demo):
    url = f"/admin/population/surveys/{demo['survey_id']}"
    page = admin.get(url)
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(True), "html.parser")
    select_ = soup.find("select", attrs={"name": "maternity_ethnic_group"})
    assert select_.find("option", selected=True).get_text() == RQ3_ETHNIC
    with app.app_context():
        england = named(ENGLAND_ETHNIC).id
        birmingham = named(BIRMINGHAM_19).id
        age = survey_benchmarks(demo["survey_id"])["age_band"].id
    response = admin.post(url, data={
        "csrf_token": csrf_from(page.get_data(True)), "maternity_ethnic_group": str(england),
        "ethnic_group_19": "", "ethnic_group_5": "", "age_band": str(age),
        "deprivation_decile": ""})
    assert response.status_code == 302
    with app.app_context():
        chosen = survey_benchmarks(demo["survey_id"])
        assert {d: b.name for d, b in chosen.items()} == {
            "maternity_ethnic_group": ENGLAND_ETHNIC,
            "age_band": named(DEMO_SURVEY_BENCHMARKS[1]).name}
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("benchmark_%")).order_by(AuditEvent.id)).all()
        assert actions == ["benchmark_unassigned", "benchmark_assigned"]
        partner_id = partner_named("Bengali Women's Group").id

    url = f"/admin/population/partners/{partner_id}"
    page = admin.get(url)
    bad = admin.post(url, data={"csrf_token": csrf_from(page.get_data(True)),
                                "ethnic_group_19": str(england)})  # not of that dimension
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(True)
    admin.post(url, data={"csrf_token": csrf_from(page.get_data(True)),
                          "ethnic_group_19": str(birmingham)})
    with app.app_context():
        assert [b.name for b in partner_benchmarks(partner_id).values()] == [BIRMINGHAM_19]
    index = admin.get("/admin/population").get_data(True)
    assert re.search(r"Bengali Women&#39;s Group</bdi></td>\s*<td>Ethnic group \(19\): <a",
                     index)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PARTNER])
def test_reviewers_and_partners_cannot_use_these_pages(app, demo, role):
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        partner = db.session.scalar(select(Partner).order_by(Partner.id))
        partner_id = partner.id
        make_user("someone@example.org", role, surveys=[survey] if role == Role.REVIEWER
                  else None, partner=partner if role == Role.PARTNER else None)
        benchmark_id = named(RQ3_ETHNIC).id
    client = app.test_client()
    assert sign_in(client, "someone@example.org").status_code == 302
    for url in ("/admin/population", "/admin/population/upload",
                f"/admin/population/benchmark?id={benchmark_id}",
                f"/admin/population/surveys/{demo['survey_id']}",
                f"/admin/population/partners/{partner_id}"):
        assert client.get(url).status_code == 403, url
    response = client.post("/admin/population/upload", data={
        "format": "generic", "file": (io.BytesIO(b"group_code,count\nwhite,1\n"), "a.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 403
    assert "Population benchmarks" not in client.get("/staff/").get_data(True)
    anonymous = app.test_client()
    assert anonymous.get("/admin/population").status_code == 302
