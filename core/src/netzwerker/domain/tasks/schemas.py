"""What the API takes and answers about tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from netzwerker.domain.tasks.models import Task, TaskEvent
from netzwerker.domain.tasks.report import ReportRow
from netzwerker.domain.tasks.workflow import OPEN_STATUSES


@attrs.frozen
class TransitionRequest:
    """Why (required to decline, block or cancel), and optionally the version read."""

    reason: str = ""
    version: int | None = None


@attrs.frozen
class TaskOut:
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

    @classmethod
    def of(cls, task: Task, parties: dict[str, list[int]], today: date) -> TaskOut:
        return cls(
            id=task.id,  # type: ignore[arg-type]
            title=task.title,
            description=task.description,
            working_field=task.working_field,
            goal_id=task.goal_id,
            origin=task.origin,
            responsible_partner_id=task.responsible_partner_id,
            responsible_person_id=task.responsible_person_id,
            accountable_person_id=task.accountable_person_id,
            accountable_circle_id=task.accountable_circle_id,
            consulted=parties["consulted"],
            informed=parties["informed"],
            due_date=task.due_date,
            status=task.status,
            status_reason=task.status_reason,
            overdue=task.status in OPEN_STATUSES and task.due_date < today,
            committed_at=task.committed_at,
            completed_on=task.completed_on,
            created_at=task.created_at,
            updated_at=task.updated_at,
            version=task.version,  # type: ignore[arg-type]
        )


@attrs.frozen
class TaskEventOut:
    seq: int
    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str
    reason: str
    changes: dict[str, Any] | None

    @classmethod
    def of(cls, event: TaskEvent) -> TaskEventOut:
        return cls(
            event.seq,
            event.at,
            event.actor,
            event.action,
            event.from_status,
            event.to_status,
            event.reason,
            event.changes,
        )


@attrs.frozen
class ReportOut:
    by: str
    today: date
    rows: list[ReportRow]
