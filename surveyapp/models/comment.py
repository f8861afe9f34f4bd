"""What the analysis found in each free-text answer: language, translation, sentiment,
themes (the machine's and a reviewer's), and recurring phrases no theme covers yet.

Derived data kept beside the answer (DESIGN.md): written by the analysis worker
(surveyapp/themes/pipeline.py), read by every page and export, never recomputed there.
Like Answer, each row carries its response's survey, link and hour, so "themes by survey,
date and link" is one indexed GROUP BY with no join to the answers or responses. Nothing
here identifies the respondent; the only people named are staff (a translator, a reviewer),
by user id.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.extensions import db
from surveyapp.models.base import utcnow


class ThemeSource(enum.StrEnum):
    AUTO = "auto"  # found by the analysis; replaced on every re-analysis
    REVIEWER = "reviewer"  # added or removed by a reviewer; survives re-analysis


class CommentAnalysis(db.Model):
    """One free-text answer's analysis. ``analysed_at`` is None while it waits (never
    analysed, or queued again after a framework change or a new translation)."""

    __table_args__ = (
        # Sentiment counts and trends for a survey by date and link.
        Index("ix_comment_analysis_survey_submitted", "survey_id", "submitted_at", "link_id",
              "sentiment"),
        # The translation queue of a survey.
        Index("ix_comment_analysis_survey_translation", "survey_id", "needs_translation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answer.id", ondelete="CASCADE"), unique=True
    )
    # Copied from the answer when the row is made, as Answer copies them from its response.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_link.id"))
    submitted_at: Mapped[datetime | None]
    question_key: Mapped[str] = mapped_column(String(80))

    # ISO 639-1 code from the detector, "unknown" when it cannot tell.
    language: Mapped[str | None] = mapped_column(String(16))
    # Not in English and no English translation yet: not theme-coded until one is added.
    needs_translation: Mapped[bool] = mapped_column(default=False)
    translation: Mapped[str | None] = mapped_column(Text)
    translated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    translated_at: Mapped[datetime | None]

    # positive, mixed, neutral or negative; None when the analysis failed (see the log).
    sentiment: Mapped[str | None] = mapped_column(String(16))
    polarity: Mapped[float | None]
    subjectivity: Mapped[float | None]
    noun_phrases: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))

    framework_key: Mapped[str | None] = mapped_column(String(40))
    framework_version: Mapped[int | None]
    analysed_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    themes: Mapped[list[CommentTheme]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CommentTheme.id",
    )

    @property
    def is_pending(self) -> bool:
        return self.analysed_at is None

    @property
    def shown_themes(self) -> list[CommentTheme]:
        """The themes a page shows: everything not removed by a reviewer."""
        return [t for t in self.themes if not t.removed_by_reviewer]


class CommentTheme(db.Model):
    """A theme on a comment, with its own sentiment. A reviewer's row (added, or an
    automatic theme she removed) is kept by re-analysis, which replaces only "auto" rows
    and never adds back a theme a reviewer removed."""

    __table_args__ = (
        UniqueConstraint("analysis_id", "theme_code"),
        # Themes ranked by respondents, share negative, trend by month, filtered by date
        # range and link: an index-only scan on PostgreSQL.
        Index("ix_comment_theme_survey_theme_submitted", "survey_id", "theme_code",
              "submitted_at", "link_id", "sentiment", "removed_by_reviewer", "response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("comment_analysis.id", ondelete="CASCADE")
    )
    theme_code: Mapped[str] = mapped_column(String(64))
    sentiment: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16), default=ThemeSource.AUTO)
    removed_by_reviewer: Mapped[bool] = mapped_column(default=False)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    # Copied from the analysis, for aggregation without a join.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("distribution_link.id"))
    submitted_at: Mapped[datetime | None]

    analysis: Mapped[CommentAnalysis] = relationship(back_populates="themes")


class EmergingPhrase(db.Model):
    """A noun phrase that no framework theme covers, raised by at least a few different
    respondents in a survey: a candidate new theme for a reviewer to look at."""

    __table_args__ = (UniqueConstraint("survey_id", "phrase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"),
                                           index=True)
    phrase: Mapped[str] = mapped_column(String(200))
    respondents: Mapped[int] = mapped_column(default=0)  # distinct responses using it
    promoted: Mapped[bool] = mapped_column(default=False)  # made into a framework theme
    dismissed: Mapped[bool] = mapped_column(default=False)  # a reviewer said it is noise
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
