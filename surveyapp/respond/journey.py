"""The respondent's journey: her link, her draft answers, and storing her response."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import abort, current_app, g, request
from flask_babel import gettext
from sqlalchemy import Connection, String, and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from surveyapp.demographics import ETHNIC_GROUPS
from surveyapp.extensions import db
from surveyapp.models import (
    Answer,
    DistributionLink,
    Draft,
    LinkDailyCount,
    Response,
    ResponseSource,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from surveyapp.models.base import to_the_hour, utcnow
from surveyapp.respond.limits import BOT_MARK
from surveyapp.surveys.definition import Definition, Option, Page, Question, from_document

LINK_CODE = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
DRAFT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Letters and digits that cannot be mistaken for each other when read aloud or copied.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class LinkState:
    """Her link as a request sees it: the link, whether its survey is open, the survey's
    latest published version and her draft, all read in one statement (see _LINK_STATE).

    Nothing here is cached: a closed survey or a revoked link is seen on the next request.
    """

    id: int
    code: str
    survey_id: int
    default_language: str | None
    active: bool
    ends_on: date | None
    survey_open: bool
    version_id: int | None

    def is_open_on(self, day: date) -> bool:
        return self.active and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class DraftState:
    """Her answers so far (a row of `draft`, read without the ORM)."""

    id: str
    link_id: int
    version_id: int
    language: str
    answers: dict[str, Any]
    updated_at: datetime | None = None


_LINK = DistributionLink.__table__
_SURVEY = Survey.__table__
_VERSION = SurveyVersion.__table__
_DRAFT = Draft.__table__
_RESPONSE = Response.__table__
_ANSWER = Answer.__table__

# Built once, so SQLAlchemy computes its cache key once per process, not per request.
_LATEST_VERSION = (
    select(_VERSION.c.id)
    .where(_VERSION.c.survey_id == _LINK.c.survey_id, _VERSION.c.published_at.is_not(None))
    .order_by(_VERSION.c.number.desc())
    .limit(1)
    .correlate(_LINK)
    .scalar_subquery()
)
_LINK_STATE = (
    select(_LINK.c.id, _LINK.c.code, _LINK.c.survey_id, _LINK.c.default_language,
           _LINK.c.active, _LINK.c.ends_on, _SURVEY.c.status,
           _LATEST_VERSION.label("version_id"),
           _DRAFT.c.id.label("draft_id"), _DRAFT.c.version_id.label("draft_version_id"),
           _DRAFT.c.language.label("draft_language"), _DRAFT.c.answers.label("draft_answers"),
           _DRAFT.c.updated_at.label("draft_updated_at"))
    .join(_SURVEY, _SURVEY.c.id == _LINK.c.survey_id)
    .outerjoin(_DRAFT, and_(_DRAFT.c.id == bindparam("token", type_=String),
                            _DRAFT.c.link_id == _LINK.c.id))
    .where(_LINK.c.code == bindparam("code", type_=String))
)


def connection() -> Connection:
    """This request's database connection for the journey (SQLAlchemy Core, no ORM).

    A survey request needs one to four plain statements; the ORM session around them
    (a Session and its transaction bookkeeping, built and torn down every request) cost
    more than the statements. Closed, rolling back anything not committed, when the
    request ends (close_connection). A GET only reads, so on PostgreSQL it runs without a
    transaction: no BEGIN and ROLLBACK round trips around its one SELECT.
    """
    conn = g.get("respond_connection")
    if conn is None:
        conn = db.engine.connect()
        if request.method == "GET" and conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        g.respond_connection = conn
    return conn


def close_connection(_error: BaseException | None = None) -> None:
    conn = g.pop("respond_connection", None)
    if conn is not None:
        conn.close()


def load_link(code: str, token: str | None = None) -> tuple[LinkState, DraftState | None]:
    """Her link and, if `token` is her draft on this link, the draft: one statement.

    A 404 (unknown code) or 410 (link or survey closed) page in her language otherwise.
    """
    if not LINK_CODE.match(code):
        abort(404)
    if token is not None and not DRAFT_TOKEN.match(token):
        token = None
    row = connection().execute(_LINK_STATE, {"code": code, "token": token}).first()
    if row is None:
        abort(404)
    link = LinkState(id=row.id, code=row.code, survey_id=row.survey_id,
                     default_language=row.default_language, active=row.active,
                     ends_on=row.ends_on, survey_open=row.status == SurveyStatus.LIVE,
                     version_id=row.version_id)
    g.link = link
    g.link_language = link.default_language
    if not link.is_open_on(date.today()) or not link.survey_open:
        abort(410)
    draft = None
    if row.draft_id is not None:
        draft = DraftState(id=row.draft_id, link_id=link.id, version_id=row.draft_version_id,
                           language=row.draft_language, answers=dict(row.draft_answers or {}),
                           updated_at=row.draft_updated_at)
    return link, draft


def definition_for(version_id: int) -> Definition:
    """The parsed definition of a version. Published versions never change, so each app
    keeps the ones it has parsed (per app, so tests with fresh databases never mix)."""
    cache: dict[int, Definition] = current_app.extensions.setdefault("survey_definitions", {})
    if version_id in cache:
        return cache[version_id]
    version = db.session.get(SurveyVersion, version_id)
    if version is None:
        raise LookupError(f"no survey version {version_id}")
    definition = from_document(version.definition)
    if version.is_published:
        cache[version_id] = definition
    return definition


# --- text in her language ---------------------------------------------------------------


@dataclass(frozen=True)
class SurveyText:
    """The survey's words in one locale: the survey's own translations for its text, the
    app catalogs for the shared questions, English where a translation is missing."""

    definition: Definition
    locale: str

    def _own(self, context: str, english: str) -> str:
        return self.definition.text(context, english, self.locale)

    @property
    def title(self) -> str:
        return self._own("survey.title", self.definition.title)

    @property
    def introduction(self) -> list[str]:
        text = self._own("survey.introduction", self.definition.introduction)
        return [p.strip() for p in text.split("\n\n") if p.strip()]

    def page_title(self, page: Page) -> str:
        return self._own(f"page.{page.key}.title", page.title)

    def page_intro(self, page: Page) -> str | None:
        return self._own(f"page.{page.key}.intro", page.intro) if page.intro else None

    def question(self, question: Question) -> str:
        if question.catalog:
            return gettext(question.text)
        return self._own(f"{question.key}.text", question.text)

    def hint(self, question: Question) -> str | None:
        if not question.hint:
            return None
        if question.catalog:
            return gettext(question.hint)
        return self._own(f"{question.key}.hint", question.hint)

    def why(self, question: Question) -> str | None:
        return gettext(question.why) if question.why else None

    def option(self, question: Question, option: Option) -> str:
        if option.catalog:
            return gettext(option.label)
        return self._own(f"{question.key}.option.{option.code}", option.label)

    def option_group(self, group: str) -> str:
        """The heading of a group of options (the five census ethnic groups)."""
        label = ETHNIC_GROUPS.get(group)
        return gettext(label) if label else group

    def answer(self, question: Question, value: Any) -> list[str]:
        """How an answer reads back to her on the check-your-answers page."""
        if value is None or value == []:
            return []
        if question.is_choice:
            codes = value if isinstance(value, list) else [value]
            return [self.option(question, o) for o in question.options if o.code in codes]
        if question.type == "number":
            number = float(value)
            return [str(int(number)) if number.is_integer() else str(number)]
        return [str(value)]


# --- drafts -------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


_ADD_DRAFT = insert(_DRAFT)
_COUNTS = LinkDailyCount.__table__
_FIRST_START = insert(_COUNTS)
_COUNT_START = (
    update(_COUNTS)
    .where(_COUNTS.c.link_id == bindparam("link"), _COUNTS.c.day == bindparam("today"))
    .values(started=_COUNTS.c.started + 1)
)
_SAVE_DRAFT = (
    update(_DRAFT)
    .where(_DRAFT.c.id == bindparam("draft_id", type_=String))
    .values({_DRAFT.c.answers: bindparam("new_answers", type_=_DRAFT.c.answers.type),
             _DRAFT.c.language: bindparam("new_language", type_=String),
             _DRAFT.c.updated_at: bindparam("now", type_=_DRAFT.c.updated_at.type)})
)


def start_draft(link: LinkState, version_id: int, language: str,
                trapped: bool = False) -> DraftState:
    """A new draft, and one more start counted for the link (a number, nothing more).
    `trapped`: the form came back with the spam trap filled in (see respond/limits.py)."""
    now = utcnow()
    answers: dict[str, Any] = {BOT_MARK: True} if trapped else {}
    draft = DraftState(id=new_token(), link_id=link.id, version_id=version_id,
                       language=language, answers=answers, updated_at=now)
    row = {"id": draft.id, "link_id": link.id, "version_id": version_id,
           "language": language, "answers": answers, "created_at": now, "updated_at": now}
    today = date.today()
    conn = connection()
    try:
        conn.execute(_ADD_DRAFT, row)
        counted = conn.execute(_COUNT_START, {"link": link.id, "today": today})
        if counted.rowcount == 0:
            conn.execute(_FIRST_START, {"link_id": link.id, "day": today, "started": 1})
        conn.commit()
    except IntegrityError:  # two first starts of the day at once: count again
        conn.rollback()
        conn.execute(_ADD_DRAFT, row)
        conn.execute(_COUNT_START, {"link": link.id, "today": today})
        conn.commit()
    return draft


# How stale a draft's "last saved" time may get when she moves on without changing
# anything (a page left blank, a double tap): drafts are purged DRAFT_RETENTION_DAYS after
# it, so to within this much.
UNCHANGED_DRAFT_TOUCH = timedelta(hours=1)


def save_page(draft: DraftState, page: Page, values: dict[str, Any], language: str,
              trapped: bool = False) -> dict[str, Any]:
    """Keep this page's answers in her draft; returns all her answers so far.

    A page that changes nothing (left blank, or sent twice) writes nothing, unless the
    draft's last-saved time is over UNCHANGED_DRAFT_TOUCH old. `trapped`: the page came
    back with the spam trap filled in, which the draft remembers until it is sent.
    """
    answers = dict(draft.answers)
    for question in page.questions:
        value = values.get(question.key)
        if value in (None, "", []):
            answers.pop(question.key, None)
        else:
            answers[question.key] = value
    if trapped:
        answers[BOT_MARK] = True
    now = utcnow()
    if answers == draft.answers and language == draft.language \
            and draft.updated_at is not None and now - draft.updated_at < UNCHANGED_DRAFT_TOUCH:
        return answers
    conn = connection()
    conn.execute(_SAVE_DRAFT, {"draft_id": draft.id, "new_answers": answers,
                               "new_language": language, "now": now})
    conn.commit()
    return answers


def next_page(definition: Definition, answers: dict[str, Any], after: str | None) -> Page | None:
    pages = definition.visible_pages(answers)
    if after is None:
        return pages[0] if pages else None
    keys = [p.key for p in definition.pages]
    position = keys.index(after)
    return next((p for p in pages if keys.index(p.key) > position), None)


def previous_page(definition: Definition, answers: dict[str, Any], before: str) -> Page | None:
    keys = [p.key for p in definition.pages]
    position = keys.index(before)
    earlier = [p for p in definition.visible_pages(answers) if keys.index(p.key) < position]
    return earlier[-1] if earlier else None


def first_unanswered_required(definition: Definition, answers: dict[str, Any]) -> Page | None:
    """The first visible page with a required question still unanswered, if any."""
    visible = definition.visible_answers(answers)
    for page in definition.visible_pages(answers):
        for question in page.questions:
            if question.required and question.is_shown(visible) and question.key not in answers:
                return page
    return None


# --- submission ---------------------------------------------------------------------------


def receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def answer_values(definition: Definition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows her answers become (question key and one of option code, text, number):
    only answers to questions still shown, one row per option of a multiple choice."""
    rows: list[dict[str, Any]] = []
    for key, value in definition.visible_answers(answers).items():
        question = definition.question(key)
        if question is None:
            continue
        if question.type == "multiple":
            rows.extend({"question_key": key, "option_code": code} for code in value)
        elif question.is_choice:
            rows.append({"question_key": key, "option_code": str(value)})
        elif question.type == "number":
            rows.append({"question_key": key, "number": float(value)})
        else:
            rows.append({"question_key": key, "text": str(value)})
    return rows


