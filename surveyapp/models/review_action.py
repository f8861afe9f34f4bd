""""You said, we did": what reviewers will change because of what women told them.

An action answers a theme ("staff attitude") or a flag from who is missing ("Black
women under-represented"). Only its short public wording, and only when it is marked
public, ever leaves the staff side: the public page per survey shows it, in every
language the survey offers. Its translations work like the survey's own text
(`surveyapp.surveys.definition.Definition.text`): each records the English it was made
from, and once the English changes the page shows English until it is translated again.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ActionAbout(enum.StrEnum):
    THEME = "theme"
    FLAG = "flag"


class ReviewAction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    about_kind: Mapped[str] = mapped_column(String(16), default=ActionAbout.THEME)
    # A theme code, or the words of a "who is missing" flag.
    about: Mapped[str] = mapped_column(String(200))
    heard: Mapped[str] = mapped_column(Text)  # what was heard
    change: Mapped[str] = mapped_column(Text)  # what will change
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.PLANNED)
    public: Mapped[bool] = mapped_column(default=False)
    public_wording: Mapped[str] = mapped_column(Text, default="")
    # {locale: {"source": the English it was made from, "text": the translation}}
    public_translations: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def wording_in(self, locale: str) -> str:
        """The public wording in `locale`, or English when no up-to-date translation."""
        entry = (self.public_translations or {}).get(locale) or {}
        if entry.get("source") == self.public_wording and entry.get("text"):
            return str(entry["text"])
        return self.public_wording
