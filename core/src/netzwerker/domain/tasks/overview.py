"""The coordinator's overview: what is overdue and for whom, what is due this week, what was
escalated, and which goals are off track, in a fixed number of queries.

Every figure counts all tasks; the lists show the most urgent :data:`LISTED` of each kind
(the most overdue first, the partners with the most overdue tasks first), so the start page
costs what it shows whatever the size of the network. A partner member sees the same
overview, limited to the tasks its partner is a party to.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.deployment import Deployment
from netzwerker.domain.circles.models import Circle, CirclePerson
from netzwerker.domain.indicators.services import GoalReading, goal_readings
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Escalation, Task
from netzwerker.domain.tasks.queries import (
    TaskFilter,
    due_within_week,
    escalated,
    is_open,
    overdue,
    visible_to,
)
from netzwerker.domain.tasks.workflow import OPEN_STATUSES
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor

#: Escalation steps, from the mildest; a task shows its highest step for its current due date.
ESCALATION_STEPS = ("reminder", "overdue", "accountable", "network")
#: How many tasks of each kind, and partners with overdue tasks, the overview lists (their
#: counts are always complete).
LISTED = 50


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
    #: The version a move from a list sends, so that a stale move is refused.
    version: int


@attrs.frozen
class PartnerOverdue:
    """A partner with overdue tasks: how many, and those among the most overdue listed."""

    partner_id: int
    partner_key: str
    partner: str
    overdue: int
    tasks: list[TaskLine]


@attrs.frozen
class Overview:
    today: date
    overdue_count: int
    awaiting_commitment: int
    due_this_week_count: int
    escalated_count: int
    #: How many partners have overdue tasks; ``overdue_by_partner`` lists those with the most.
    partners_overdue: int
    overdue_by_partner: list[PartnerOverdue]
    #: The most overdue tasks, whoever is responsible.
    most_overdue: list[TaskLine]
    #: Proposed tasks not yet overdue: each task is listed once on the start page.
    awaiting: list[TaskLine]
    #: Open commitments (not proposals) due within a week.
    due_this_week: list[TaskLine]
    goals_off_track: list[GoalReading]
    #: The open tasks the reader answers for (None: the reader is no person of the network);
    #: the lists above leave them out, so that no task is listed twice.
    mine: list[TaskLine] | None = None


@functools.cache
def _lines_query() -> sa.Select[Any]:
    """What a task line reads, built once: the start page asks for three lists each time."""
    step_rank = sa.case(
        *((col(Escalation.step) == step, rank) for rank, step in enumerate(ESCALATION_STEPS)),
        else_=-1,
    )
    highest = (
        sa.select(sa.func.max(step_rank))
        .where(
            col(Escalation.task_id) == col(Task.id), col(Escalation.due_date) == col(Task.due_date)
        )
        .scalar_subquery()
    )
    return (
        sa.select(
            col(Task.id),
            col(Task.title),
            col(Task.working_field),
            col(Task.status),
            col(Task.due_date),
            col(Task.responsible_partner_id),
            col(Partner.key),
            col(Partner.name),
            sa.func.coalesce(col(Circle.name), col(Person.name), ""),
            highest,
            col(Task.version),
        )
        .join(Partner, col(Partner.id) == col(Task.responsible_partner_id))
        .outerjoin(Person, col(Person.id) == col(Task.accountable_person_id))
        .outerjoin(Circle, col(Circle.id) == col(Task.accountable_circle_id))
    )


def task_lines(
    session: Session,
    *where: sa.ColumnElement[bool],
    today: date,
    limit: int = LISTED,
    offset: int = 0,
) -> list[TaskLine]:
    """Tasks with their partner, accountable party and escalation step, by due date: one query."""
    query = (
        _lines_query()
        .where(*where)
        .order_by(col(Task.due_date), col(Task.id))
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
                version=row[10],
            )
        )
    return lines


@attrs.frozen
class LinePage:
    """One page of task lines and how many tasks match in all."""

    lines: list[TaskLine]
    total: int


def line_page(
    session: Session,
    task_filter: TaskFilter,
    *,
    actor: Actor,
    today: date,
    limit: int = LISTED,
    offset: int = 0,
) -> LinePage:
    """A page of the tasks the actor may read, as lines, and their number: two queries."""
    where = task_filter.clauses(today)
    visible = visible_to(actor)
    if visible is not None:
        where.append(visible)
    total = session.scalar(sa.select(sa.func.count()).select_from(Task).where(*where)) or 0
    return LinePage(task_lines(session, *where, today=today, limit=limit, offset=offset), total)


def _count_of(*where: sa.ColumnElement[bool]) -> sa.ScalarSelect[int]:
    return sa.select(sa.func.count()).select_from(Task).where(*where).scalar_subquery()


def accountable_person(person_id: int) -> sa.ColumnElement[bool]:
    """Tasks a person answers for: named as accountable, or through a circle they sit in."""
    circles = sa.select(col(CirclePerson.circle_id)).where(col(CirclePerson.person_id) == person_id)
    return sa.or_(
        col(Task.accountable_person_id) == person_id, col(Task.accountable_circle_id).in_(circles)
    )


def overview(
    session: Session,
    deployment: Deployment,
    *,
    today: date,
    actor: Actor,
    person_id: int | None = None,
) -> Overview:
    """What needs attention today, of the tasks the actor may read; first, for the person
    ``person_id`` (the reader's own entry in the directory), the open tasks they answer for;
    the goals off track for the jobcenter's own people (``network.goals``)."""
    visible = visible_to(actor)
    seen = [visible] if visible is not None else []
    mine = None
    listed = list(seen)  # what the lists show: not the reader's own, listed first
    if person_id is not None:
        own = accountable_person(person_id)
        mine = task_lines(session, is_open(), own, *seen, today=today)
        listed.append(sa.not_(sa.func.coalesce(own, False)))
    week = due_within_week(today)
    late = overdue(today)
    proposed = col(Task.status) == "proposed"
    # Each count reads its own range of an index on open tasks, all in one statement.
    overdue_count, awaiting, this_week, handed_on = session.execute(
        sa.select(
            _count_of(late, *seen),
            _count_of(proposed, *seen),
            _count_of(is_open(), week, *seen),
            _count_of(late, escalated(), *seen),
        )
    ).one()
    most_overdue = task_lines(session, late, *listed, today=today)
    late_by_partner = (
        sa.select(
            col(Task.responsible_partner_id).label("partner_id"),
            sa.func.count().label("overdue"),
            # Counted after the grouping: how many partners have overdue tasks.
            sa.func.count().over().label("partners"),
        )
        .where(late, *seen)
        .group_by(col(Task.responsible_partner_id))
        .subquery()
    )
    by_partner = session.execute(
        sa.select(
            col(Partner.id),
            col(Partner.key),
            col(Partner.name),
            late_by_partner.c.overdue,
            late_by_partner.c.partners,
        )
        .join(late_by_partner, late_by_partner.c.partner_id == col(Partner.id))
        .order_by(late_by_partner.c.overdue.desc(), col(Partner.name))
        .limit(LISTED)
    ).all()
    partners_overdue = by_partner[0].partners if by_partner else 0
    groups = [
        PartnerOverdue(
            partner_id,
            key,
            name,
            count,
            [line for line in most_overdue if line.responsible_partner_id == partner_id],
        )
        for partner_id, key, name, count, _ in by_partner
    ]
    goals = (
        [
            reading
            for reading in goal_readings(session, deployment, today=today)
            if reading.on_track is False
        ]
        if permissions.allows(actor, permissions.NETWORK_GOALS)
        else []
    )
    return Overview(
        today=today,
        overdue_count=overdue_count,
        awaiting_commitment=awaiting,
        due_this_week_count=this_week,
        escalated_count=handed_on,
        partners_overdue=partners_overdue,
        overdue_by_partner=groups,
        most_overdue=most_overdue,
        awaiting=task_lines(session, proposed, col(Task.due_date) >= today, *listed, today=today),
        due_this_week=task_lines(session, is_open(), week, ~proposed, *listed, today=today),
        goals_off_track=goals,
        mine=mine,
    )