def answer_rows(definition: Definition, answers: dict[str, Any],
                survey_id: int) -> list[Answer]:
    return [Answer(survey_id=survey_id, **row) for row in answer_values(definition, answers)]


_ADD_RESPONSE = insert(_RESPONSE)
_SUBMITTED = select(_RESPONSE.c.id).where(
    _RESPONSE.c.submission_hash == bindparam("submission_hash", type_=String))
_ADD_ANSWERS = insert(_ANSWER)
_DELETE_DRAFT = delete(_DRAFT).where(_DRAFT.c.id == bindparam("draft_id", type_=String))


def submit(draft: DraftState, link: LinkState, definition: Definition,
           language: str) -> str | None:
    """Store her response once; return its receipt code, or None if already stored.

    The draft token is the submission's idempotency key: a double tap, a refresh or a
    retry after a lost connection finds the response already stored and stores nothing.
    One transaction: the response, all its answers in one multi-row insert, and the draft
    deleted. (Written with SQLAlchemy Core, so answers carry their response's survey,
    link and hour here, as models.response._copy_from_response does for the ORM.)
    """
    code = receipt_code()
    hour = to_the_hour(utcnow())
    conn = connection()
    try:
        stored = conn.execute(_ADD_RESPONSE, {
            "survey_id": link.survey_id, "version_id": draft.version_id, "link_id": link.id,
            "language": language, "source": ResponseSource.WEB.value, "submitted_at": hour,
            "receipt_hash": fingerprint(code), "submission_hash": fingerprint(draft.id)})
        response_id = stored.inserted_primary_key[0]  # type: ignore[attr-defined]
        rows = [{"response_id": response_id, "survey_id": link.survey_id,
                 "link_id": link.id, "submitted_at": hour, "option_code": None,
                 "text": None, "number": None, **row}
                for row in answer_values(definition, draft.answers)]
        if rows:
            conn.execute(_ADD_ANSWERS, rows)
        conn.execute(_DELETE_DRAFT, {"draft_id": draft.id})
        conn.commit()
    except IntegrityError:
        conn.rollback()
        if already_submitted(draft.id):
            return None
        raise
    current_app.logger.info("response stored for survey %s", link.survey_id)
    return code


def discard_trapped(draft: DraftState, link: LinkState) -> None:
    """A submission made by a program that filled in the spam trap: its draft is deleted
    and nothing is stored or counted. The log says so, without any answer."""
    conn = connection()
    conn.execute(_DELETE_DRAFT, {"draft_id": draft.id})
    conn.commit()
    current_app.logger.warning("spam trap filled: a submission through link %s (survey %s) "
                               "was not stored", link.id, link.survey_id)


def already_submitted(token: str | None) -> bool:
    if not token or not DRAFT_TOKEN.match(token):
        return False
    return connection().execute(
        _SUBMITTED, {"submission_hash": fingerprint(token)}).first() is not None
