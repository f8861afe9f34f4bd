"""Small helpers shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """A naive UTC timestamp: both SQLite and PostgreSQL store it the same way."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_the_hour(moment: datetime) -> datetime:
    """Round a time down to the hour so a submission time cannot single anyone out."""
    return moment.replace(minute=0, second=0, microsecond=0)
