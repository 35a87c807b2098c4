"""The coordinator's overview: what is overdue and for whom, what is due this week, what was
escalated, and which goals are off track, in a fixed number of queries.

A partner member sees the same overview, limited to the tasks its partner is a party to.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import sqlalchemy as sa
from sqlmodel import Session

from netzwerker.deployment import Deployment
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.indicators.services import GoalReading, goal_readings
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Escalation, Task
from netzwerker.domain.tasks.queries import overdue
from netzwerker.domain.tasks.report import escalated
from netzwerker.domain.tasks.workflow import OPEN_STATUSES

#: Escalation steps, from the mildest; a task shows its highest step for its current due date.
ESCALATION_STEPS = ("reminder", "overdue", "accountable", "network")
#: How many overdue tasks the overview lists (their count is always complete).
LISTED = 200


@attrs.frozen
class TaskLine:
    """A task as a list shows it: what, for whom, by when, who answers for it."""

    id: int
    title: str
    working_field: str
    status: str
    due_date: date
    responsible_partner_id: int
    responsible_partner_key: str
    responsible_partner: str
    accountable: str
    escalation: str | None
    days_overdue: int


@attrs.frozen
class PartnerOverdue:
    partner_id: int
    partner: str
    tasks: list[TaskLine]


@attrs.frozen
class Overview:
    today: date
    overdue_count: int
    awaiting_commitment: int
    overdue_by_partner: list[PartnerOverdue]
    due_this_week: list[TaskLine]
    escalated: list[TaskLine]
    goals_off_track: list[GoalReading]


def task_lines(
    session: Session,
    *where: sa.ColumnElement[bool],
    today: date,
    limit: int = LISTED,
    offset: int = 0,
) -> list[TaskLine]:
    """Tasks with their partner, accountable party and escalation step, by due date: one query."""
    step_rank = sa.case(
        *((Escalation.step == step, rank) for rank, step in enumerate(ESCALATION_STEPS)),
        else_=-1,
    )
    highest = (
        sa.select(sa.func.max(step_rank))
        .where(Escalation.task_id == Task.id, Escalation.due_date == Task.due_date)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Task.id,
            Task.title,
            Task.working_field,
            Task.status,
            Task.due_date,
            Task.responsible_partner_id,
            Partner.key,
            Partner.name,
            sa.func.coalesce(Circle.name, Person.name, ""),
            highest,
        )
        .join(Partner, Partner.id == Task.responsible_partner_id)
        .outerjoin(Person, Person.id == Task.accountable_person_id)
        .outerjoin(Circle, Circle.id == Task.accountable_circle_id)
        .where(*where)
        .order_by(Task.due_date, Task.id)
        .limit(limit)
        .offset(offset)
    )
    lines = []
    for row in session.execute(query):
        rank = row[9]
        lines.append(
            TaskLine(
                id=row[0],
                title=row[1],
                working_field=row[2],
                status=row[3],
                due_date=row[4],
                responsible_partner_id=row[5],
                responsible_partner_key=row[6],
                responsible_partner=row[7],
                accountable=row[8],
                escalation=ESCALATION_STEPS[rank] if rank is not None and rank >= 0 else None,
                days_overdue=max(0, (today - row[4]).days) if row[3] in OPEN_STATUSES else 0,
            )
        )
    return lines


def overview(
    session: Session,
    deployment: Deployment,
    *,
    today: date,
    visible: sa.ColumnElement[bool] | None = None,
    show_goals: bool = True,
) -> Overview:
    seen = [visible] if visible is not None else []
    overdue_count, awaiting = session.execute(
        sa.select(
            sa.func.count().filter(overdue(today)),
            sa.func.count().filter(Task.status == "proposed"),
        )
        .select_from(Task)
        # Both counts are of open tasks: the index on (status, due_date) reads only those.
        .where(Task.status.in_(OPEN_STATUSES), *seen)  # type: ignore[attr-defined]
    ).one()
    late = task_lines(session, overdue(today), *seen, today=today)
    groups: dict[int, PartnerOverdue] = {}
    for line in late:
        group = groups.setdefault(
            line.responsible_partner_id,
            PartnerOverdue(line.responsible_partner_id, line.responsible_partner, []),
        )
        group.tasks.append(line)
    by_partner = sorted(groups.values(), key=lambda group: (-len(group.tasks), group.partner))
    week = task_lines(
        session,
        Task.status.in_(OPEN_STATUSES),  # type: ignore[attr-defined]
        Task.due_date.between(today, today + timedelta(days=7)),  # type: ignore[attr-defined]
        *seen,
        today=today,
    )
    handed_on = task_lines(session, overdue(today), escalated(), *seen, today=today)
    goals = (
        [
            reading
            for reading in goal_readings(session, deployment, today=today)
            if reading.on_track is False
        ]
        if show_goals
        else []
    )
    return Overview(
        today=today,
        overdue_count=overdue_count,
        awaiting_commitment=awaiting,
        overdue_by_partner=by_partner,
        due_this_week=week,
        escalated=handed_on,
        goals_off_track=goals,
    )
