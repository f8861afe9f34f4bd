"""The per-day counts behind "who is missing" stay equal to a direct count, whatever stores
or deletes responses, and the page reads exactly the figures a direct count gives."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from surveyapp.extensions import db
from surveyapp.insights.queries import (
    Filters,
    answer_counts_by_link,
    answer_counts_by_link_from_answers,
    responses_by_link,
    responses_by_link_from_responses,
)
from surveyapp.insights.summary import (
    daily_count_differences,
    rebuild_all_daily_counts,
    refresh_daily_counts,
)
from surveyapp.models import (
    Answer,
    DailyAnswerCount,
    DailyResponseCount,
    DistributionLink,
    Response,
    Survey,
)
from surveyapp.models.daily_counts import NO_LINK, UncountedWrite
from surveyapp.surveys.responses_import import ResponsesImportError
from surveyapp.surveys.responses_store import import_responses
from tests.integration.responses import add_responses
from tests.integration.test_import_responses import good_file, with_error_in_last_row
from tests.integration.test_journey import ANSWERS


def kept_responses() -> int:
    return db.session.scalar(select(func.coalesce(func.sum(DailyResponseCount.responses), 0)))


def kept_answers(question: str, code: str) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(DailyAnswerCount.answers), 0))
                             .where(DailyAnswerCount.question_key == question,
                                    DailyAnswerCount.option_code == code))


def links_by_language(survey_id: int) -> dict[str, DistributionLink]:
    return {link.default_language or "any": link for link in db.session.scalars(
        select(DistributionLink).where(DistributionLink.survey_id == survey_id))}


@pytest.fixture
def stored(app, demo):
    """Responses over three days (two hours at the edges of a day), three links and paper."""
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        version = survey.latest_published()
        links = links_by_language(survey.id)
        add_responses(version, 4, {"ethnic_group": "bangladeshi", "age_band": "25_29",
                                   "treated_differently_why": ["ethnicity", "language"],
                                   "what_was_good": "kind"},
                      link_id=links["bn"].id, submitted_at=datetime(2026, 9, 1, 0))
        add_responses(version, 3, {"ethnic_group": "pakistani"}, link_id=links["ur"].id,
                      submitted_at=datetime(2026, 9, 1, 23))
        add_responses(version, 6, {"ethnic_group": "white_british", "age_band": "30_34"},
                      link_id=links["en"].id, submitted_at=datetime(2026, 9, 2, 0))
        add_responses(version, 2, {"overall_experience": "1"}, link_id=None,
                      submitted_at=datetime(2026, 9, 3, 12))
        add_responses(version, 5, {"ethnic_group": "pakistani"}, link_id=links["ur"].id,
                      submitted_at=datetime(2026, 9, 3, 9))
        return {"survey_id": survey.id, "links": {k: v.id for k, v in links.items()}}


def test_web_submissions_are_counted_once(app, demo, respondent, client):
    respondent.start(demo["links"]["bn"])
    check = respondent.answer_all(ANSWERS)
    form = {"csrf_token": check.hidden("csrf_token"), "draft": check.hidden("draft")}
    assert client.post(f"/s/{demo['links']['bn']}/check", data=form).status_code == 302
    # A double tap stores nothing more, so counts nothing more.
    assert client.post(f"/s/{demo['links']['bn']}/check", data=form).status_code == 302
    with app.app_context():
        assert daily_count_differences(db.session) == []
        assert kept_responses() == 1
        assert kept_answers("ethnic_group", "bangladeshi") == 1
        assert kept_answers("treated_differently_why", "language") == 1
        # Free text is never counted here.
        assert not db.session.scalar(select(func.count()).select_from(DailyAnswerCount)
                                     .where(DailyAnswerCount.question_key == "what_was_good"))
        row = db.session.scalar(select(DailyResponseCount))
        response = db.session.scalar(select(Response))
        assert (row.day, row.link_id) == (response.submitted_at.date(), response.link_id)


def test_imported_responses_are_counted_and_a_failed_import_counts_nothing(app, demo):
    with app.app_context():
        survey = db.session.get(Survey, demo["survey_id"])
        link = links_by_language(survey.id)["bn"]
        import_responses(survey, good_file(link.code).encode(), source="paper")
        assert daily_count_differences(db.session) == []
        assert kept_responses() == 3
        assert db.session.scalar(select(DailyResponseCount.responses).where(
            DailyResponseCount.day == date(2026, 4, 1),
            DailyResponseCount.link_id == NO_LINK)) == 1  # no link: paper
        assert kept_answers("services_not_known", "interpreters") == 1
        with pytest.raises(ResponsesImportError):
            import_responses(survey, with_error_in_last_row(good_file(link.code)).encode())
        assert daily_count_differences(db.session) == []
        assert kept_responses() == 3


def test_deletions_take_their_counts_away(app, stored):
    with app.app_context():
        assert daily_count_differences(db.session) == []
        assert kept_responses() == 20
        # The ORM, answers not loaded (they go by ON DELETE CASCADE) ...
        db.session.delete(db.session.scalar(select(Response).order_by(Response.id)))
        db.session.commit()
        assert daily_count_differences(db.session) == [] and kept_responses() == 19
        # ... and loaded (the ORM deletes them one by one first).
        loaded = db.session.scalar(select(Response).order_by(Response.id))
        assert loaded.answers
        db.session.delete(loaded)
        db.session.commit()
        assert daily_count_differences(db.session) == [] and kept_responses() == 18
        # delete() statements, as the retention purge runs them: answers, then responses,
        # then a refresh of the days it deleted (which changes nothing: already right).
        ids = list(db.session.scalars(select(Response.id).where(
            Response.submitted_at < datetime(2026, 9, 2))))
        db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)))
        db.session.execute(delete(Response).where(Response.id.in_(ids)))
        refresh_daily_counts(db.session, stored["survey_id"], {date(2026, 9, 1)})
        db.session.commit()
        assert daily_count_differences(db.session) == [] and kept_responses() == 13
        # A statement deleting responses only, their answers following by cascade.
        db.session.execute(delete(Response).where(Response.link_id.is_(None)))
        db.session.commit()
        assert daily_count_differences(db.session) == [] and kept_responses() == 11
        # Emptied days leave no rows behind.
        assert not db.session.scalar(select(func.count()).select_from(DailyAnswerCount)
                                     .where(DailyAnswerCount.answers <= 0))
        assert date(2026, 9, 1) not in set(db.session.scalars(select(DailyAnswerCount.day)))


def test_writes_that_cannot_be_followed_are_refused_or_put_right(app, stored):
    with app.app_context():
        with pytest.raises(UncountedWrite):
            db.session.execute(update(Response).values(link_id=None))
        db.session.rollback()
        with pytest.raises(UncountedWrite):
            db.session.execute(insert(Answer).from_select(
                ["response_id", "survey_id", "question_key", "option_code"],
                select(Answer.response_id, Answer.survey_id, Answer.question_key,
                       Answer.option_code)))
        db.session.rollback()
        # Changing what is never counted is fine.
        db.session.execute(update(Answer).values(text=None))
        db.session.commit()
        assert daily_count_differences(db.session) == []
        # A caller that says it will recount: nothing is taken away until it does.
        db.session.execute(delete(Response).where(Response.link_id.is_(None))
                           .execution_options(daily_counts="caller"))
        assert daily_count_differences(db.session) != []
        refresh_daily_counts(db.session, stored["survey_id"], [date(2026, 9, 3)])
        db.session.commit()
        assert daily_count_differences(db.session) == []
        # SQL that bypasses SQLAlchemy's statements: put right by a rebuild.
        db.session.execute(text("DELETE FROM response WHERE submitted_at >= '2026-09-03'"))
        db.session.commit()
        assert daily_count_differences(db.session) != []
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["insights", "rebuild-counts", "--check"])
    assert checked.exit_code != 0 and "kept" in checked.output
    rebuilt = runner.invoke(args=["insights", "rebuild-counts"])
    assert rebuilt.exit_code == 0, rebuilt.output
    checked = runner.invoke(args=["insights", "rebuild-counts", "--check"])
    assert checked.exit_code == 0 and "agree" in checked.output
    with app.app_context():
        assert kept_responses() == 13
        rebuild_all_daily_counts(db.session, stored["survey_id"])
        db.session.commit()
        assert daily_count_differences(db.session) == [] and kept_responses() == 13


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(date_from=date(2026, 9, 1), date_to=date(2026, 9, 1)),
    Filters(date_from=date(2026, 9, 2)),
    Filters(date_to=date(2026, 9, 2)),
    Filters(date_from=date(2026, 9, 4)),
    "bn", "ur", "partner",
])
def test_the_page_reads_what_a_direct_count_gives(app, stored, filters):
    with app.app_context():
        if filters == "partner":
            partner_id = db.session.get(DistributionLink, stored["links"]["ur"]).partner_id
            filters = Filters(partner_id=partner_id, date_to=date(2026, 9, 2))
        elif isinstance(filters, str):
            filters = Filters(link_id=stored["links"][filters])
        survey_id = stored["survey_id"]
        assert responses_by_link(survey_id, filters) == \
            responses_by_link_from_responses(survey_id, filters)
        for question in ("ethnic_group", "age_band", "treated_differently_why",
                         "overall_experience"):
            assert answer_counts_by_link(survey_id, question, filters) == \
                answer_counts_by_link_from_answers(survey_id, question, filters)
        if filters == Filters():
            assert responses_by_link(survey_id, filters)[None] == 2
            assert sum(responses_by_link(survey_id, filters).values()) == 20


def test_a_database_without_the_tables_yet_still_stores_responses(app, demo):
    """Migrated to a revision older than the per-day tables: responses are stored (not
    counted) and the migration that adds the tables recounts them."""
    with app.app_context():
        for model in (DailyAnswerCount, DailyResponseCount):
            model.__table__.drop(db.engine)
        version = db.session.get(Survey, demo["survey_id"]).latest_published()
        add_responses(version, 2, {"ethnic_group": "indian"})
        db.session.execute(delete(Response).where(Response.id == 1))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        for model in (DailyAnswerCount, DailyResponseCount):
            model.__table__.create(db.engine)
        rebuild_all_daily_counts(db.session)
        db.session.commit()
        add_responses(version, 3, {"ethnic_group": "indian"})
        assert daily_count_differences(db.session) == []
        assert kept_answers("ethnic_group", "indian") == 4


def test_two_erasures_of_the_same_response_at_once_take_it_away_once(app, stored):
    """The second waits for the first to finish before it counts what it will delete (and
    then finds nothing): the counts are never taken away twice."""
    import threading
    import time

    with app.app_context():
        engine = db.engine
        victim = db.session.scalar(select(Response.id).order_by(Response.id))
        db.session.remove()

    def erase(conn) -> None:
        conn.execute(delete(Answer).where(Answer.response_id == victim))
        conn.execute(delete(Response).where(Response.id == victim))

    failures: list[BaseException] = []

    def second() -> None:
        try:
            with engine.connect() as conn:
                erase(conn)
                conn.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    with engine.connect() as first:
        erase(first)  # holds its locks until it commits
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.5)  # let the second reach its wait (if it is late, nothing races)
        first.commit()
    other.join()
    assert failures == []
    with app.app_context():
        assert daily_count_differences(db.session) == []
        assert kept_responses() == 19
