"""What the API takes and answers about tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from netzwerker.domain.tasks.report import ReportRow
from netzwerker.http.answers import Answer


@attrs.frozen
class TransitionRequest:
    """Why (required to decline, block or cancel), and optionally the version read."""

    reason: str = ""
    version: int | None = None


@attrs.frozen
class TaskOut(Answer):
    id: int
    title: str
    description: str
    working_field: str
    goal_id: int | None
    origin: str
    responsible_partner_id: int
    responsible_person_id: int | None
    accountable_person_id: int | None
    accountable_circle_id: int | None
    consulted: list[int]
    informed: list[int]
    due_date: date
    status: str
    status_reason: str
    overdue: bool
    committed_at: datetime | None
    completed_on: date | None
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class TaskEventOut(Answer):
    seq: int
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str
    reason: str
    changes: dict[str, Any] | None


@attrs.frozen
class ReportOut:
    by: str
    today: date
    rows: list[ReportRow]
