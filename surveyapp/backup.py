"""`flask --app wsgi backup PATH`: a consistent copy of the database, taken while it runs.

SQLite: SQLite's online backup API (Python's sqlite3 Connection.backup) copies the live
database page by page through a connection, so the copy is consistent even while
respondents are submitting (WAL mode lets them carry on writing meanwhile). PostgreSQL:
pg_dump and pg_restore do this job better than the app could, so the command prints them.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, Engine

from surveyapp.extensions import db


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@with_appcontext
def backup_command(path: Path, force: bool) -> None:
    """Back up the database to PATH (SQLite), or print the pg_dump command (PostgreSQL)."""
    url = db.engine.url
    backend = url.get_backend_name()
    if backend == "postgresql":
        click.echo(postgres_instructions(url, path))
        return
    if backend != "sqlite":
        raise click.ClickException(f"backups of {backend} databases are not supported")
    live = Path(url.database).resolve() if url.database else None
    if live is not None and path.resolve() == live:
        raise click.ClickException(f"{path} is the database itself: choose another path")
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists: choose another path, or add "
                                   "--force to replace it")
    responses, answers = backup_sqlite(db.engine, path)
    click.echo(f"Backed up {live or 'the in-memory database'} to {path} "
               f"({path.stat().st_size:,} bytes): {responses} responses, {answers} answers. "
               "Keep it as safe as the database: it holds every answer.")


def backup_sqlite(engine: Engine, path: Path) -> tuple[int, int]:
    """Copy the live SQLite database to `path` (replacing it) and check the copy; return
    the (responses, answers) the copy holds.

    The copy is written next to `path` and renamed into place, so `path` is never half a
    backup; it is readable by its owner only, and a single file (journal_mode DELETE), so
    it can be copied elsewhere on its own.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        copy = sqlite3.connect(partial)
        try:
            source = engine.raw_connection()
            try:
                source.driver_connection.backup(copy)  # type: ignore[union-attr]
            finally:
                source.close()
            copy.execute("PRAGMA journal_mode=DELETE")
            problems = copy.execute("PRAGMA quick_check").fetchall()
            if problems != [("ok",)]:
                raise click.ClickException(f"the copy failed SQLite's check: {problems[:3]}")
            responses = copy.execute("SELECT count(*) FROM response").fetchone()[0]
            answers = copy.execute("SELECT count(*) FROM answer").fetchone()[0]
        finally:
            copy.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return responses, answers


def postgres_instructions(url: URL, path: Path) -> str:
    """The pg_dump and pg_restore commands for this database (README, "Backups")."""
    # libpq wants postgresql://, not SQLAlchemy's postgresql+psycopg://; the password
    # stays out of the command line (and out of shell history).
    target = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                        database=url.database, query=url.query).render_as_string(
        hide_password=False)
    dump = shlex.join(["pg_dump", "--format=custom", "--file", str(path), "--dbname", target])
    restore = shlex.join(["pg_restore", "--clean", "--if-exists", "--no-owner",
                          "--dbname", target, str(path)])
    return ("This database is PostgreSQL: back it up with pg_dump (a consistent snapshot, "
            "taken while the app runs):\n"
            f"  {dump}\n"
            "and restore it (replacing what is there) with:\n"
            f"  {restore}\n"
            "Give the password through PGPASSWORD or ~/.pgpass, not on the command line.")
