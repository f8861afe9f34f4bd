"""Staff accounts, the surveys a reviewer is given, and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.models.partner import Partner
from surveyapp.models.survey import Survey


class Role(enum.StrEnum):
    ADMIN = "admin"
    REVIEWER = "reviewer"
    PARTNER = "partner"


reviewer_survey = Table(
    "reviewer_survey",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("survey_id", ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Changes when the password changes or the account is disabled, which ends every
    # session the user had (see get_id).
    session_version: Mapped[int] = mapped_column(default=1)
    # An invitation lets a new user choose her own password; only its hash is kept.
    invite_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    invite_expires: Mapped[datetime | None]

    partner: Mapped[Partner | None] = relationship()
    surveys: Mapped[list[Survey]] = relationship(secondary=reviewer_survey)

    def set_password(self, password: str) -> None:
        # werkzeug's default is scrypt, a memory-hard key-derivation function.
        self.password_hash = generate_password_hash(password)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def can_review(self, survey_id: int) -> bool:
        if self.role == Role.ADMIN:
            return True
        return self.role == Role.REVIEWER and any(s.id == survey_id for s in self.surveys)


class AuditEvent(db.Model):
    """Who did what, when: logins, failed logins, user changes, exports, deletions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
