"""Time as the domain sees it: UTC instants for history, local dates for due dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, in UTC: every timestamp column stores an aware UTC datetime."""
    return datetime.now(UTC)


def today_in(timezone: str) -> date:
    """Today's date where the jobcenter is: due dates and overdue are judged locally."""
    return datetime.now(ZoneInfo(timezone)).date()


def midday(day: date, timezone: str) -> datetime:
    """Noon of ``day`` where the jobcenter is, as a UTC instant: when something known only
    by its date happened (a household taken into coaching, a project recorded)."""
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
