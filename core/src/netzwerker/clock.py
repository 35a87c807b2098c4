"""Time as the domain sees it: UTC instants for history, local dates for due dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, in UTC: every timestamp column stores an aware UTC datetime."""
    return datetime.now(UTC)


def today_in(timezone: str) -> date:
    """Today's date where the jobcenter is: due dates and overdue are judged locally."""
    return datetime.now(ZoneInfo(timezone)).date()
