"""Meetings of a circle, and case conferences (a meeting about one case).

Both have an agenda, participants with their attendance, minutes, and decisions; a decision
can become a task whose ``origin`` names the meeting.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_meeting_version = version_column()


class Meeting(SQLModel, table=True):
    """A circle's meeting (``circle_id``) or a case conference (``case_id``), never both."""

    __table_args__ = (
        sa.CheckConstraint(
            "(circle_id IS NULL) <> (case_id IS NULL)", name="meeting_circle_or_case"
        ),
    )

    id: int = Field(default=None, primary_key=True)
    circle_id: int | None = Field(default=None, foreign_key="circle.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case_record.id", index=True)
    title: str = Field(max_length=300)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    location: str = Field(default="", max_length=300)
    agenda: list[str] = Field(default_factory=list, sa_type=JSON)
    minutes: str = ""
    status: str = Field(default="planned", max_length=20)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_meeting_version)

    __mapper_args__ = {"version_id_col": _meeting_version}


class MeetingParticipant(SQLModel, table=True):
    """A partner (and optionally one of its people) invited to a meeting; ``attended`` is
    None until the attendance is taken."""

    __tablename__ = "meeting_participant"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "partner_id", "person_id", name="uq_meeting_participant"),
    )

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("meeting.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    partner_id: int = Field(foreign_key="partner.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    attended: bool | None = None


class Decision(SQLModel, table=True):
    """A decision of a meeting; ``task_id`` is the task it became, if any."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "seq", name="uq_decision_meeting_seq"),)

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    seq: int
    text: str
    task_id: int | None = Field(default=None, foreign_key="task.id", unique=True)
    decided_at: datetime = Field(default_factory=utcnow)
    recorded_by: str = Field(max_length=200)
