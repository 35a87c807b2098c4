"""The circles as their pages show them: the list with members and the next meeting, and a
circle with its members, its meetings and its open tasks."""

from __future__ import annotations

from datetime import datetime

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.clock import utcnow
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.circles.services import Members, find_circles, get_circle, members_of
from netzwerker.domain.meetings.models import Meeting
from netzwerker.domain.meetings.services import MeetingFilter, find_meetings
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import names
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.queries import is_open
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor


@attrs.frozen
class CircleList:
    circles: list[Circle]
    total: int
    members: dict[int, Members]
    #: The lead partners' names by id.
    leads: dict[int, str]
    #: The next planned meeting of each circle that has one.
    upcoming: dict[int, datetime]


def circle_list(session: Session) -> CircleList:
    """The active circles, their members, leads and next meetings: four queries."""
    circles, total = find_circles(session, active=True, limit=500)
    next_meeting = (
        sa.select(col(Meeting.circle_id), sa.func.min(col(Meeting.starts_at)))
        .where(col(Meeting.starts_at) >= utcnow(), col(Meeting.status) == "planned")
        .group_by(col(Meeting.circle_id))
    )
    return CircleList(
        circles=circles,
        total=total,
        members=members_of(session, [circle.id for circle in circles]),
        leads=names(session, Partner, (circle.lead_partner_id for circle in circles)),
        upcoming={row[0]: row[1] for row in session.execute(next_meeting)},
    )


@attrs.frozen
class CircleRecord:
    circle: Circle
    #: The member partners' and people's names, sorted.
    partners: list[str]
    people: list[str]
    #: The circle's meetings the reader may see, the latest first.
    meetings: list[Meeting]
    #: Open tasks the circle is accountable for.
    open_tasks: int
    #: Whether the reader may plan the circle's meetings, and change the circle.
    may_plan: bool
    may_change: bool


def circle_record(session: Session, circle_id: int, *, actor: Actor) -> CircleRecord:
    circle = get_circle(session, circle_id)
    members = members_of(session, [circle_id])[circle_id]
    meetings, _ = find_meetings(session, MeetingFilter(circle_id=circle_id), actor=actor, limit=200)
    open_tasks = sa.select(sa.func.count()).select_from(Task)
    open_tasks = open_tasks.where(col(Task.accountable_circle_id) == circle_id, is_open())
    return CircleRecord(
        circle=circle,
        partners=sorted(names(session, Partner, members.partners).values()),
        people=sorted(names(session, Person, members.people).values()),
        meetings=meetings,
        open_tasks=session.scalar(open_tasks) or 0,
        may_plan=permissions.allows(actor, permissions.MEETING_PLAN),
        may_change=permissions.allows(actor, permissions.CIRCLE_CHANGE),
    )
