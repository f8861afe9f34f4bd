"""Queueing comment analysis: a submission queues one RQ job naming its response (never
its words), the worker analyses it; a rollback queues nothing; with Redis down a
submission still succeeds, and its comments wait for the database check or `themes
refresh`; `flask worker` with and without Redis.

Uses the Redis server at 127.0.0.1:6379 (skipped if none answers), each test on its own
queue name, removed afterwards."""

from __future__ import annotations

import logging
import signal
import socket
import uuid

import pytest
from sqlalchemy import func, select

from surveyapp import create_app
from surveyapp.demo import seed_demo
from surveyapp.extensions import db
from surveyapp.models import Answer, CommentAnalysis, Response
from surveyapp.themes import pipeline
from surveyapp.themes.queue import PENDING_JOB, RESPONSES_JOB
from surveyapp.themes.worker import run_worker
from tests.conftest import empty_database
from tests.integration.respondent import Respondent
from tests.integration.responses import add_responses

REDIS_URL = "redis://127.0.0.1:6379/0"
ANSWERS = {
    "overall_experience": "2",
    "what_was_good": "The midwife on the ward was so kind to me.",
    "what_could_be_better": "Nobody listened when I said the pain was bad.",
    "ethnic_group": "bangladeshi",
    "postcode_district": " b12 ",
}


def _redis():
    from redis import Redis

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        connection.ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis server at 127.0.0.1:6379")
    return connection


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    """RQ's worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def make_app(database_url: str, **config):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **config)
    with app.app_context():
        empty_database()
        seed_demo()
        db.session.remove()
    return app


@pytest.fixture
def queue_name():
    return f"test-analysis-{uuid.uuid4().hex}"


@pytest.fixture
def queue(queue_name):
    from rq import Queue

    q = Queue(queue_name, connection=_redis())
    yield q
    q.delete(delete_jobs=True)


@pytest.fixture
def queued_app(database_url, queue):
    app = make_app(database_url, REDIS_URL=REDIS_URL, ANALYSIS_QUEUE=queue.name)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def submit(app, answers=ANSWERS) -> str:
    with app.app_context():
        link = seed_demo()[1][0].code
        db.session.remove()
    respondent = Respondent(app.test_client())
    respondent.start(link, lang="en")
    respondent.answer_all(answers)
    done = respondent.submit()
    assert "/thank-you" in done.url
    receipt = done.soup.select_one(".app-receipt")
    assert receipt is not None and receipt.get_text(strip=True)
    return receipt.get_text(strip=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_submission_queues_one_job_with_its_response_id_and_the_worker_analyses_it(
        queued_app, queue):
    from rq import SimpleWorker

    submit(queued_app)
    with queued_app.app_context():
        [response_id] = db.session.scalars(select(Response.id)).all()
        assert count(CommentAnalysis) == 0  # nothing analysed inside her request
        assert queue.count == 1
        [job] = queue.jobs
        assert job.func_name == RESPONSES_JOB
        assert job.args == ([response_id],)  # ids only: no words of hers in Redis
        assert not job.kwargs

        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert queue.count == 0
        stored = db.session.scalars(select(CommentAnalysis)).all()
        assert sorted(a.question_key for a in stored) == ["what_could_be_better",
                                                           "what_was_good"]
        assert all(a.analysed_at is not None and a.sentiment for a in stored)


def test_committed_orm_inserts_queue_a_job_and_a_rollback_queues_nothing(queued_app, queue):
    with queued_app.app_context():
        version = seed_demo()[0].latest_published()
        add_responses(version, 3, {"what_was_good": "Lovely staff."})
        ids = sorted(db.session.scalars(select(Response.id)))
        assert [job.args for job in queue.jobs] == [(ids,)]

        db.session.add(Response(survey_id=version.survey_id, version_id=version.id,
                                language="en", submitted_at=version.published_at,
                                receipt_hash="r" * 64))
        db.session.flush()
        db.session.rollback()
        db.session.remove()
        assert queue.count == 1
        assert count(Response) == 3


def test_only_committed_transactions_on_a_connection_are_queued(queued_app, queue):
    from sqlalchemy import insert

    with queued_app.app_context():
        version = seed_demo()[0].latest_published()

        def row(n: int) -> dict:
            return {"survey_id": version.survey_id, "version_id": version.id,
                    "language": "en", "source": "web", "submitted_at": version.published_at,
                    "receipt_hash": f"{n:064x}"}

        with db.engine.connect() as connection:
            kept = connection.execute(insert(Response.__table__), row(1))
            connection.commit()
            connection.execute(insert(Response.__table__), row(2))
            connection.rollback()  # a later transaction on the same connection fails
        assert [job.args for job in queue.jobs] == [([kept.inserted_primary_key[0]],)]
        assert count(Response) == 1


def test_an_insert_without_ids_queues_a_check_of_everything_waiting(queued_app, queue):
    from sqlalchemy import insert

    with queued_app.app_context():
        version = seed_demo()[0].latest_published()
        rows = [{"survey_id": version.survey_id, "version_id": version.id, "language": "en",
                 "source": "import", "submitted_at": version.published_at,
                 "receipt_hash": f"{n:064x}"} for n in range(2)]
        with db.engine.connect() as connection:
            connection.execute(insert(Response.__table__), rows)  # executemany: no ids
            connection.commit()
        assert [job.func_name for job in queue.jobs] == [PENDING_JOB]


def test_with_redis_down_a_submission_still_succeeds_and_its_comments_wait(
        database_url, caplog):
    app = make_app(database_url, REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0",
                   ANALYSIS_QUEUE="never-reached")
    with caplog.at_level(logging.INFO, logger="surveyapp.themes.queue"):
        submit(app)
        submit(app, {**ANSWERS, "what_was_good": "Kind midwives, clean ward."})
    messages = [r.getMessage() for r in caplog.records]
    assert any("could not queue analysis of 1 new responses" in m for m in messages)
    assert any("resting after a Redis failure" in m for m in messages)  # no second try
    with app.app_context():
        assert count(Response) == 2
        assert count(CommentAnalysis) == 0
        assert len(pipeline.pending_comments(db.session)) == 4
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["themes", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Analysed: 4 comments" in result.output
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_worker_runs_queued_jobs_and_checks_the_database_too(queued_app, queue):
    with queued_app.app_context():
        version = seed_demo()[0].latest_published()
        add_responses(version, 2, {"what_was_good": "The midwives were kind."})
        # An answer added to a stored response queues nothing: the database check finds it.
        response = db.session.scalars(select(Response)).first()
        db.session.add(Answer(response=response, survey_id=version.survey_id,
                              question_key="what_could_be_better", text="Parking."))
        db.session.commit()
        assert queue.count == 1
        run_worker(queued_app, poll=1, burst=True)
        assert queue.count == 0
        assert count(CommentAnalysis) == 3
        assert pipeline.pending_comments(db.session) == []


def test_the_worker_without_redis_checks_the_database(app):
    with app.app_context():
        assert not app.config.get("REDIS_URL")
        version = seed_demo()[0].latest_published()
        add_responses(version, 2, {"what_was_good": "The midwives were kind."})
        run_worker(app, poll=1, burst=True)
        assert count(CommentAnalysis) == 2
        assert signal.getsignal(signal.SIGTERM) is not None


def test_the_worker_command_is_registered(app):
    result = app.test_cli_runner().invoke(args=["worker", "--help"])
    assert result.exit_code == 0
    assert "--poll" in result.output and "--burst" in result.output
