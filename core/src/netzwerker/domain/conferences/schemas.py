"""What the API of conferences takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import datetime

import attrs
from sqlmodel import Session

from netzwerker.domain.conferences.models import Conference
from netzwerker.domain.conferences.services import (
    seats,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class ConferenceOut(Answer):
    id: int
    key: str
    title: str
    description: str
    working_field: str | None
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registered: int
    waitlisted: int
    checked_in: int
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    cancelled: bool
    version: int


@attrs.frozen
class RegistrationOut(Answer):
    id: int
    conference_id: int
    name: str
    email: str
    organisation: str
    partner_id: int | None
    status: str
    registered_at: datetime
    seat_since: datetime | None
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    version: int


@attrs.frozen
class CancelOut:
    cancelled: RegistrationOut
    moved_up: RegistrationOut | None


@attrs.frozen
class CancelRequest:
    version: int | None = None


def conference_answers(session: Session, conferences: list[Conference]) -> list[ConferenceOut]:
    counts = seats(session, [conference.id for conference in conferences])
    return [
        ConferenceOut.of(conference, **attrs.asdict(counts[conference.id]))
        for conference in conferences
    ]
