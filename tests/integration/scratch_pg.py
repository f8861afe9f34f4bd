"""A scratch PostgreSQL database of its own for a test (dropped and made again), on the
local server at 127.0.0.1:5432; the test is skipped, saying why, if none answers."""

from __future__ import annotations

import re

import pytest

SERVER = "postgresql://postgres@127.0.0.1:5432"


def scratch_database(name: str) -> str:
    """Drop and create database `name`; return its SQLAlchemy URL."""
    assert re.fullmatch(r"[a-z_]+", name), name
    try:
        import psycopg

        admin = psycopg.connect(f"{SERVER}/postgres", connect_timeout=3, autocommit=True)
    except Exception as error:  # noqa: BLE001 - any failure means no server to use
        pytest.skip(f"PostgreSQL is not answering on 127.0.0.1:5432 ({error.__class__.__name__})")
    with admin:
        # CREATE/DROP DATABASE cannot run in a transaction: hence autocommit.
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", connect_timeout=3, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
