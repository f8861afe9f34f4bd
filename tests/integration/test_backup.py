"""`flask backup PATH`: a copy taken while the app runs, which restores every response."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess

import pytest
from sqlalchemy import select

from surveyapp import create_app
from surveyapp.demo import seed_demo
from surveyapp.extensions import db
from surveyapp.models import Answer, Response, Survey
from tests.integration.responses import add_responses
from tests.integration.scratch_pg import drop_database, scratch_database
from tests.integration.submitted import submit_response


def every_response(app) -> set[tuple]:
    """Each response with all its answers, as comparable values."""
    with app.app_context():
        answers: dict[int, list] = {}
        for a in db.session.scalars(select(Answer)):
            answers.setdefault(a.response_id, []).append(
                (a.question_key, a.option_code, a.text, a.number))
        return {(r.receipt_hash, r.submitted_at, r.language, r.link_id,
                 tuple(sorted(answers.get(r.id, []), key=repr)))
                for r in db.session.scalars(select(Response))}


def fill(app, demo) -> None:
    for lang in ("en", "ur", "pl"):
        submit_response(app, demo["links"][lang], lang=lang)
    with app.app_context():
        version = db.session.get(Survey, demo["survey_id"]).latest_published()
        add_responses(version, 40, {"overall_experience": "3", "what_was_good": "Warm tea.",
                                    "treated_differently_why": ["ethnicity", "religion"]})


@pytest.mark.sqlite_only
def test_a_backup_restores_every_response_and_answer(app, demo, tmp_path):
    fill(app, demo)
    original = every_response(app)
    assert len(original) == 43 and all(answers for *_, answers in original)
    copy = tmp_path / "backups" / "surveyapp-backup.db"
    result = app.test_cli_runner().invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert f"to {copy}" in result.output and "43 responses" in result.output
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600, "the copy holds every answer"
    # A response sent after the backup is not in it: the copy is one moment's snapshot.
    submit_response(app, demo["links"]["en"])

    # Restore: the copy opened as the app's database.
    restored = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{copy}")
    try:
        assert every_response(restored) == original
    finally:
        with restored.app_context():
            db.engine.dispose()


@pytest.mark.sqlite_only
def test_a_backup_never_overwrites_a_file_unless_forced(app, tmp_path):
    target = tmp_path / "existing.db"
    target.write_bytes(b"something precious")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code != 0 and "already exists" in refused.output
    assert target.read_bytes() == b"something precious"
    forced = runner.invoke(args=["backup", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]
    live = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    onto_itself = runner.invoke(args=["backup", live, "--force"])
    assert onto_itself.exit_code != 0 and "is the database itself" in onto_itself.output


def test_on_postgresql_it_prints_the_pg_dump_and_pg_restore_commands(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=(
        "postgresql+psycopg://surveyapp:s3cret-pw@db.internal:5433/surveyapp_prod"))
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code == 0, result.output
    assert "pg_dump --format=custom --file" in result.output
    assert "pg_restore --clean --if-exists" in result.output
    assert "postgresql://surveyapp@db.internal:5433/surveyapp_prod" in result.output
    assert "s3cret-pw" not in result.output and "+psycopg" not in result.output
    assert not (tmp_path / "x.dump").exists()


def printed_commands(app, path) -> tuple[list[str], list[str]]:
    output = app.test_cli_runner().invoke(args=["backup", str(path)]).output
    lines = [line.strip() for line in output.splitlines()]
    dump = next(line for line in lines if line.startswith("pg_dump "))
    restore = next(line for line in lines if line.startswith("pg_restore "))
    return shlex.split(dump), shlex.split(restore)


@pytest.mark.own_database
def test_the_documented_pg_dump_and_pg_restore_restore_every_response(tmp_path):
    """Run exactly the commands the backup command prints, on a scratch database."""
    missing = [tool for tool in ("pg_dump", "pg_restore") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed")
    name = "surveyapp_backup_check"
    url = scratch_database(name)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            db.create_all()
            survey, links, _ = seed_demo()
            demo = {"survey_id": survey.id,
                    "links": {link.default_language or "any": link.code for link in links}}
            db.session.remove()
        fill(app, demo)
        original = every_response(app)
        assert len(original) == 43

        dump, restore = printed_commands(app, tmp_path / "surveyapp.dump")
        env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
        subprocess.run(dump, check=True, capture_output=True, env=env, timeout=120)  # noqa: S603
        # Disaster: answers lost and something else written since.
        with app.app_context():
            db.session.execute(Answer.__table__.delete())
            db.session.execute(Response.__table__.delete())
            db.session.commit()
            db.engine.dispose()
        submit_response(app, demo["links"]["en"])
        with app.app_context():
            db.engine.dispose()  # pg_restore --clean drops tables: no idle connection may hold them
        done = subprocess.run(restore, capture_output=True, env=env, timeout=120,  # noqa: S603
                              text=True)
        assert done.returncode == 0, done.stderr
        assert every_response(app) == original
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(name)
