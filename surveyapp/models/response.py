"""Submitted responses and their answers. Nothing here identifies the respondent."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from surveyapp.extensions import db


class ResponseSource(enum.StrEnum):
    WEB = "web"
    PAPER = "paper"
    IMPORT = "import"


class Response(db.Model):
    __table_args__ = (
        Index("ix_response_survey_submitted", "survey_id", "submitted_at"),
        Index("ix_response_survey_link", "survey_id", "link_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_link.id"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default=ResponseSource.WEB)
    # Rounded down to the hour (see models.base.to_the_hour).
    submitted_at: Mapped[datetime] = mapped_column(index=True)
    # Hashes only: the receipt lets her ask for erasure; the submission key makes a double
    # tap or a retry store one response.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(db.Model):
    """One coded answer. A multiple-choice question gives one row per option chosen."""

    __table_args__ = (
        Index("ix_answer_survey_question_option", "survey_id", "question_key", "option_code"),
        Index("ix_answer_survey_question_link", "survey_id", "question_key", "link_id",
              "option_code"),
        Index("ix_answer_survey_question_submitted", "survey_id", "question_key",
              "submitted_at", "link_id", "option_code"),
        # A response's answer to one question, from the index alone: the theme pages join
        # every coded comment to its respondent's group (surveyapp/themes/summary.py).
        # It serves lookups by response too, so it replaces the index on response_id.
        Index("ix_answer_response_question_option", "response_id", "question_key",
              "option_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    # Copied from the response (see _copy_from_response) so every breakdown, by link or
    # by date too, is one indexed GROUP BY over answers with no join to 1,000,000 responses.
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_link.id"))
    submitted_at: Mapped[datetime | None]
    question_key: Mapped[str] = mapped_column(String(80))
    option_code: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str | None] = mapped_column(Text)
    number: Mapped[float | None]

    response: Mapped[Response] = relationship(back_populates="answers")


@event.listens_for(Session, "before_flush")
def _copy_from_response(session: Session, _context: Any, _instances: Any) -> None:
    """New answers carry their response's survey, link and hour, whoever stored them."""
    for item in session.new:
        if isinstance(item, Answer) and item.response is not None:
            item.survey_id = item.response.survey_id
            item.link_id = item.response.link_id
            item.submitted_at = item.response.submitted_at
