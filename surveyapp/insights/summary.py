"""The per-day counts behind "who is missing": recount them from the answers when needed.

The tables (`surveyapp.models.daily_counts`) keep themselves in step with every response
and answer stored or deleted through SQLAlchemy, in the same transaction. Recount with the
functions here after anything that bypasses that (see the module docstring there):

* `refresh_daily_counts(session, survey_id, days)`: the given days of one survey, from
  that day's answers (cheap: an index range of one day's responses). Callers that delete
  responses in bulk may call it for the days they deleted; it is also correct to call it
  when the counts are already right.
* `rebuild_all_daily_counts(session, survey_id=None)`: everything (or one survey), for
  after a migration, a restore or a bulk load. `flask --app wsgi insights rebuild-counts`.
* `daily_count_differences(session, survey_id=None)`: what differs between the tables
  and a direct count; empty when they agree. `flask --app wsgi insights rebuild-counts
  --check`.

Neither commits: the caller's transaction decides. On PostgreSQL both lock the two tables
(EXCLUSIVE: reads go on, new submissions wait a moment) so that a response stored while
they recount is counted exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, delete, func, insert, select, text
from sqlalchemy.orm import Session

from surveyapp.models import Answer, DailyAnswerCount, DailyResponseCount, Response
from surveyapp.models.daily_counts import ANSWER_KEY as _ANSWER_KEY
from surveyapp.models.daily_counts import NO_LINK
from surveyapp.models.daily_counts import RESPONSE_KEY as _RESPONSE_KEY

_ANSWER = Answer.__table__
_RESPONSE = Response.__table__
_DAILY_ANSWERS = DailyAnswerCount.__table__
_DAILY_RESPONSES = DailyResponseCount.__table__


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # Responses' table first, in the order a submission takes them (no deadlock).
        session.execute(text("LOCK TABLE daily_response_count, daily_answer_count "
                             "IN EXCLUSIVE MODE"))


def _answers_grouped(*where: Any) -> Any:
    day = func.date(_ANSWER.c.submitted_at, type_=Date)
    return (select(_ANSWER.c.survey_id, _ANSWER.c.question_key, day,
                   func.coalesce(_ANSWER.c.link_id, NO_LINK), _ANSWER.c.option_code,
                   func.count())
            .where(_ANSWER.c.option_code.is_not(None), _ANSWER.c.submitted_at.is_not(None),
                   *where)
            .group_by(_ANSWER.c.survey_id, _ANSWER.c.question_key, day, _ANSWER.c.link_id,
                      _ANSWER.c.option_code))


def _responses_grouped(*where: Any) -> Any:
    day = func.date(_RESPONSE.c.submitted_at, type_=Date)
    return (select(_RESPONSE.c.survey_id, day, func.coalesce(_RESPONSE.c.link_id, NO_LINK),
                   func.count())
            .where(*where)
            .group_by(_RESPONSE.c.survey_id, day, _RESPONSE.c.link_id))


def _insert_counts(session: Session, answers: Any, responses: Any) -> None:
    session.execute(insert(_DAILY_ANSWERS).from_select(
        ["survey_id", "question_key", "day", "link_id", "option_code", "answers"], answers))
    session.execute(insert(_DAILY_RESPONSES).from_select(
        ["survey_id", "day", "link_id", "responses"], responses))


def refresh_daily_counts(session: Session, survey_id: int, days: Iterable[date]) -> None:
    """Recount one survey's per-day counts for `days` from its answers and responses."""
    wanted = sorted({day.date() if isinstance(day, datetime) else day for day in days})
    if not wanted:
        return
    _lock(session)
    for table in (_DAILY_ANSWERS, _DAILY_RESPONSES):
        session.execute(delete(table).where(table.c.survey_id == survey_id,
                                            table.c.day.in_(wanted)))
    for day in wanted:
        start = datetime.combine(day, time.min)
        end = start + timedelta(days=1)
        of_the_day = (select(_RESPONSE.c.id)
                      .where(_RESPONSE.c.survey_id == survey_id,
                             _RESPONSE.c.submitted_at >= start, _RESPONSE.c.submitted_at < end))
        _insert_counts(
            session,
            # Through the day's responses (index on survey and time), then their answers.
            _answers_grouped(_ANSWER.c.response_id.in_(of_the_day),
                             _ANSWER.c.submitted_at >= start, _ANSWER.c.submitted_at < end),
            _responses_grouped(_RESPONSE.c.survey_id == survey_id,
                               _RESPONSE.c.submitted_at >= start,
                               _RESPONSE.c.submitted_at < end))


def rebuild_all_daily_counts(session: Session, survey_id: int | None = None) -> None:
    """Recount every per-day count (or one survey's) from all answers and responses."""
    _lock(session)
    answers_where = [] if survey_id is None else [_ANSWER.c.survey_id == survey_id]
    responses_where = [] if survey_id is None else [_RESPONSE.c.survey_id == survey_id]
    for table in (_DAILY_ANSWERS, _DAILY_RESPONSES):
        statement = delete(table)
        if survey_id is not None:
            statement = statement.where(table.c.survey_id == survey_id)
        session.execute(statement)
    _insert_counts(session, _answers_grouped(*answers_where),
                   _responses_grouped(*responses_where))


def daily_count_differences(session: Session, survey_id: int | None = None) -> list[str]:
    """Each per-day count that differs from a direct count, in words; [] when all agree."""
    answers_where = [] if survey_id is None else [_ANSWER.c.survey_id == survey_id]
    responses_where = [] if survey_id is None else [_RESPONSE.c.survey_id == survey_id]
    problems = []
    for name, table, key, direct in (
            ("answers", _DAILY_ANSWERS, _ANSWER_KEY, _answers_grouped(*answers_where)),
            ("responses", _DAILY_RESPONSES, _RESPONSE_KEY,
             _responses_grouped(*responses_where))):
        kept_query = select(*(table.c[column] for column in key), table.c[name])
        if survey_id is not None:
            kept_query = kept_query.where(table.c.survey_id == survey_id)
        kept = {_key(row[:-1]): row[-1] for row in session.execute(kept_query)}
        counted = {_key(row[:-1]): row[-1] for row in session.execute(direct)}
        for values in sorted(set(kept) | set(counted), key=str):
            if kept.get(values, 0) != counted.get(values, 0):
                problems.append(f"{name} {dict(zip(key, values, strict=True))}: kept "
                                f"{kept.get(values, 0)}, counted {counted.get(values, 0)}")
    return problems


def _key(values: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value.isoformat() if isinstance(value, date) else value for value in values)
