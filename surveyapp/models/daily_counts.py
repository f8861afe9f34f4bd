"""Responses and coded answers counted per survey, day and link: what "who is missing" reads.

A year of a busy survey is a million responses and six million answer rows; adding them up
on every page view is too slow. These two tables hold the same counts, added up per day,
so a page adds up a few thousand rows instead. The page's date filter is by whole days,
and its link and partner filters by link, so the figures read from here are exactly the
figures counted from the answers.

**Kept in step in the same transaction as the data**, by the statements that write it:
every INSERT into `response` or `answer` made through SQLAlchemy (the ORM, or Core
statements on any connection, such as the respondent journey's) adds its rows here, and
every DELETE from either (ORM deletes, `delete()` statements such as the retention purge)
takes its rows away before they go. See `_count_inserted` and `_uncount_deleted` below.

Safe when two requests write at once: counts are added with one INSERT … ON CONFLICT DO
UPDATE (atomic on both databases), rows are always changed in key order and responses'
counts before answers', and a delete is counted only once nothing else can change
those counts (PostgreSQL: LOCK TABLE … SHARE ROW EXCLUSIVE, which waits for submissions
being stored and holds new ones off until the delete commits; SQLite: the write lock is
taken first), so two erasures of the same response take it away once.

Until the tables exist (a database migrated to an older revision), nothing is counted
and nothing fails; the migration that adds them must fill them (`rebuild_all_daily_counts`
or the same INSERT … SELECT).

What is not seen, and must be followed by `surveyapp.insights.summary.refresh_daily_counts`
for the days touched (or `flask --app wsgi insights rebuild-counts`):

* writes that bypass SQLAlchemy (psql, a DBAPI cursor, COPY, a backup restored);
* text SQL (`text()`, `exec_driver_sql`, Alembic's `op.execute("...")`) that changes rows
  of `answer` or `response`: logged as a warning;
* statements run with the execution option `daily_counts="caller"`, for bulk work that
  rebuilds the counts itself afterwards.

Statements that cannot be counted from what they say (an INSERT … SELECT or with values
written into the statement, an UPDATE of a counted column) raise `UncountedWrite` before
anything is written, unless run with `daily_counts="caller"`.

No respondent is identifiable from these rows any more than from the answers: they hold
only numbers per day, never free text, and every page suppresses small numbers.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    Delete,
    ForeignKey,
    Insert,
    String,
    Update,
    and_,
    bindparam,
    delete,
    event,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.extensions import db

log = logging.getLogger(__name__)

NO_LINK = 0  # link_id here for responses that came through no link (paper and imported)
CALLER_COUNTS = "caller"  # execution option daily_counts="caller": the caller rebuilds


class DailyAnswerCount(db.Model):
    """How many answers gave `option_code` to `question_key` on `day` through a link."""

    __tablename__ = "daily_answer_count"
    __table_args__ = {"sqlite_with_rowid": False}  # rows stored in key order: range reads

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    question_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    # 0 (NO_LINK) for no link: a key column cannot be NULL, so no foreign key either.
    link_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    option_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    answers: Mapped[int]


class DailyResponseCount(db.Model):
    """How many responses came in on `day` through a link (0 for none)."""

    __tablename__ = "daily_response_count"
    __table_args__ = {"sqlite_with_rowid": False}

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    responses: Mapped[int]


class UncountedWrite(RuntimeError):
    """A write to responses or answers whose effect on the daily counts cannot be known."""


ANSWER_KEY = ("survey_id", "question_key", "day", "link_id", "option_code")
RESPONSE_KEY = ("survey_id", "day", "link_id")
COUNTED = {
    "answer": {"survey_id", "link_id", "submitted_at", "question_key", "option_code"},
    "response": {"survey_id", "link_id", "submitted_at"},
}


_TABLES = {"daily_answer_count": (DailyAnswerCount.__table__, ANSWER_KEY),
           "daily_response_count": (DailyResponseCount.__table__, RESPONSE_KEY)}


def day_of(moment: datetime | date | str) -> date:
    if isinstance(moment, datetime):
        return moment.date()
    if isinstance(moment, date):
        return moment
    return date.fromisoformat(str(moment)[:10])


# --- adding and taking away -------------------------------------------------------------


def _upsert(conn: Connection, table: Any, key: tuple[str, ...], column: str,
            deltas: Mapping[tuple[Any, ...], int]) -> None:
    """Add each delta to its row, creating the row if needed (one statement, many rows).

    INSERT … ON CONFLICT DO UPDATE: SQLite and PostgreSQL spell it the same way, and it is
    atomic, so two submissions counted at the same moment both count.
    """
    # In key order, so two transactions never wait for each other's rows crosswise.
    rows = [dict(zip(key, k, strict=True), **{column: n})
            for k, n in sorted(deltas.items()) if n]
    if rows:
        conn.execute(_upsert_statement(conn.dialect.name, table.name, column), rows)


@lru_cache(maxsize=8)
def _upsert_statement(dialect: str, table_name: str, column: str) -> Any:
    """Built once per dialect and table: building it costs more than running it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    table, key = _TABLES[table_name]
    statement = dialect_insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + statement.excluded[column]})


