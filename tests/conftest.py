"""Fixtures shared by every test folder.

`DATABASE_URL` switches the whole suite to PostgreSQL (`make test` does a second run that
way); otherwise each test gets its own SQLite file.
"""

from __future__ import annotations

import os
import pickle
import shutil
import socket
import sqlite3
from pathlib import Path

import pytest
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import text

import surveyapp.demo
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


class _SharedTemplateCode(BytecodeCache):
    """Every test's app is new, so each compiled every template it rendered again (about a
    third of a typical app test's time). Jinja's bytecode cache keeps the compiled code in
    memory for the session: a template is used from it only when its source is unchanged
    (checksum) and the app's Jinja settings are the same as those it was compiled with."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    @staticmethod
    def _settings(env) -> str:
        return repr((env.autoescape, sorted(env.extensions), env.block_start_string,
                     env.block_end_string, env.variable_start_string, env.variable_end_string,
                     env.comment_start_string, env.comment_end_string,
                     env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                     env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                     env.optimized, env.finalize, env.is_async,
                     getattr(env, "newstyle_gettext", None), env.code_generator_class,
                     env.context_class, env.concat))

    def get_bucket(self, environment, name, filename, source) -> Bucket:
        key = f"{self.get_cache_key(name, filename)}|{self._settings(environment)}"
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # checks the source checksum; if changed, none

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedTemplateCode()


@pytest.fixture(scope="session")
def _sqlite_schema(tmp_path_factory) -> Path | None:
    """On SQLite, an empty database file with every table (db.create_all()), made once a
    session; each test's `app` starts from a copy of it instead of creating the tables."""
    if ON_POSTGRES:
        return None
    path = tmp_path_factory.mktemp("schema") / "empty.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file, none in the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def database_url(tmp_path, _postgres_schema) -> str:
    return POSTGRES_URL if ON_POSTGRES else f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_url, tmp_path, _sqlite_schema):
    fresh_file = tmp_path / "test.db"
    copied = (_sqlite_schema is not None and database_url == f"sqlite:///{fresh_file}"
              and not fresh_file.exists())
    if copied:
        shutil.copyfile(_sqlite_schema, fresh_file)  # the same tables create_all() makes
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    if not copied:
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


# The demo survey's files (survey.yaml and a .po file a language) are read and validated
# again by every seed_demo(), which most app tests call; the Definition they give is the
# same while the files are unchanged, so it is read once and handed out as a fresh copy.
_read_demo_survey = surveyapp.demo.read_survey
_demo_definitions: dict[tuple, bytes] = {}


def _files_state(path: Path) -> tuple:
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                 for p in sorted(Path(path).parent.iterdir()) if p.is_file())


def _read_survey_once(path):
    if Path(path) != surveyapp.demo.DEMO_SURVEY:
        return _read_demo_survey(path)
    key = (str(path), _files_state(path))
    if key not in _demo_definitions:
        _demo_definitions[key] = pickle.dumps(_read_demo_survey(path))
    return pickle.loads(_demo_definitions[key])  # bytes pickled just above


surveyapp.demo.read_survey = _read_survey_once
