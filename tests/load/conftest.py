"""Fixtures for the load and fault tests: a database of their own, schema built with the
real migrations and the demo loaded. SQLite in the first pass of `make test`; PostgreSQL
in its PostgreSQL pass (DATABASE_URL names PostgreSQL), so each pass carries half the
load and the two run side by side. Never the shared `test` database itself."""

from __future__ import annotations

import pytest

from bench.harness import ensure_postgres_database, postgres_answers, prepare
from tests.conftest import ON_POSTGRES

PG_DATABASE = "surveyapp_load_tests"


@pytest.fixture
def served_database(tmp_path) -> tuple[str, dict[str, str]]:
    """(database URL, demo link code per language), on the engine of this pass."""
    if not ON_POSTGRES:
        url = f"sqlite:///{tmp_path / 'load.db'}"
    else:
        if not postgres_answers():
            pytest.skip("PostgreSQL is not answering on 127.0.0.1:5432")
        url = ensure_postgres_database(PG_DATABASE)
    codes, note = prepare(url)
    assert note.startswith("migrations"), note
    return url, codes
