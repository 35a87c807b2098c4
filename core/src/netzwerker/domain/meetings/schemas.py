"""What the API of meetings takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import datetime

import attrs
from sqlmodel import Session

from netzwerker.domain.meetings.models import Meeting
from netzwerker.domain.meetings.services import (
    ParticipantDraft,
    decisions_of,
    participants_of,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class DecisionOut(Answer):
    id: int
    seq: int
    text: str
    task_id: int | None
    decided_at: datetime
    recorded_by: str


@attrs.frozen
class MeetingOut(Answer):
    id: int
    circle_id: int | None
    case_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    agenda: list[str]
    minutes: str
    status: str
    participants: list[ParticipantDraft]
    decisions: list[DecisionOut]
    created_by: str
    version: int


def meeting_answers(session: Session, meetings: list[Meeting]) -> list[MeetingOut]:
    ids = [meeting.id for meeting in meetings]
    participants = participants_of(session, ids)
    decisions = decisions_of(session, ids)
    return [
        MeetingOut.of(
            meeting,
            participants=participants[meeting.id],
            decisions=[DecisionOut.of(d) for d in decisions[meeting.id]],
        )
        for meeting in meetings
    ]
