"""A meeting as its page shows it: its circle, who was invited and came, its decisions and
the tasks they gave."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.domain.circles.models import Circle
from netzwerker.domain.meetings.models import Decision, Meeting
from netzwerker.domain.meetings.services import (
    MeetingStatus,
    ParticipantDraft,
    decisions_of,
    participants_of,
    visible_meeting,
)
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.references import names, partner_choices
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor


@attrs.frozen
class MeetingRecord:
    meeting: Meeting
    circle: Circle | None
    participants: list[ParticipantDraft]
    #: The participating partners' names by id.
    partner_names: dict[int, str]
    decisions: list[Decision]
    #: The tasks the decisions gave, by id.
    tasks: dict[int, Task]
    #: Every active partner, for a decision's task.
    partners: list[tuple[int, str]]
    #: Whether the reader may record decisions and minutes now.
    may_record: bool


def meeting_record(session: Session, meeting_id: int, *, actor: Actor) -> MeetingRecord:
    meeting = visible_meeting(session, actor, meeting_id)
    participants = participants_of(session, [meeting_id])[meeting_id]
    decisions = decisions_of(session, [meeting_id])[meeting_id]
    given = [decision.task_id for decision in decisions if decision.task_id]
    tasks: Iterable[Task] = (
        session.scalars(sa.select(Task).where(col(Task.id).in_(given))) if given else []
    )
    return MeetingRecord(
        meeting=meeting,
        circle=session.get(Circle, meeting.circle_id) if meeting.circle_id else None,
        participants=participants,
        partner_names=names(session, Partner, (p.partner_id for p in participants)),
        decisions=decisions,
        tasks={task.id: task for task in tasks},
        partners=partner_choices(session),
        may_record=permissions.allows(actor, permissions.MEETING_DECIDE)
        and meeting.status != MeetingStatus.CANCELLED,
    )
