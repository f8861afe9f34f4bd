"""Fixtures shared by every test folder.

`DATABASE_URL` switches the whole suite to PostgreSQL (`make test` does a second run that
way); otherwise each test gets its own SQLite file.
"""

from __future__ import annotations

import os
import socket

import pytest
from sqlalchemy import text

from surveyapp import create_app
from surveyapp.extensions import db

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: only meaningful on SQLite")
    config.addinivalue_line("markers", "markup_only: checks pages, not storage; the "
                                       "PostgreSQL pass of `make test` leaves it out")
    config.addinivalue_line("markers", "own_database: makes its own scratch databases "
                                       "whatever DATABASE_URL says, so it runs in the first "
                                       "pass of `make test` only")
    config.addinivalue_line("markers", "balance: markup only, but run in the PostgreSQL "
                                       "pass of `make test` instead of the SQLite pass when "
                                       "both run, so the two passes take about as long")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing in the app may reach the outside world: any non-loopback connection fails."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") \
                and not host.startswith("/"):
            raise OSError(f"test tried to reach {host}: the network is off in tests")
        return real_connect(sock, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def _postgres_schema() -> None:
    """On PostgreSQL, build the schema once with the real migrations."""
    if not ON_POSTGRES:
        return
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=POSTGRES_URL)
    with app.app_context():
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
        upgrade()
        db.engine.dispose()


@pytest.fixture
def database_url(tmp_path, _postgres_schema) -> str:
    return POSTGRES_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        empty_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def empty_database() -> None:
    """Every table there and empty (inside an app context): PostgreSQL's schema is built
    once a session from the migrations, so its tables are emptied; SQLite's file is new."""
    if ON_POSTGRES:
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.session.commit()
    else:
        db.create_all()


@pytest.fixture
def client(app):
    return app.test_client()
