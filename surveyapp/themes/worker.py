"""`flask --app wsgi worker`: the one process that analyses comments, with or without Redis.

- **With REDIS_URL**: an RQ worker on the analysis queue (``SimpleWorker``: jobs run in
  this process, which already has the app and its database pool; no fork per job). Jobs
  arrive as respondents submit (surveyapp/themes/queue.py). Whenever the queue has been
  idle for ``poll`` seconds, it also checks the database, so anything that could not be
  queued (Redis was down) is still analysed. If Redis stops answering, the worker keeps
  checking the database until it is back.
- **Without Redis**: it checks the database every ``poll`` seconds.

A database check (:class:`Sweeper`) is cheap: it looks only at answers stored since the
last check (with a look-back for transactions that committed out of order) and at rows
queued again. Every ``full_every`` seconds, and at start, it looks at everything, queues
comments analysed with an older framework version again, and recounts emerging phrases.

SIGTERM or Ctrl+C stops it after the batch in hand (at most ``batch`` comments, a few
seconds); nothing is lost, as each batch is one transaction.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.themes import pipeline
from surveyapp.themes.queue import queue_name

log = logging.getLogger(__name__)

LOOK_BACK = 5000  # answer ids before the last check's newest, re-checked each time


@dataclass
class Sweeper:
    batch_size: int = 200
    full_every: float = 3600.0
    look_back: int = LOOK_BACK
    framework: pipeline.ActiveFramework = field(default_factory=pipeline.active_framework)
    _watermark: int | None = None
    _last_full: float = float("-inf")

    def sweep(self, session: Session, should_stop: Any = None) -> pipeline.Counts:
        newest = pipeline.latest_answer_id(session)
        full = self._watermark is None or time.monotonic() - self._last_full >= self.full_every
        marked = 0
        if full:
            marked = pipeline.mark_outdated(session, self.framework)
            after = 0
        else:
            after = max(0, (self._watermark or 0) - self.look_back)
        counts = pipeline.analyse_pending(session, self.batch_size, after_answer_id=after,
                                          fw=self.framework, should_stop=should_stop)
        counts.marked = marked
        if full:
            self._refresh_emerging(session)
            self._last_full = time.monotonic()
        self._watermark = max(self._watermark or 0, newest)
        return counts

    def _refresh_emerging(self, session: Session) -> None:
        from surveyapp.models import CommentAnalysis

        surveys = session.scalars(select(CommentAnalysis.survey_id).distinct()).all()
        for survey_id in surveys:
            pipeline.refresh_emerging_phrases(session, survey_id, self.framework)


def _report(counts: pipeline.Counts) -> None:
    if counts.stored or counts.marked:
        log.info("analysed %d comments, %d wait for a translation, %d failed "
                 "(%d queued again for a new framework version)", counts.analysed,
                 counts.awaiting_translation, counts.failed, counts.marked)


def run_worker(app: Flask, poll: float = 10.0, batch_size: int = 200, burst: bool = False,
               full_every: float = 3600.0) -> None:
    """Run until SIGTERM/SIGINT (or, with ``burst``, until nothing is waiting)."""
    from surveyapp.extensions import db

    stop = threading.Event()
    sweeper = Sweeper(batch_size=batch_size, full_every=full_every)

    def ask_to_stop(_signum: int, _frame: Any) -> None:
        stop.set()

    def own_signals() -> None:
        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)

    failures = 0

    def check_database() -> None:
        nonlocal failures
        try:
            _report(sweeper.sweep(db.session, should_stop=stop.is_set))
            failures = 0
        except Exception as error:  # the database may be restarting: try again  # noqa: BLE001
            failures += 1
            if failures == 1:  # the whole story once, then one line a time
                log.exception("checking the database for waiting comments failed (if a "
                              "table is missing, run `flask --app wsgi db upgrade`)")
            else:
                log.warning("checking the database for waiting comments failed again (%d "
                            "times): %s", failures, str(error).splitlines()[0][:200])
            db.session.rollback()
        finally:
            db.session.remove()

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    own_signals()
    try:
        _run(app, stop, own_signals, check_database, poll, burst)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(app: Flask, stop: threading.Event, own_signals: Any, check_database: Any,
         poll: float, burst: bool) -> None:
    url = app.config.get("REDIS_URL")
    if not url:
        log.info("no REDIS_URL: checking the database for new comments every %s s", poll)
        while not stop.is_set():
            check_database()
            if burst:
                return
            stop.wait(poll)
        return

    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, SimpleWorker

    class Worker(SimpleWorker):
        def request_stop(self, signum: Any, frame: Any) -> None:
            stop.set()
            super().request_stop(signum, frame)

    connection = Redis.from_url(url)
    queue = Queue(queue_name(app), connection=connection)
    log.info("analysing jobs from Redis queue '%s'; checking the database when idle for "
             "%s s", queue.name, poll)
    redis_down = False
    while not stop.is_set():
        check_database()
        if stop.is_set():
            break
        try:
            connection.ping()
            if redis_down:
                log.info("Redis answers again: taking jobs from the queue")
                redis_down = False
            Worker([queue], connection=connection).work(
                burst=burst, max_idle_time=max(1, int(poll)), logging_level="WARNING")
        except RedisError as error:
            if not redis_down:
                log.warning("Redis is not answering (%s); checking the database every %s s "
                            "until it is back", error, poll)
            redis_down = True
            stop.wait(poll)
        own_signals()  # RQ installs its own handlers while it works
        if burst:
            check_database()
            return
