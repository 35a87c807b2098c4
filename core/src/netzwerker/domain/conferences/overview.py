"""A conference as its page shows it: seats, the registrations the reader may see with the
waiting list's order, and what the reader may do."""

from __future__ import annotations

import attrs
from sqlmodel import Session

from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.conferences.services import (
    RegistrationStatus,
    Seats,
    get_conference,
    registrations,
    seats,
)
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor


@attrs.frozen
class ConferenceRecord:
    conference: Conference
    seats: Seats
    registrations: list[Registration]
    #: The place of each waiting registration in the queue, from 1.
    waiting_position: dict[int, int]
    may_register: bool
    may_manage: bool
    may_export: bool
    #: Whether the reader may change the conference itself (dates, seats, cancelling it).
    may_change: bool


def conference_record(session: Session, conference_id: int, *, actor: Actor) -> ConferenceRecord:
    conference = get_conference(session, conference_id)
    listed = registrations(session, conference_id, actor=actor)
    waiting = [r.id for r in listed if r.status == RegistrationStatus.WAITLISTED]
    return ConferenceRecord(
        conference=conference,
        seats=seats(session, [conference_id])[conference_id],
        registrations=listed,
        waiting_position={rid: index for index, rid in enumerate(waiting, 1)},
        may_register=permissions.allows(actor, permissions.CONFERENCE_REGISTER)
        and not conference.cancelled,
        may_manage=permissions.allows(actor, permissions.CONFERENCE_CHECK_IN),
        may_export=permissions.allows(actor, permissions.CONFERENCE_EXPORT),
        may_change=permissions.allows(actor, permissions.CONFERENCE_CHANGE),
    )
