"""Stored times are UTC: turning what the database hands back into an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(value: datetime) -> datetime:
    """`value` as an aware UTC datetime.

    SQLite hands stored times back without a zone (they were written in UTC);
    PostgreSQL hands them back aware, in the session's time zone.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
