"""Finding tasks: filters and pages in a fixed number of queries, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.db import contains_text
from netzwerker.domain.partners.models import Person
from netzwerker.domain.tasks.models import Task, TaskParty
from netzwerker.domain.tasks.workflow import OPEN_STATUSES
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor


@attrs.frozen
class TaskFilter:
    """Which tasks to list. ``partner_id`` matches the responsible partner."""

    working_field: str | None = None
    partner_id: int | None = None
    statuses: tuple[str, ...] = ()
    overdue: bool | None = None
    due_before: date | None = None
    due_after: date | None = None
    text: str | None = None
    goal_id: int | None = None
    #: Overdue and handed to the accountable party or the network.
    escalated: bool = False
    #: Due from today to a week ahead.
    due_within_week: bool = False

    def clauses(self, today: date) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.working_field is not None:
            clauses.append(col(Task.working_field) == self.working_field)
        if self.partner_id is not None:
            clauses.append(col(Task.responsible_partner_id) == self.partner_id)
        if self.statuses:
            clauses.append(Task.status.in_(self.statuses))  # type: ignore[attr-defined]
        if self.overdue is not None:
            clauses.append(overdue(today) if self.overdue else sa.not_(overdue(today)))
        if self.due_before is not None:
            clauses.append(col(Task.due_date) <= self.due_before)
        if self.due_after is not None:
            clauses.append(col(Task.due_date) >= self.due_after)
        if self.goal_id is not None:
            clauses.append(col(Task.goal_id) == self.goal_id)
        if self.escalated:
            clauses.extend([overdue(today), escalated()])
        if self.due_within_week:
            clauses.append(due_within_week(today))
        if self.text:
            clauses.append(contains_text([Task.title, Task.description], self.text))
        return clauses


def is_open() -> sa.ColumnElement[bool]:
    """Tasks in an open status, as SQL.

    The statuses are written into the statement, not bound, so that the planners see the
    condition of the partial index ``ix_task_open_due`` and read open tasks in due-date order.
    """
    statuses: sa.BindParameter[Any] = sa.bindparam(
        "open_statuses", OPEN_STATUSES, expanding=True, literal_execute=True
    )
    return col(Task.status).in_(statuses)


def overdue(today: date) -> sa.ColumnElement[bool]:
    """Tasks still open after their due date (as SQL; :func:`is_overdue` for one task)."""
    return is_open() & (Task.due_date < today)


def due_within_week(today: date) -> sa.ColumnElement[bool]:
    """Tasks due from today to seven days ahead: the start page's "due within a week"."""
    return col(Task.due_date).between(today, today + timedelta(days=7))


def escalated() -> sa.ColumnElement[bool]:
    """Tasks handed to their accountable party or the network for their current due date."""
    return col(Task.escalated_due) == col(Task.due_date)


def is_overdue(task: Task, today: date) -> bool:
    return task.status in OPEN_STATUSES and task.due_date < today


def visible_to(actor: Actor) -> sa.ColumnElement[bool] | None:
    """A WHERE clause limiting tasks to those the actor may read; None: all of them. A
    partner member reads the tasks its partner is a party to: responsible, consulted,
    informed, or accountable through one of its people."""
    partner = permissions.own_partner(actor, permissions.TASK_READ)
    if partner is None:
        return None
    return sa.or_(
        col(Task.responsible_partner_id) == partner,
        col(Task.id).in_(
            select(col(TaskParty.task_id)).where(col(TaskParty.partner_id) == partner)
        ),
        col(Task.accountable_person_id).in_(
            select(col(Person.id)).where(col(Person.partner_id) == partner)
        ),
    )


@attrs.frozen
class TaskPage:
    tasks: list[Task]
    total: int
    #: Per task: its consulted and informed partners, ``{"consulted": [..], "informed": [..]}``.
    parties: dict[int, dict[str, list[int]]]


def find_tasks(
    session: Session,
    task_filter: TaskFilter,
    *,
    today: date,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
) -> TaskPage:
    """One page of the tasks the actor may read (by due date), the total, and their
    parties: three queries."""
    clauses = task_filter.clauses(today)
    visible = visible_to(actor)
    if visible is not None:
        clauses.append(visible)
    total = session.exec(select(sa.func.count()).select_from(Task).where(*clauses)).one()
    tasks = list(
        session.exec(
            select(Task)
            .where(*clauses)
            .order_by(col(Task.due_date), col(Task.id))
            .limit(limit)
            .offset(offset)
        )
    )
    return TaskPage(tasks, total, parties_of(session, [task.id for task in tasks if task.id]))


def parties_of(session: Session, task_ids: Sequence[int]) -> dict[int, dict[str, list[int]]]:
    """Consulted and informed partners of the given tasks, in one query."""
    parties: dict[int, dict[str, list[int]]] = defaultdict(
        lambda: {"consulted": [], "informed": []}
    )
    if task_ids:
        rows = session.exec(
            select(col(TaskParty.task_id), col(TaskParty.role), col(TaskParty.partner_id))
            .where(col(TaskParty.task_id).in_(task_ids))
            .order_by(col(TaskParty.task_id), col(TaskParty.partner_id))
        )
        for task_id, role, partner_id in rows:
            parties[task_id][role].append(partner_id)
    return {task_id: parties[task_id] for task_id in task_ids}


def party_partners(session: Session, task: Task) -> set[int]:
    """Every partner that is a party to a task other than the responsible one."""
    partners = set(session.exec(select(TaskParty.partner_id).where(TaskParty.task_id == task.id)))
    if task.accountable_person_id is not None:
        person = session.get(Person, task.accountable_person_id)
        if person is not None:
            partners.add(person.partner_id)
    return partners
