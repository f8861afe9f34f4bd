"""Queueing comment analysis for the worker, without making a respondent wait for it.

With ``REDIS_URL`` set, :func:`install_enqueue_hook` watches the app's database engine: a
committed transaction that stored responses (the respondent journey's one Core insert, a
spreadsheet import, the demo) queues one RQ job naming those response ids, and the worker
(`flask --app wsgi worker`, or `rq worker analysis`) analyses their comments. Only ids go
to Redis, never what anyone wrote.

Why engine events and not a Session ``after_commit`` hook: the journey stores a response
with SQLAlchemy Core on its own connection (surveyapp/respond/journey.py), so no ORM
session ever sees it. The hook notes new response ids after each ``INSERT INTO response``,
keeps them when the transaction commits (forgets them on rollback), and queues them when
the connection goes back to the pool, by which time the commit has happened, so the
worker always finds the answers.

Queueing can never fail or slow a submission: the Redis client has short timeouts and no
retries, every error is caught and logged, and after a failure the hook stops trying for
:data:`PAUSE_AFTER_FAILURE` seconds. Whatever was not queued stays waiting in the database
and the worker's regular database check (or `themes refresh`) analyses it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from surveyapp.extensions import db
from surveyapp.models import Response

log = logging.getLogger(__name__)

QUEUE_NAME = "analysis"
JOB_TIMEOUT = 30 * 60  # seconds; a job of 1,000 responses takes well under a minute
FAILED_JOBS_KEPT = 7 * 24 * 3600
MAX_IDS_PER_JOB = 1000  # a bigger import queues one "analyse everything waiting" job
PAUSE_AFTER_FAILURE = 30.0  # seconds without trying Redis after it failed
CONNECT_TIMEOUT = 0.25
SOCKET_TIMEOUT = 0.5
_INFO_KEY = "surveyapp.analysis_queue"

RESPONSES_JOB = "surveyapp.themes.queue.analyse_responses_job"
PENDING_JOB = "surveyapp.themes.queue.analyse_pending_job"


def queue_name(app: Flask) -> str:
    return app.config.get("ANALYSIS_QUEUE") or QUEUE_NAME


# --- noticing new responses --------------------------------------------------------------------


@dataclass
class _Noted:
    """Response ids seen on one database connection, by the state of their transaction.
    None stands for "some response whose id the driver did not return"."""

    new: list[int | None] = field(default_factory=list)
    committing: list[int | None] = field(default_factory=list)
    committed: list[int | None] = field(default_factory=list)


def _noted(info: dict[str, Any]) -> _Noted:
    found = info.get(_INFO_KEY)
    if found is None:
        found = info[_INFO_KEY] = _Noted()
    return found


def install_enqueue_hook(app: Flask) -> None:
    """Queue analysis of newly committed responses, when REDIS_URL is configured."""
    url = app.config.get("REDIS_URL")
    if not url:
        return
    queue = _Enqueuer(url, queue_name(app))
    app.extensions["analysis_enqueuer"] = queue
    with app.app_context():
        engine = db.engine
    response_table = Response.__table__

    @event.listens_for(engine, "after_execute")
    def _inserted(conn: Any, clause: Any, _multi: Any, _params: Any, _options: Any,
                  result: Any) -> None:
        if not (isinstance(clause, Insert) and clause.table is response_table):
            return
        try:
            ids = [row[0] if row else None for row in result.inserted_primary_key_rows]
        except Exception:  # a driver that returns no ids: queue a sweep instead  # noqa: BLE001
            ids = [None]
        _noted(conn.info).new.extend(ids or [None])

    @event.listens_for(engine, "commit")
    def _committing(conn: Any) -> None:
        noted = conn.info.get(_INFO_KEY)
        if noted is not None and noted.new:
            noted.committing.extend(noted.new)
            noted.new.clear()

    @event.listens_for(engine, "begin")
    def _begun(conn: Any) -> None:
        # A new transaction on this connection: the last commit went through.
        noted = conn.info.get(_INFO_KEY)
        if noted is not None and noted.committing:
            noted.committed.extend(noted.committing)
            noted.committing.clear()

    @event.listens_for(engine, "rollback")
    def _rolled_back(conn: Any) -> None:
        noted = conn.info.get(_INFO_KEY)
        if noted is not None:
            noted.new.clear()
            noted.committing.clear()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        noted = record.info.get(_INFO_KEY) if record is not None else None
        if noted is None or not (noted.committed or noted.committing):
            return
        ids = noted.committed + noted.committing
        noted.committed.clear()
        noted.committing.clear()
        noted.new.clear()
        queue.enqueue(ids)


class _Enqueuer:
    """Puts jobs on the RQ queue; never raises, and rests after a failure."""

    def __init__(self, url: str, name: str):
        self.url = url
        self.name = name
        self._queue: Any = None
        self._resting_until = 0.0

    def _rq_queue(self) -> Any:
        if self._queue is None:
            from redis import Redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry
            from rq import Queue

            connection = Redis.from_url(self.url, socket_connect_timeout=CONNECT_TIMEOUT,
                                        socket_timeout=SOCKET_TIMEOUT,
                                        retry=Retry(NoBackoff(), 0))
            self._queue = Queue(self.name, connection=connection)
        return self._queue

    def enqueue(self, ids: list[int | None]) -> bool:
        if time.monotonic() < self._resting_until:
            log.info("analysis queue resting after a Redis failure: %d responses left "
                     "waiting for the worker's database check", len(ids))
            return False
        try:
            known = sorted({i for i in ids if i is not None})
            options = {"job_timeout": JOB_TIMEOUT, "result_ttl": 0,
                       "failure_ttl": FAILED_JOBS_KEPT}
            if None in ids or len(known) > MAX_IDS_PER_JOB:
                self._rq_queue().enqueue(PENDING_JOB, **options)
            else:
                self._rq_queue().enqueue(RESPONSES_JOB, known, **options)
            return True
        except Exception as error:  # Redis down or slow: never the respondent's problem  # noqa: BLE001
            self._resting_until = time.monotonic() + PAUSE_AFTER_FAILURE
            log.warning("could not queue analysis of %d new responses (%s: %s); they stay "
                        "waiting and the worker's database check or `flask themes refresh` "
                        "will analyse them", len(ids), type(error).__name__, error)
            return False


# --- the jobs the worker runs ---------------------------------------------------------------

_worker_app: Flask | None = None


@contextmanager
def _job_session() -> Iterator[Session]:
    """The database session for a job: the worker command's app when there is one
    (`flask --app wsgi worker`), otherwise an app made once per process (`rq worker`)."""
    global _worker_app
    if has_app_context():
        try:
            yield db.session
        finally:
            db.session.remove()
        return
    if _worker_app is None:
        from surveyapp import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        try:
            yield db.session
        finally:
            db.session.remove()


def analyse_responses_job(response_ids: list[int]) -> dict[str, int]:
    """RQ job: analyse the waiting comments of these responses."""
    from surveyapp.themes.pipeline import analyse_responses

    with _job_session() as session:
        counts = analyse_responses(session, response_ids)
    log.info("analysed the comments of %d responses: %s", len(response_ids), counts.as_dict())
    return counts.as_dict()


def analyse_pending_job() -> dict[str, int]:
    """RQ job: analyse every comment waiting (after a bulk insert without ids)."""
    from surveyapp.themes.pipeline import analyse_pending

    with _job_session() as session:
        counts = analyse_pending(session)
    log.info("analysed waiting comments: %s", counts.as_dict())
    return counts.as_dict()
