"""The respondent's journey: her link, her draft answers, and storing her response."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, current_app, g
from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from surveyapp.demographics import ETHNIC_GROUPS
from surveyapp.extensions import db
from surveyapp.models import Answer, DistributionLink, Draft, LinkDailyCount, Response
from surveyapp.models.base import to_the_hour, utcnow
from surveyapp.surveys.definition import Definition, Option, Page, Question, from_document

LINK_CODE = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
DRAFT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
# Letters and digits that cannot be mistaken for each other when read aloud or copied.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def load_link(code: str) -> DistributionLink:
    """The link for `code`, or a 404 (unknown) / 410 (closed) page in her language."""
    if not LINK_CODE.match(code):
        abort(404)
    link = db.session.scalar(select(DistributionLink).where(DistributionLink.code == code)
                             .options(joinedload(DistributionLink.survey)))
    if link is None:
        abort(404)
    g.link = link
    g.link_language = link.default_language
    if not link.is_open_on(date.today()) or not link.survey.is_open:
        abort(410)
    return link


def definition_for(version_id: int) -> Definition:
    """The parsed definition of a version. Published versions never change, so each app
    keeps the ones it has parsed (per app, so tests with fresh databases never mix)."""
    from surveyapp.models import SurveyVersion

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


def find_draft(token: str | None, link: DistributionLink) -> Draft | None:
    if not token or not DRAFT_TOKEN.match(token):
        return None
    draft = db.session.get(Draft, token)
    if draft is None or draft.link_id != link.id:
        return None
    return draft


def start_draft(link: DistributionLink, version_id: int, language: str) -> Draft:
    """A new draft, and one more start counted for the link (a number, nothing more)."""
    draft = Draft(id=new_token(), link_id=link.id, version_id=version_id,
                  language=language, answers={})
    db.session.add(draft)
    today = date.today()
    counted = db.session.execute(
        update(LinkDailyCount)
        .where(LinkDailyCount.link_id == link.id, LinkDailyCount.day == today)
        .values(started=LinkDailyCount.started + 1)
    )
    if counted.rowcount == 0:  # type: ignore[attr-defined]
        db.session.add(LinkDailyCount(link_id=link.id, day=today, started=1))
    try:
        db.session.commit()
    except IntegrityError:  # two first starts of the day at once: count again
        db.session.rollback()
        db.session.add(draft)
        db.session.execute(
            update(LinkDailyCount)
            .where(LinkDailyCount.link_id == link.id, LinkDailyCount.day == today)
            .values(started=LinkDailyCount.started + 1)
        )
        db.session.commit()
    return draft


def save_page(draft: Draft, page: Page, values: dict[str, Any], language: str) -> None:
    answers = dict(draft.answers)
    for question in page.questions:
        value = values.get(question.key)
        if value in (None, "", []):
            answers.pop(question.key, None)
        else:
            answers[question.key] = value
    draft.answers = answers
    draft.language = language
    draft.updated_at = utcnow()
    db.session.commit()


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
    for page in definition.visible_pages(answers):
        visible = definition.visible_answers(answers)
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


def answer_rows(definition: Definition, answers: dict[str, Any],
                survey_id: int) -> list[Answer]:
    rows: list[Answer] = []
    for key, value in definition.visible_answers(answers).items():
        question = definition.question(key)
        if question is None:
            continue
        if question.type == "multiple":
            rows.extend(Answer(survey_id=survey_id, question_key=key, option_code=code)
                        for code in value)
        elif question.is_choice:
            rows.append(Answer(survey_id=survey_id, question_key=key, option_code=str(value)))
        elif question.type == "number":
            rows.append(Answer(survey_id=survey_id, question_key=key, number=float(value)))
        else:
            rows.append(Answer(survey_id=survey_id, question_key=key, text=str(value)))
    return rows


def submit(draft: Draft, link: DistributionLink, definition: Definition,
           language: str) -> str | None:
    """Store her response once; return its receipt code, or None if already stored.

    The draft token is the submission's idempotency key: a double tap, a refresh or a
    retry after a lost connection finds the response already stored and stores nothing.
    """
    code = receipt_code()
    response = Response(
        survey_id=link.survey_id, version_id=draft.version_id, link_id=link.id,
        language=language, submitted_at=to_the_hour(utcnow()),
        receipt_hash=fingerprint(code), submission_hash=fingerprint(draft.id),
    )
    response.answers = answer_rows(definition, draft.answers, link.survey_id)
    db.session.add(response)
    db.session.delete(draft)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if already_submitted(draft.id):
            return None
        raise
    current_app.logger.info("response stored for survey %s", link.survey_id)
    return code


def already_submitted(token: str | None) -> bool:
    if not token or not DRAFT_TOKEN.match(token):
        return False
    return db.session.scalar(
        select(Response.id).where(Response.submission_hash == fingerprint(token))
    ) is not None
