"""`flask purge --older-than DAYS`: responses past the retention period are deleted."""

from __future__ import annotations

import importlib.machinery
import sys
import types
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, AuditEvent, DistributionLink, Draft, Response, Survey
from surveyapp.models.base import utcnow
from surveyapp.privacy.erasure import delete_responses, submitted_before
from tests.integration.responses import add_responses

ANSWERS = {"overall_experience": "1", "what_was_good": "Kind midwives on the ward.",
           "treated_differently_why": ["ethnicity", "language"]}  # 4 answer rows


def make_world(app, demo) -> dict:
    """Responses 400 and 399 days old, 10 days old, and drafts old and new."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        version = survey.latest_published()
        link = db.session.scalar(select(DistributionLink))
        add_responses(version, 3, ANSWERS, link_id=link.id,
                      submitted_at=now - timedelta(days=400))
        add_responses(version, 2, ANSWERS, link_id=link.id,
                      submitted_at=now - timedelta(days=399))
        add_responses(version, 4, ANSWERS, link_id=link.id,
                      submitted_at=now - timedelta(days=10))
        for n, age in enumerate((500, 366, 3)):
            db.session.add(Draft(id=f"draft-{n}", link_id=link.id, version_id=version.id,
                                 language="en", answers={"what_was_good": "secret"},
                                 updated_at=now - timedelta(days=age)))
        db.session.commit()
        return {"survey_id": survey.id, "now": now}


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (Response, Answer, Draft))


def test_dry_run_counts_and_deletes_nothing(app, demo):
    make_world(app, demo)
    before = counts(app)
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", "365", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would delete 5 responses (20 answers)" in result.output
    assert "and 2 unfinished surveys" in result.output
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_purge_deletes_old_responses_answers_and_drafts_and_is_audited(app, demo):
    world = make_world(app, demo)
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", "365"])
    assert result.exit_code == 0, result.output
    assert "Deleted 5 responses (20 answers)" in result.output
    assert "and 2 unfinished surveys" in result.output
    assert counts(app) == (4, 16, 1)
    with app.app_context():
        kept = db.session.scalars(select(Response.submitted_at)).all()
        assert set(kept) == {world["now"] - timedelta(days=10)}
        assert db.session.scalars(select(Draft.id)).all() == ["draft-2"]
        # No answer is left without its response.
        orphans = db.session.scalar(
            select(func.count()).select_from(Answer)
            .where(Answer.response_id.not_in(select(Response.id))))
        assert orphans == 0
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert event.action == "responses_purged" and event.actor_id is None
        assert event.detail["responses"] == 5 and event.detail["answers"] == 20
        assert event.detail["drafts"] == 2
        assert "Kind midwives" not in str(event.detail) + str(event.target)
    again = app.test_cli_runner().invoke(args=["purge", "--older-than", "365"])
    assert "Deleted 0 responses (0 answers)" in again.output


def test_purge_needs_a_number_of_days(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["purge"]).exit_code != 0
    assert runner.invoke(args=["purge", "--older-than", "0"]).exit_code != 0


def test_deleting_works_in_batches_and_refreshes_each_days_summary(app, demo, monkeypatch):
    """delete_responses reports the (survey, day) pairs it touched and asks the per-day
    summary (surveyapp.insights.summary) to recount them, after the rows are gone."""
    world = make_world(app, demo)
    calls: list[tuple[int, set[date], int]] = []

    def refresh_daily_counts(session, survey_id, days):
        remaining = session.scalar(select(func.count()).select_from(Response)
                                   .where(Response.survey_id == survey_id))
        calls.append((survey_id, set(days), remaining))

    summary = types.ModuleType("surveyapp.insights.summary")
    summary.__spec__ = importlib.machinery.ModuleSpec("surveyapp.insights.summary", None)
    summary.refresh_daily_counts = refresh_daily_counts
    monkeypatch.setitem(sys.modules, "surveyapp.insights.summary", summary)

    with app.app_context():
        cutoff = world["now"] - timedelta(days=365)
        deleted = delete_responses(db.session, submitted_before(cutoff), batch_size=2)
    assert deleted.responses == 5 and deleted.answers == 20
    old_days = {(world["now"] - timedelta(days=age)).date() for age in (400, 399)}
    assert deleted.days == {(world["survey_id"], day) for day in old_days}
    assert len(calls) == 3  # batches of 2, 2 and 1
    assert set().union(*(days for _, days, _ in calls)) == old_days
    # Each batch's summary is recounted after its rows are gone, in the same transaction.
    assert [(survey_id, remaining) for survey_id, _, remaining in calls] == \
        [(world["survey_id"], 7), (world["survey_id"], 5), (world["survey_id"], 4)]
    assert counts(app)[:2] == (4, 16)


def test_the_daily_summary_counts_only_what_is_left(app, demo):
    """Who-is-missing pages read the per-day counts: after a purge they count exactly
    the responses and answers still stored."""
    from surveyapp.models import DailyAnswerCount, DailyResponseCount

    make_world(app, demo)
    app.test_cli_runner().invoke(args=["purge", "--older-than", "365"])
    with app.app_context():
        responses = db.session.scalar(select(func.sum(DailyResponseCount.responses)))
        answers = db.session.scalar(select(func.sum(DailyAnswerCount.answers)))
        coded = db.session.scalar(select(func.count()).select_from(Answer)
                                  .where(Answer.option_code.is_not(None)))
    assert responses == 4
    assert answers == coded


def test_a_response_at_the_boundary_is_kept(app, demo):
    """Times are kept to the hour: a response from 364 days ago stays with 365 days."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        add_responses(survey.latest_published(), 1, ANSWERS,
                      submitted_at=datetime.combine(date.today(), datetime.min.time())
                      - timedelta(days=364))
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", "365"])
    assert "Deleted 0 responses" in result.output
    assert counts(app)[0] == 1
