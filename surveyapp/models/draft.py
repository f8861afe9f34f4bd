"""Answers held safely between pages until she submits, and anonymous start counts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class Draft(db.Model):
    """A survey in progress, keyed by a random token held in her session and her form.

    Kept in the database (not the cookie) so long free-text answers fit, and so any app
    instance can carry on the journey. Deleted on submission; old ones are purged.
    """

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("distribution_link.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("survey_version.id"))
    language: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LinkDailyCount(db.Model):
    """How many surveys were started through a link on a day: a number, nothing more."""

    link_id: Mapped[int] = mapped_column(
        ForeignKey("distribution_link.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)
    started: Mapped[int] = mapped_column(default=0)
