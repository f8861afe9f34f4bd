"""Every Alembic revision upgrades from the one before and downgrades back, on SQLite and
on PostgreSQL, and `flask db upgrade` builds exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from surveyapp import create_app
from surveyapp.demo import seed_demo
from surveyapp.extensions import db
from surveyapp.insights.summary import daily_count_differences
from tests.integration.scratch_pg import drop_database, scratch_database
from tests.integration.submitted import submit_response

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PG_DATABASE = "surveyapp_migrations"
# Scratch databases of its own on both engines: the same whichever pass runs it.
pytestmark = pytest.mark.own_database


def revisions_in_order() -> list[str]:
    script = ScriptDirectory(str(MIGRATIONS))
    return [s.revision for s in reversed(list(script.walk_revisions("base", "heads")))]


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def walk_every_revision() -> None:
    """Up one revision, down again, up again: each upgrade and each downgrade runs."""
    previous = "base"
    for revision in revisions_in_order():
        upgrade(revision=revision)
        assert current_revision() == revision
        with_revision = tables()
        downgrade(revision=previous)
        assert current_revision() == (None if previous == "base" else previous)
        upgrade(revision=revision)
        assert tables() == with_revision, revision
        previous = revision
    downgrade(revision="base")
    assert tables() == set(), "downgrading to base left tables behind"
    upgrade()


def differences_from_the_models() -> list[str]:
    """What `flask db migrate` would write, one line each ("add_table comment_analysis")."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [describe(diff) for diff in compare_metadata(context, db.metadata)]


def describe(diff) -> str:
    if isinstance(diff, list):  # column changes come as a list of modify_* tuples
        return "; ".join(describe(part) for part in diff)
    operation, *rest = diff
    names = []
    for part in rest:
        if hasattr(part, "table") and hasattr(part, "name"):  # a column, index or constraint
            names.append(f"{getattr(part.table, 'name', '?')}.{part.name}")
        elif hasattr(part, "name"):
            names.append(str(part.name))
        elif isinstance(part, str):
            names.append(part)
    return f"{operation} {' '.join(names)}".strip()


def test_the_revisions_form_one_line():
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1, f"several heads: {script.get_heads()}"
    assert len(revisions_in_order()) >= 3


def test_every_revision_upgrades_and_downgrades_on_sqlite(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'walk.db'}")
    with app.app_context():
        try:
            walk_every_revision()
            assert current_revision() == revisions_in_order()[-1]
        finally:
            db.engine.dispose()


def test_upgrade_head_matches_the_models_on_sqlite(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'head.db'}")
    with app.app_context():
        try:
            upgrade()
            differences = differences_from_the_models()
        finally:
            db.engine.dispose()
    assert differences == [], "the models changed without a migration (run `flask db " \
        "migrate` and check what it writes):\n" + "\n".join(differences)


@pytest.fixture
def postgres_app():
    url = scratch_database(PG_DATABASE)  # skips, saying why, when no server answers
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(PG_DATABASE)


def test_every_revision_upgrades_and_downgrades_on_postgresql(postgres_app):
    with postgres_app.app_context():
        walk_every_revision()
        assert current_revision() == revisions_in_order()[-1]


def test_upgrade_head_matches_the_models_on_postgresql(postgres_app):
    with postgres_app.app_context():
        upgrade()
        differences = differences_from_the_models()
    assert differences == [], "the models changed without a migration (run `flask db " \
        "migrate` and check what it writes):\n" + "\n".join(differences)


def count_rows(table: str) -> int:
    with db.engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def revision_before_the_one_creating(table: str) -> str:
    script = ScriptDirectory(str(MIGRATIONS))
    for revision in script.walk_revisions("base", "heads"):
        if f"create_table('{table}'" in Path(revision.path).read_text():
            return revision.down_revision
    raise AssertionError(f"no revision creates {table}")


def upgrade_fills_the_daily_counts_from_stored_answers(app) -> None:
    """Responses stored before the per-day counts existed are counted by the migration."""
    with app.app_context():
        upgrade()
        _, links, _ = seed_demo()
        code = links[0].code
    for _ in range(2):
        submit_response(app, code)
    with app.app_context():
        kept_answers = count_rows("daily_answer_count")
        assert kept_answers > 0 and count_rows("daily_response_count") == 1
        before = revision_before_the_one_creating("daily_answer_count")
        downgrade(revision=before)
        assert "daily_answer_count" not in tables()
        upgrade()
        assert count_rows("daily_answer_count") == kept_answers
        assert daily_count_differences(db.session) == []


def test_upgrade_fills_the_daily_counts_on_sqlite(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fill.db'}")
    try:
        upgrade_fills_the_daily_counts_from_stored_answers(app)
    finally:
        with app.app_context():
            db.engine.dispose()


def test_upgrade_fills_the_daily_counts_on_postgresql(postgres_app):
    upgrade_fills_the_daily_counts_from_stored_answers(postgres_app)
