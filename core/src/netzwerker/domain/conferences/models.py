"""Conferences (Tagungen) with registration, a waiting list and check-in."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_conference_version = version_column()
_registration_version = version_column()


class Conference(SQLModel, table=True):
    """An event for 50 to 300 participants.

    ``seats_taken`` counts the registrations holding a seat. It only changes through one
    conditional UPDATE (:func:`netzwerker.domain.conferences.services.take_seat`), which the
    database runs atomically, so concurrent registrations never overbook.
    """

    __table_args__ = (
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="conference_seats"),
    )

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    title: str = Field(max_length=300)
    description: str = ""
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    venue: str = Field(default="", max_length=300)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    capacity: int
    seats_taken: int = 0
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    cancelled: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_conference_version)

    __mapper_args__ = {"version_id_col": _conference_version}


class Registration(SQLModel, table=True):
    """A participant's registration: ``registered`` (holds a seat), ``waitlisted`` or
    ``cancelled``. The waiting list is ordered by ``registered_at``."""

    __table_args__ = (
        sa.UniqueConstraint("conference_id", "email", name="uq_registration_email"),
        sa.Index("ix_registration_queue", "conference_id", "status", "registered_at"),
        # Seats taken and attendance per conference, from the index alone.
        sa.Index("ix_registration_attendance", "conference_id", "status", "checked_in_at"),
    )

    id: int = Field(default=None, primary_key=True)
    conference_id: int = Field(foreign_key="conference.id")
    name: str = Field(max_length=200)
    email: str = Field(max_length=200)
    organisation: str = Field(default="", max_length=200)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    status: str = Field(max_length=20)
    registered_at: datetime
    seat_since: datetime | None = None
    cancelled_at: datetime | None = None
    checked_in_at: datetime | None = None
    registered_by: str = Field(max_length=200)
    version: int | None = Field(default=None, sa_column=_registration_version)

    __mapper_args__ = {"version_id_col": _registration_version}
