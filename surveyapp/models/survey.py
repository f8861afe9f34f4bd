"""Survey and its immutable versions."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    CLOSED = "closed"


class Survey(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=SurveyStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.LIVE

    def latest_published(self) -> SurveyVersion | None:
        version_id = self.latest_published_id()
        return db.session.get(SurveyVersion, version_id) if version_id is not None else None

    def latest_published_id(self) -> int | None:
        """Just the id: the respondent journey reads the (large) definition from its
        per-process cache of immutable versions, not from the database every request."""
        return db.session.scalar(
            select(SurveyVersion.id)
            .where(SurveyVersion.survey_id == self.id, SurveyVersion.published_at.is_not(None))
            .order_by(SurveyVersion.number.desc())
            .limit(1)
        )


class SurveyVersion(db.Model):
    """One published (and then immutable) definition of a survey.

    `definition` is the validated document from surveyapp.surveys.definition, translations
    included, so a response can always be read against exactly what was asked.
    """

    __table_args__ = (UniqueConstraint("survey_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    number: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    survey: Mapped[Survey] = relationship(back_populates="versions")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
