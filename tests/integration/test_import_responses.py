"""Importing responses from a CSV file (paper forms, or another tool), through the command
line and the admin page: all rows or none, stored exactly as the file says."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import (
    Answer,
    AuditEvent,
    DistributionLink,
    Response,
    Role,
    Survey,
)
from tests.integration.staff import csrf_from, make_user, partner_named, sign_in

HEADER = ("overall_experience,what_was_good,baby_neonatal_unit,neonatal_kept_informed,"
          "treated_differently,treated_differently_why,services_not_known,postcode_district,"
          "language,submitted_on,link")


def good_file(link_code: str) -> str:
    return "\n".join([
        HEADER,
        f'1,"Kind midwives, and quick",yes,yes_definitely,no,,phone_line;interpreters,b12,'
        f"pl,2026-03-31,{link_code}",
        # neonatal_kept_informed is hidden when the baby was not in a unit: dropped.
        "3,,no,no,yes,ethnicity;language,knew_all,,en,2026-04-01,",
        "6,,,,,,,SW1A,,,",
    ]) + "\n"


def with_error_in_last_row(text: str) -> str:
    return text + "2,,,,,,interpreters;knew_all,,,,\n"  # an exclusive option with another


def response_count() -> int:
    return db.session.scalar(select(func.count(Response.id))) or 0


def stored(source: str) -> list[tuple[Response, list[tuple]]]:
    responses = db.session.scalars(select(Response).where(Response.source == source)
                                   .order_by(Response.id)).all()
    return [(r, sorted((a.question_key, a.option_code, a.text, a.number) for a in
                       db.session.scalars(select(Answer).where(Answer.response_id == r.id))))
            for r in responses]


@pytest.fixture
def link(app, demo):
    with app.app_context():
        found = db.session.scalar(select(DistributionLink).where(
            DistributionLink.survey_id == demo["survey_id"]).order_by(DistributionLink.id))
        return {"id": found.id, "code": found.code}


@pytest.fixture
def cli(app, demo, tmp_path):
    runner = app.test_cli_runner()

    def run(text: str, *args: str):
        path = tmp_path / "responses.csv"
        path.write_text(text, encoding="utf-8")
        return runner.invoke(args=["import-responses", "maternity-experience", str(path),
                                   *args])

    return run


def check_the_good_file_was_stored(survey_id: int, link_id: int, source: str) -> None:
    rows = stored(source)
    assert len(rows) == 3
    (first, first_answers), (second, second_answers), (third, third_answers) = rows
    assert first_answers == sorted([
        ("overall_experience", "1", None, None),
        ("what_was_good", None, "Kind midwives, and quick", None),
        ("baby_neonatal_unit", "yes", None, None),
        ("neonatal_kept_informed", "yes_definitely", None, None),
        ("treated_differently", "no", None, None),
        ("services_not_known", "phone_line", None, None),
        ("services_not_known", "interpreters", None, None),
        ("postcode_district", None, "B12", None),
    ])
    assert (first.link_id, first.language, first.submitted_at) == (
        link_id, "pl", datetime(2026, 3, 31, 12))
    assert second_answers == sorted([
        ("overall_experience", "3", None, None),
        ("baby_neonatal_unit", "no", None, None),
        ("treated_differently", "yes", None, None),
        ("treated_differently_why", "ethnicity", None, None),
        ("treated_differently_why", "language", None, None),
        ("services_not_known", "knew_all", None, None),
    ])
    assert (second.link_id, second.language, second.submitted_at) == (
        None, "en", datetime(2026, 4, 1, 12))
    assert third_answers == [("overall_experience", "6", None, None),
                             ("postcode_district", None, "SW1A", None)]
    assert third.submitted_at.hour == 12 and third.submitted_at.minute == 0
    for response, _ in rows:
        assert response.survey_id == survey_id and response.submission_hash is None
        assert len(response.receipt_hash) == 64
        survey = db.session.get(Survey, survey_id)
        assert response.version_id == survey.latest_published_id()
    assert len({r.receipt_hash for r, _ in rows}) == 3


# --- the command line ---------------------------------------------------------------------


def test_cli_stores_every_row_as_the_file_says(app, demo, link, cli):
    with app.app_context():
        before = response_count()
    result = cli(good_file(link["code"]), "--source", "paper")
    assert result.exit_code == 0, result.output
    assert "Stored 3 responses to 'maternity-experience' version 1 (source: paper)" \
        in result.output
    with app.app_context():
        assert response_count() == before + 3
        check_the_good_file_was_stored(demo["survey_id"], link["id"], "paper")
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "responses_imported")).one()
        assert event.target == "maternity-experience"
        assert event.detail["count"] == 3 and event.detail["source"] == "paper"


def test_cli_source_defaults_to_import(app, demo, link, cli):
    assert cli(good_file(link["code"])).exit_code == 0
    with app.app_context():
        assert len(stored("import")) == 3 and stored("paper") == []


def test_cli_an_error_in_the_last_row_stores_nothing(app, demo, link, cli):
    with app.app_context():
        before = response_count()
    result = cli(with_error_in_last_row(good_file(link["code"])))
    assert result.exit_code == 1
    assert ("error: row 5, column 'services_not_known': 'knew_all' cannot go with other "
            "answers: give it on its own") in result.output
    with app.app_context():
        assert response_count() == before
        assert db.session.scalar(select(func.count(Answer.id)).where(
            Answer.response_id.in_(select(Response.id).where(Response.source != "web")))) == 0


def test_cli_lists_every_problem(app, demo, cli):
    result = cli("overall_experience,colour\n9,red\n")
    assert result.exit_code == 1
    assert "error: row 1, column 'colour': unknown column" in result.output
    result = cli("overall_experience,submitted_on,link\n9,2026-01-01,nope\n,31/12/2025,\n")
    assert result.exit_code == 1
    assert "error: row 2, column 'overall_experience': '9' is not an answer code" \
        in result.output
    assert "error: row 3, column 'overall_experience': an answer is required" in result.output
    assert "error: row 3, column 'submitted_on': '31/12/2025' is not a date" in result.output


def test_cli_unknown_link_stores_nothing(app, demo, cli):
    with app.app_context():
        before = response_count()
    result = cli("overall_experience,link\n1,\n2,nosuchlink\n")
    assert result.exit_code == 1
    assert "error: row 3, column 'link': 'nosuchlink' is not the code of a link" \
        in result.output
    with app.app_context():
        assert response_count() == before


def test_cli_partner_column_records_its_link(app, demo, cli):
    with app.app_context():
        partner = partner_named("Polish Community Centre")
        links = db.session.scalars(select(DistributionLink).where(
            DistributionLink.partner_id == partner.id,
            DistributionLink.survey_id == demo["survey_id"])).all()
    result = cli("overall_experience,partner\n1,Polish Community Centre\n2,Nobody\n")
    assert result.exit_code == 1
    assert "error: row 3, column 'partner': there is no partner organisation called " \
           "'Nobody'" in result.output
    assert len(links) == 1  # the demo gives each partner one link
    result = cli("overall_experience,partner\n1,Polish Community Centre\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        [(response, _)] = stored("import")
        assert response.link_id == links[0].id


def test_cli_dry_run_and_version(app, demo, link, cli):
    with app.app_context():
        before = response_count()
    result = cli(good_file(link["code"]), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "3 responses" in result.output and "Nothing was stored" in result.output
    assert cli(good_file(link["code"]), "--version", "7").exit_code == 1
    with app.app_context():
        assert response_count() == before


# --- the admin page -----------------------------------------------------------------------


@pytest.fixture
def admin(app, demo):
    client = app.test_client()
    with app.app_context():
        make_user("admin@example.nhs.uk", Role.ADMIN)
    assert sign_in(client, "admin@example.nhs.uk").status_code == 302
    return client


def upload(client, survey_id: int, text: str, source: str = "paper"):
    url = f"/admin/surveys/{survey_id}/import-responses"
    token = csrf_from(client.get(url).get_data(True))
    return client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "source": source, "version": "1",
        "file": (io.BytesIO(text.encode("utf-8")), "drop-in.csv")})


def test_the_survey_page_links_to_the_import(app, demo, admin):
    page = admin.get(f"/admin/surveys/{demo['survey_id']}")
    assert f"/admin/surveys/{demo['survey_id']}/import-responses" in page.get_data(True)


def test_upload_stores_every_row(app, demo, link, admin):
    response = upload(admin, demo["survey_id"], good_file(link["code"]))
    assert response.status_code == 200, response.get_data(True)
    assert "3 responses from drop-in.csv stored" in response.get_data(True)
    with app.app_context():
        check_the_good_file_was_stored(demo["survey_id"], link["id"], "paper")
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "responses_imported")).one()
        assert event.target == "maternity-experience" and event.detail["count"] == 3
        assert event.detail["source"] == "paper" and event.actor_email == "admin@example.nhs.uk"


def test_upload_with_an_error_in_the_last_row_stores_nothing(app, demo, link, admin):
    with app.app_context():
        before = response_count()
    response = upload(admin, demo["survey_id"], with_error_in_last_row(
        good_file(link["code"])), source="import")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(True), "html.parser")
    summary = soup.select_one(".nhsuk-error-summary")
    assert summary is not None and "Nothing was stored" in summary.get_text()
    assert "row 5, column 'services_not_known'" in summary.get_text()
    cells = [td.get_text() for td in soup.select("#problems tbody td")]
    assert cells[:2] == ["5", "services_not_known"]
    with app.app_context():
        assert response_count() == before
        assert db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "responses_import_refused")).one().detail["problems"] == 1


def test_upload_without_a_token_is_refused(app, demo, link, admin):
    response = admin.post(f"/admin/surveys/{demo['survey_id']}/import-responses",
                          content_type="multipart/form-data",
                          data={"source": "paper", "version": "1",
                                "file": (io.BytesIO(good_file(link["code"]).encode()), "a.csv")})
    assert response.status_code == 400
    with app.app_context():
        assert stored("paper") == []


def test_template_has_the_survey_columns_and_imports_cleanly(app, demo, admin, tmp_path):
    response = admin.get(f"/admin/surveys/{demo['survey_id']}/import-responses/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(True)
    header = text.lstrip("\ufeff").splitlines()[0].split(",")
    assert header[0] == "overall_experience"
    assert header[-3:] == ["language", "submitted_on", "link"]
    assert "postcode_district" in header
    # The example row is itself a valid file.
    result = app.test_cli_runner().invoke(args=[
        "import-responses", "maternity-experience", str(_write(tmp_path, text)), "--dry-run"])
    assert result.exit_code == 0, result.output


def _write(tmp_path, text: str):
    path = tmp_path / "template.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.PARTNER])
def test_reviewers_and_partners_cannot_import(app, demo, link, role):
    client = app.test_client()
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        partner = partner_named("Polish Community Centre") if role == Role.PARTNER else None
        make_user("someone@example.org", role, partner=partner,
                  surveys=[survey] if role == Role.REVIEWER else None)
    sign_in(client, "someone@example.org")
    base = f"/admin/surveys/{demo['survey_id']}/import-responses"
    assert client.get(base).status_code == 403
    assert client.get(base + "/template.csv").status_code == 403
    assert client.post(base, content_type="multipart/form-data", data={
        "source": "paper", "version": "1",
        "file": (io.BytesIO(good_file(link["code"]).encode()), "a.csv")}).status_code == 403
    with app.app_context():
        assert stored("paper") == []
