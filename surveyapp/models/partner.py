"""Partner organisations and the links they hand out."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow
from surveyapp.models.survey import Survey

# Letters and digits that survive being read off a poster: no 0/O, 1/l/I.
LINK_ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"


def new_link_code(length: int = 11) -> str:
    """About 64 random bits: short enough for a poster, too many to guess."""
    return "".join(secrets.choice(LINK_ALPHABET) for _ in range(length))


class PartnerKind(enum.StrEnum):
    MVP = "mvp"
    VCSE = "vcse"
    FAITH = "faith"
    TRUST_TEAM = "trust_team"
    HEALTH_VISITORS = "health_visitors"
    OTHER = "other"


class Partner(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default=PartnerKind.OTHER)
    contact: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    links: Mapped[list[DistributionLink]] = relationship(back_populates="partner")


class DistributionLink(db.Model):
    """A short, unguessable code a partner hands out: /s/<code>."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    # None: follow the language her phone asks for (Accept-Language), then English.
    default_language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    partner: Mapped[Partner] = relationship(back_populates="links")
    survey: Mapped[Survey] = relationship()

    def is_open_on(self, day: date) -> bool:
        return self.active and (self.ends_on is None or day <= self.ends_on)