def _take_away(conn: Connection, table: Any, key: tuple[str, ...], column: str,
               deltas: Mapping[tuple[Any, ...], int]) -> None:
    """Subtract each delta from its row; rows left at zero (or below) go."""
    rows = [{f"k_{name}": value for name, value in zip(key, k, strict=True)} | {"n": n}
            for k, n in sorted(deltas.items()) if n]
    if not rows:
        return
    matches = and_(*(table.c[name] == bindparam(f"k_{name}") for name in key))
    conn.execute(update(table).where(matches).values({column: table.c[column]
                                                      - bindparam("n")}), rows)
    conn.execute(delete(table).where(matches, table.c[column] <= 0),
                 [{k: v for k, v in row.items() if k != "n"} for row in rows])


def _count_inserted(conn: Connection, table_name: str, rows: Iterable[Mapping[str, Any]]
                    ) -> None:
    if table_name == "response":
        responses: Counter[tuple[Any, ...]] = Counter(
            (row["survey_id"], day_of(row["submitted_at"]), row.get("link_id") or NO_LINK)
            for row in rows)
        _upsert(conn, DailyResponseCount.__table__, RESPONSE_KEY, "responses", responses)
        return
    answers: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        if row.get("option_code") is None:
            continue  # free text and numbers are not counted here
        if row.get("submitted_at") is None:
            raise UncountedWrite("an answer was stored without its response's hour "
                                 "(submitted_at): the daily counts need it")
        answers[(row["survey_id"], row["question_key"], day_of(row["submitted_at"]),
                 row.get("link_id") or NO_LINK, row["option_code"])] += 1
    _upsert(conn, DailyAnswerCount.__table__, ANSWER_KEY, "answers", answers)


def _uncount_deleted(conn: Connection, table_name: str, where: Any,
                     params: Mapping[str, Any]) -> None:
    """Before a DELETE runs: take away the counts of the rows it is about to delete.

    Counted from the rows themselves (a GROUP BY over what `where` matches), so any
    delete statement is covered, whatever its WHERE clause.
    """
    from surveyapp.models.response import Answer, Response

    answer, response = Answer.__table__, Response.__table__
    # Count what will go only once no one else can change it: otherwise two erasures of
    # the same response could both count it before either deletes it.
    if conn.dialect.name == "postgresql":
        # Waits for submissions being stored (they hold ROW EXCLUSIVE) and holds off new
        # ones until this transaction ends; deletes wait for each other. Responses' table
        # first, in the order a submission takes them, so neither waits on the other.
        conn.execute(text("LOCK TABLE daily_response_count, daily_answer_count "
                          "IN SHARE ROW EXCLUSIVE MODE"))
    else:
        # SQLite locks at a transaction's first write: a write that changes nothing.
        daily = DailyResponseCount.__table__
        conn.execute(update(daily).where(daily.c.survey_id == -1)
                     .values(responses=daily.c.responses))
    if table_name == "response":
        doomed = select(response.c.id)
        if where is not None:
            doomed = doomed.where(where)
        day = func.date(response.c.submitted_at, type_=Date)
        counted = select(response.c.survey_id, day, func.coalesce(response.c.link_id, NO_LINK),
                         func.count()).group_by(response.c.survey_id, day, response.c.link_id)
        if where is not None:
            counted = counted.where(where)
        _take_away(conn, DailyResponseCount.__table__, RESPONSE_KEY, "responses",
                   {tuple(row[:3]): row[3] for row in conn.execute(counted, params)})
        of_doomed = answer.c.response_id.in_(doomed)
    else:
        of_doomed = where
    day = func.date(answer.c.submitted_at, type_=Date)
    counted = (select(answer.c.survey_id, answer.c.question_key, day,
                      func.coalesce(answer.c.link_id, NO_LINK), answer.c.option_code,
                      func.count())
               .where(answer.c.option_code.is_not(None))
               .group_by(answer.c.survey_id, answer.c.question_key, day, answer.c.link_id,
                         answer.c.option_code))
    if of_doomed is not None:
        counted = counted.where(of_doomed)
    _take_away(conn, DailyAnswerCount.__table__, ANSWER_KEY, "answers",
               {tuple(row[:5]): row[5] for row in conn.execute(counted, params)})


