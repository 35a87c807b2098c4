"""What the API takes and answers about tasks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import attrs
from sqlmodel import Session

from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.queries import is_overdue, parties_of
from netzwerker.domain.tasks.report import (
    GROUPINGS,
    ReportRow,
)
from netzwerker.domain.tasks.workflow import REQUESTED_ACTIONS
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


TaskAction = StrEnum("TaskAction", {name: name for name in REQUESTED_ACTIONS})  # type: ignore[misc]


Grouping = StrEnum("Grouping", {name: name for name in GROUPINGS})  # type: ignore[misc]


def task_answers(
    session: Session,
    tasks: list[Task],
    today: date,
    parties: dict[int, dict[str, list[int]]] | None = None,
) -> list[TaskOut]:
    """Tasks with their consulted and informed partners (one query, unless given)."""
    if parties is None:
        parties = parties_of(session, [task.id for task in tasks])
    return [
        TaskOut.of(
            task,
            **parties[task.id],
            overdue=is_overdue(task, today),
        )
        for task in tasks
    ]
