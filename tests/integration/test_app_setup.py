"""Configuration, migrations and the flask commands."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import DistributionLink, Response, Survey, SurveyVersion
from tests.conftest import ON_POSTGRES


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.sqlite_only
def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade()
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        assert tables == set(db.metadata.tables)
        for table in db.metadata.sorted_tables:
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == set(table.columns.keys()), table.name
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_sqlite_is_set_up_for_a_web_server(tmp_path):
    if ON_POSTGRES:
        pytest.skip("SQLite settings")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'w.db'}")
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
        db.engine.dispose()


def test_seed_demo_loads_once_and_prints_the_links(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Loaded demo survey" in first.output
    assert first.output.count("/s/") == 6
    import re

    logins = re.findall(r"(admin|reviewer|partner)\s+(\S+@demo\.invalid)\s+password: (\S+)",
                        first.output)
    assert [role for role, _, _ in logins] == ["admin", "reviewer", "partner"]
    client = app.test_client()
    from tests.integration.staff import sign_in

    for _, email, password in logins:
        assert sign_in(client, email, password).status_code == 302
        client.post("/staff/logout", data={})
        client = app.test_client()
    second = runner.invoke(args=["seed-demo"])
    assert "Already loaded" in second.output and "password" not in second.output
    with app.app_context():
        assert len(db.session.scalars(select(Survey)).all()) == 1
        assert len(db.session.scalars(select(DistributionLink)).all()) == 6
        codes = [link.code for link in db.session.scalars(select(DistributionLink))]
    assert len(set(codes)) == 6 and all(len(code) >= 10 for code in codes)


def test_surveys_check_and_load_report_problems_by_key(app, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: 1\nkey: x\ntitle: X\nintroduction: Hi\npages:\n"
                   "  - key: p\n    title: P\n    questions:\n"
                   "      - {key: q, type: essay, text: Q}\n")
    result = runner.invoke(args=["surveys", "check", str(bad)])
    assert result.exit_code == 1
    assert "question 'q': type 'essay'" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(bad.read_text().replace("essay", "text"))
    assert runner.invoke(args=["surveys", "check", str(good)]).exit_code == 0
    loaded = runner.invoke(args=["surveys", "load", str(good)])
    assert "version 1 (published)" in loaded.output
    again = runner.invoke(args=["surveys", "load", str(good)])
    assert "version 2 (published)" in again.output
    with app.app_context():
        versions = db.session.scalars(select(SurveyVersion).order_by(SurveyVersion.number))
        assert [v.number for v in versions] == [1, 2]


def test_responses_stay_attached_to_the_version_they_answered(app, demo, respondent):
    from surveyapp.demo import DEMO_SURVEY
    from surveyapp.surveys.files import read_survey
    from surveyapp.surveys.store import add_version

    respondent.start(demo["links"]["en"])
    respondent.answer_all({"overall_experience": "1"})
    respondent.submit()
    with app.app_context():
        add_version(read_survey(DEMO_SURVEY))
        response = db.session.scalars(select(Response)).one()
        assert response.version_id == 1
        survey = db.session.get(Survey, demo["survey_id"])
        assert survey.latest_published().number == 2


def test_no_respondent_identifier_columns_exist(app):
    with app.app_context():
        inspector = inspect(db.engine)
        for table in inspector.get_table_names():
            names = {c["name"].lower() for c in inspector.get_columns(table)}
            assert not names & {"ip", "ip_address", "remote_addr", "user_agent"}, table
        for table in ("response", "answer", "draft", "link_daily_count"):
            names = {c["name"].lower() for c in inspector.get_columns(table)}
            assert not names & {"email", "name", "phone", "postcode", "nhs_number",
                                "session_id", "created_by"}, table


def test_security_headers_are_set(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_stylesheet_is_versioned_and_cacheable(app, demo, client):
    page = client.get(f"/s/{demo['links']['en']}").get_data(True)
    import re

    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert re.search(r"/static/dist/main\.css\?v=[0-9a-f]{12}$", href)
    css = client.get(href)
    assert css.status_code == 200
    assert "max-age=31536000" in css.headers["Cache-Control"]
    assert "Cookie" not in css.headers.get("Vary", "")  # shared caches may serve it to all
    assert "Set-Cookie" not in css.headers


def test_respondent_pages_get_the_small_stylesheet_and_staff_pages_the_full_one(
        app, demo, client):
    from pathlib import Path

    dist = Path(app.static_folder) / "dist"
    main, staff = (dist / "main.css").read_text(), (dist / "staff.css").read_text()
    assert ".nhsuk-table" not in main and ".app-chart" not in main
    assert ".nhsuk-table" in staff and ".app-chart" in staff
    assert "dist/main.css" in client.get(f"/s/{demo['links']['en']}").get_data(True)
    assert "dist/staff.css" in client.get("/staff/login").get_data(True)


@pytest.mark.sqlite_only
def test_upgrading_copies_each_responses_link_and_hour_onto_its_answers(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'u.db'}")
    with app.app_context():
        upgrade(revision="a3548cfc833c")
        db.session.execute(text(
            "INSERT INTO survey (id, key, title, status, created_at) "
            "VALUES (1, 's', 'S', 'live', '2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO survey_version (id, survey_id, number, definition, created_at) "
            "VALUES (1, 1, 1, '{}', '2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO partner (id, name, kind, created_at) "
            "VALUES (1, 'P', 'vcse', '2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO distribution_link (id, code, partner_id, survey_id, label, active, "
            "created_at) VALUES (7, 'abc', 1, 1, 'L', 1, '2026-01-01 00:00:00')"))
        db.session.execute(text(
            "INSERT INTO response (id, survey_id, version_id, link_id, language, source, "
            "submitted_at, receipt_hash) VALUES (1, 1, 1, 7, 'en', 'web', "
            "'2026-03-04 10:00:00.000000', 'h')"))
        db.session.execute(text(
            "INSERT INTO answer (id, response_id, survey_id, question_key, option_code) "
            "VALUES (1, 1, 1, 'ethnic_group', 'indian')"))
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT link_id, submitted_at FROM answer")).one()
        assert row[0] == 7 and str(row[1]).startswith("2026-03-04 10:00:00")
        db.engine.dispose()


def test_stored_answers_carry_their_responses_link_and_hour(app, demo, respondent):
    from surveyapp.models import Answer

    respondent.start(demo["links"]["ur"])
    respondent.answer_all({"overall_experience": "1", "ethnic_group": "pakistani"})
    respondent.submit()
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        for answer in db.session.scalars(select(Answer)):
            assert answer.link_id == response.link_id is not None
            assert answer.submitted_at == response.submitted_at