# --- the statement hooks ----------------------------------------------------------------


def _counted_table(statement: Any) -> str | None:
    name = getattr(getattr(statement, "table", None), "name", None)
    return name if name in COUNTED else None


def _caller_counts(statement: Any, options: Mapping[str, Any]) -> bool:
    return (options.get("daily_counts") == CALLER_COUNTS
            or statement.get_execution_options().get("daily_counts") == CALLER_COUNTS)


def _param_sets(multiparams: Any, params: Any) -> list[Mapping[str, Any]]:
    return list(multiparams) if multiparams else [params or {}]


_TABLES_FOUND: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def _tables_exist(conn: Connection) -> bool:
    """Whether this database has the per-day tables yet.

    A database built by migrations older than these tables has none: storing a response
    must not fail then, and the migration that adds them recounts everything. Looked up
    on every write until found (so a running app picks them up as soon as they are
    made), then remembered for the engine.
    """
    engine = conn.engine
    if _TABLES_FOUND.get(engine):
        return True
    inspector = inspect(conn)
    found = all(inspector.has_table(table.name) for table in
                (DailyAnswerCount.__table__, DailyResponseCount.__table__))
    if found:
        _TABLES_FOUND[engine] = True
    else:
        log.warning("the per-day count tables do not exist yet: responses are stored but "
                    "not counted per day until the migration that adds them recounts")
    return found


@event.listens_for(Engine, "before_execute")
def _before_write(conn: Connection, statement: Any, multiparams: Any, params: Any,
                  options: Mapping[str, Any]) -> None:
    if not isinstance(statement, Insert | Update | Delete):
        return
    table_name = _counted_table(statement)
    if table_name is None or _caller_counts(statement, options) or not _tables_exist(conn):
        return
    if isinstance(statement, Insert):
        if (statement.select is not None or statement._multi_values  # noqa: SLF001
                or statement._values):  # noqa: SLF001
            raise UncountedWrite(
                f"new {table_name} rows given inside the statement (values() or from a select) "
                "cannot be counted: pass the rows as parameters, or run it with "
                "execution_options(daily_counts='caller') and refresh the daily counts")
        return  # counted once it has run (_after_write)
    if isinstance(statement, Update):
        touched = set((statement._values or {}).keys())  # noqa: SLF001
        touched = {getattr(c, "key", c) for c in touched}
        for row in _param_sets(multiparams, params):
            touched |= set(row)
        if touched & COUNTED[table_name]:
            raise UncountedWrite(
                f"an UPDATE of {table_name} may change what is counted per day: run it with "
                "execution_options(daily_counts='caller') and refresh the daily counts")
        return
    for row in _param_sets(multiparams, params):
        _uncount_deleted(conn, table_name, statement.whereclause, row)


@event.listens_for(Engine, "after_execute")
def _after_write(conn: Connection, statement: Any, multiparams: Any, params: Any,
                 options: Mapping[str, Any], _result: Any) -> None:
    if not isinstance(statement, Insert):
        return
    table_name = _counted_table(statement)
    if table_name is None or _caller_counts(statement, options) or not _tables_exist(conn):
        return
    _count_inserted(conn, table_name, _param_sets(multiparams, params))


_TEXT_WRITE = re.compile(r"\s*(?:insert\s+into|delete\s+from|update)\s+\"?(answer|response)\b",
                         re.IGNORECASE)


@event.listens_for(Engine, "after_cursor_execute")
def _text_write(conn: Connection, cursor: Any, statement: str, _parameters: Any,
                context: Any, _executemany: bool) -> None:
    """Text SQL cannot be counted: say so when it changed rows of answers or responses."""
    compiled = getattr(context, "compiled", None)
    if compiled is not None and isinstance(compiled.statement, Insert | Update | Delete):
        return  # a statement the hooks above understood
    if not _TEXT_WRITE.match(statement) or (getattr(cursor, "rowcount", 0) or 0) <= 0:
        return
    if getattr(context, "execution_options", {}).get("daily_counts") == CALLER_COUNTS:
        return
    log.warning("text SQL changed %s rows of %s: the daily counts are not kept in step; "
                "run `flask --app wsgi insights rebuild-counts` afterwards",
                cursor.rowcount, _TEXT_WRITE.match(statement).group(1))  # type: ignore[union-attr]
