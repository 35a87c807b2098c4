"""Conferences: registration within a window, a waiting list that moves up by itself, and
check-in.

Overbooking is impossible by construction: a registration takes a seat only through
:func:`take_seat`, one conditional ``UPDATE … SET seats_taken = seats_taken + 1 WHERE
seats_taken < capacity``, which the database applies atomically (PostgreSQL locks the row,
SQLite the file), so two concurrent registrations can never both take the last seat.
Freeing a seat and moving the first waiting person up happen in one transaction that holds
the same lock.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.contributions import Period
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.deployment import Deployment, deployment_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.mail import notices
from netzwerker.domain.references import fetch, field_problems, partner_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem, Refused, require_version
from netzwerker.ical import CalendarEvent
from netzwerker.measuring import within
from netzwerker.structuring import localized
from netzwerker.validators import not_blank, positive, record_key


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


@attrs.frozen
class ConferenceChanges:
    title: str = attrs.field(validator=not_blank)
    starts_at: datetime
    ends_at: datetime
    capacity: int = attrs.field(validator=positive)
    venue: str = ""
    description: str = ""
    working_field: str | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    cancelled: bool = False


@attrs.frozen
class ConferenceDraft(ConferenceChanges):
    key: str = attrs.field(kw_only=True, validator=record_key)


EDITABLE = tuple(field.name for field in attrs.fields(ConferenceChanges))
_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def _email(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    local, at, domain = value.strip().partition("@")
    if not (local and at and "." in domain) or " " in value.strip():
        raise ValueError(f"not an e-mail address: {value!r}")


@attrs.frozen
class RegistrationDraft:
    name: str = attrs.field(validator=not_blank)
    email: str = attrs.field(validator=_email)
    organisation: str = ""
    partner_id: int | None = None


@attrs.frozen
class Seats:
    capacity: int
    registered: int
    waitlisted: int
    checked_in: int

    @property
    def free(self) -> int:
        return self.capacity - self.registered


def _problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    if values["ends_at"] < values["starts_at"]:
        problems.append(Problem("ends_at", "ends before it starts"))
    opens, closes = values["registration_opens_at"], values["registration_closes_at"]
    if opens is not None and closes is not None and closes < opens:
        problems.append(Problem("registration_closes_at", "closes before it opens"))
    return problems


def _localize(deployment: Deployment, values: dict[str, Any]) -> None:
    timezone = deployment.config.deployment.timezone
    for name in _TIMES:
        if values[name] is not None:
            values[name] = localized(values[name], timezone)


def create_conference(
    session: Session, deployment: Deployment, draft: ConferenceDraft, *, actor: Actor
) -> Conference:
    permissions.authorize(actor, permissions.CONFERENCE_PLAN)
    now = utcnow()
    values = attrs.asdict(draft)
    _localize(deployment, values)
    problems = _problems(session, values)
    if session.scalar(select(Conference.id).where(Conference.key == draft.key)) is not None:
        problems.insert(0, Problem("key", f"a conference {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    conference = Conference(**values, created_at=now, updated_at=now)
    session.add(conference)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="conference.create",
        object_type="conference",
        object_id=conference.id,
    )
    return conference


def get_conference(
    session: Session, conference_id: int, expected_version: int | None = None
) -> Conference:
    return fetch(session, Conference, conference_id, "conference", expected_version)


def update_conference(
    session: Session,
    deployment: Deployment,
    conference_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Conference:
    """Change a conference. More seats move people up from the waiting list; fewer seats
    than are taken are refused (nobody loses a confirmed seat)."""
    permissions.authorize(actor, permissions.CONFERENCE_CHANGE)
    conference = get_conference(session, conference_id, expected_version)
    values = {**{key: getattr(conference, key) for key in EDITABLE}, **changes}
    _localize(deployment, values)
    problems = _problems(session, values)
    if values["capacity"] < conference.seats_taken:
        problems.append(Problem("capacity", "must not be less than the seats already taken"))
    if problems:
        raise InvalidInput(problems)
    for key in EDITABLE:
        setattr(conference, key, values[key])
    conference.updated_at = utcnow()
    flush_or_conflict(session, f"conference {conference_id}")
    record(
        session,
        actor=actor.username,
        action="conference.update",
        object_type="conference",
        object_id=conference_id,
        changes={"fields": sorted(changes)},
    )
    if values["cancelled"] and "cancelled" in changes:
        for registration in session.exec(
            select(Registration).where(
                col(Registration.conference_id) == conference_id,
                col(Registration.status) != RegistrationStatus.CANCELLED,
            )
        ):
            _tell(session, registration, conference, "cancelled")
    if "capacity" in changes:
        while _move_up(session, conference_id):
            pass
    return conference


def _tell(session: Session, registration: Registration, conference: Conference, kind: str) -> None:
    """Mail the registered address what became of its registration."""
    deployment = deployment_of(session)
    if deployment is not None:
        notices.registration_changed(
            session, registration, conference, calendar_event(conference, deployment), kind
        )


def take_seat(session: Session, conference_id: int) -> bool:
    """Take one seat if one is free, atomically; True if taken."""
    result = session.execute(
        sa.update(Conference)
        .where(
            col(Conference.id) == conference_id,
            col(Conference.seats_taken) < col(Conference.capacity),
        )
        .values(seats_taken=col(Conference.seats_taken) + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _free_seat(session: Session, conference_id: int) -> None:
    session.execute(
        sa.update(Conference)
        .where(col(Conference.id) == conference_id)
        .values(seats_taken=col(Conference.seats_taken) - 1)
        .execution_options(synchronize_session=False)
    )


def _move_up(session: Session, conference_id: int) -> Registration | None:
    """Give a free seat to the first on the waiting list; None if none is free or waiting."""
    first = session.exec(
        select(Registration)
        .where(
            col(Registration.conference_id) == conference_id,
            col(Registration.status) == RegistrationStatus.WAITLISTED,
        )
        .order_by(col(Registration.registered_at), col(Registration.id))
        .limit(1)
        .with_for_update()
    ).first()
    if first is None or not take_seat(session, conference_id):
        return None
    first.status = RegistrationStatus.REGISTERED
    first.seat_since = utcnow()
    session.flush()
    conference = session.get(Conference, conference_id)
    if conference is not None:
        _tell(session, first, conference, "moved_up")
    return first


def _check_window(conference: Conference, now: datetime) -> None:
    if conference.cancelled:
        raise Refused(f"conference {conference.key!r} was cancelled")
    if conference.registration_opens_at and now < conference.registration_opens_at:
        raise Refused(f"registration opens on {conference.registration_opens_at:%d.%m.%Y %H:%M}")
    closes = conference.registration_closes_at or conference.starts_at
    if now > closes:
        raise Refused(f"registration closed on {closes:%d.%m.%Y %H:%M}")


def register(
    session: Session,
    conference_id: int,
    draft: RegistrationDraft,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Registration:
    """Register a participant: a seat if one is free, else a place on the waiting list
    (``conference.register``: a partner member for its own partner, which it may leave
    out). Someone who cancelled may register again (at the end of the queue)."""
    partner_id = permissions.acting_partner(
        actor, permissions.CONFERENCE_REGISTER, draft.partner_id
    )
    draft = attrs.evolve(draft, partner_id=partner_id)
    now = now or utcnow()
    conference = get_conference(session, conference_id)
    _check_window(conference, now)
    if draft.partner_id is not None:
        problems = partner_problems(session, draft.partner_id, "partner_id")
        if problems:
            raise InvalidInput(problems)
    email = draft.email.strip().lower()
    registration = session.exec(
        select(Registration).where(
            Registration.conference_id == conference_id, Registration.email == email
        )
    ).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise Refused(f"{email} is registered already ({registration.status})")
    # Two requests for one address at once: the unique constraint refuses the later (409).
    seated = take_seat(session, conference_id)
    status = RegistrationStatus.REGISTERED if seated else RegistrationStatus.WAITLISTED
    values = {
        "name": draft.name.strip(),
        "organisation": draft.organisation.strip(),
        "partner_id": draft.partner_id,
        "status": status,
        "registered_at": now,
        "seat_since": now if seated else None,
        "cancelled_at": None,
        "checked_in_at": None,
        "registered_by": actor.username,
    }
    if registration is None:
        registration = Registration(conference_id=conference_id, email=email, **values)  # type: ignore[arg-type]
        session.add(registration)
    else:
        for key, value in values.items():
            setattr(registration, key, value)
    session.flush()
    _tell(session, registration, conference, str(status))
    record(
        session,
        actor=actor.username,
        action="registration.create",
        object_type="conference",
        object_id=conference_id,
        changes={"registration_id": registration.id, "status": str(status)},
    )
    return registration


def get_registration(
    session: Session, conference_id: int, registration_id: int, version: int | None = None
) -> Registration:
    registration = fetch(session, Registration, registration_id, "registration", version)
    if registration.conference_id != conference_id:
        raise Refused(f"registration {registration_id} is not one of conference {conference_id}")
    return registration


def cancel(
    session: Session,
    conference_id: int,
    registration_id: int,
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> tuple[Registration, Registration | None]:
    """Cancel a registration (``conference.register``: a partner member its own partner's);
    a freed seat goes to the first on the waiting list, who is returned as well."""
    # Lock the conference row first, the same order as a registration takes it.
    session.execute(
        sa.update(Conference)
        .where(col(Conference.id) == conference_id)
        .values(seats_taken=col(Conference.seats_taken))
        .execution_options(synchronize_session=False)
    )
    registration = get_registration(session, conference_id, registration_id)
    permissions.authorize(
        actor, permissions.CONFERENCE_REGISTER, partner_id=registration.partner_id
    )
    require_version("registration", registration_id, registration.version, expected_version)
    if registration.status == RegistrationStatus.CANCELLED:
        raise Refused(f"registration {registration_id} was cancelled already")
    had_seat = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    registration.seat_since = None
    flush_or_conflict(session, f"registration {registration_id}")
    _tell(session, registration, get_conference(session, conference_id), "cancelled")
    moved_up = None
    if had_seat:
        _free_seat(session, conference_id)
        moved_up = _move_up(session, conference_id)
    record(
        session,
        actor=actor.username,
        action="registration.cancel",
        object_type="conference",
        object_id=conference_id,
        changes={"registration_id": registration_id, "moved_up": moved_up and moved_up.id},
    )
    return registration, moved_up


def check_in(
    session: Session,
    conference_id: int,
    registration_id: int,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Registration:
    """Check a participant with a seat in at the door (``conference.check_in``)."""
    permissions.authorize(actor, permissions.CONFERENCE_CHECK_IN)
    registration = get_registration(session, conference_id, registration_id)
    if registration.status != RegistrationStatus.REGISTERED:
        raise Refused(f"registration {registration_id} holds no seat ({registration.status})")
    if registration.checked_in_at is None:
        registration.checked_in_at = now or utcnow()
        flush_or_conflict(session, f"registration {registration_id}")
        record(
            session,
            actor=actor.username,
            action="registration.check_in",
            object_type="conference",
            object_id=conference_id,
            changes={"registration_id": registration_id},
        )
    return registration


def conferences_held_in(period: Period, scope: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
    """Conferences that took place within the period (not cancelled), in the scope's field."""
    clauses = [within(Conference.starts_at, period), Conference.cancelled.is_(False)]  # type: ignore[attr-defined]
    if scope.get("working_field") is not None:
        clauses.append(Conference.working_field == scope["working_field"])
    return clauses


def seats(session: Session, conference_ids: list[int]) -> dict[int, Seats]:
    """Capacity, seats taken, waiting and checked in, per conference, in one query."""
    found: dict[int, Seats] = {}
    if not conference_ids:
        return found
    status = col(Registration.status)
    # Counted by a column of ``ix_registration_attendance`` (never NULL once joined): the
    # index alone answers, without reading each registration.
    joined = col(Registration.conference_id)
    rows = session.execute(
        sa.select(
            col(Conference.id),
            col(Conference.capacity),
            sa.func.count(joined).filter(status == RegistrationStatus.REGISTERED),
            sa.func.count(joined).filter(status == RegistrationStatus.WAITLISTED),
            sa.func.count(col(Registration.checked_in_at)).filter(
                status == RegistrationStatus.REGISTERED
            ),
        )
        .outerjoin(Registration, col(Registration.conference_id) == col(Conference.id))
        .where(col(Conference.id).in_(conference_ids))
        .group_by(col(Conference.id), col(Conference.capacity))
    )
    for conference_id, capacity, registered, waitlisted, checked_in in rows:
        found[conference_id] = Seats(capacity, registered, waitlisted, checked_in)
    return found


def registrations(
    session: Session, conference_id: int, *, actor: Actor, status: str | None = None
) -> list[Registration]:
    """The registrations the actor may see (``conference.registrations``: a partner member
    its own partner's): those with a seat, then the waiting list in its order, then
    cancelled."""
    get_conference(session, conference_id)
    partner = permissions.own_partner(actor, permissions.CONFERENCE_REGISTRATIONS)
    order = sa.case(
        (col(Registration.status) == RegistrationStatus.REGISTERED, 0),
        (col(Registration.status) == RegistrationStatus.WAITLISTED, 1),
        else_=2,
    )
    query = select(Registration).where(Registration.conference_id == conference_id)
    if partner is not None:
        query = query.where(Registration.partner_id == partner)
    if status is not None:
        query = query.where(Registration.status == status)
    return list(
        session.exec(query.order_by(order, col(Registration.registered_at), col(Registration.id)))
    )


def find_conferences(
    session: Session,
    *,
    working_field: str | None = None,
    upcoming_from: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Conference], int]:
    clauses: list[sa.ColumnElement[bool]] = []
    if working_field is not None:
        clauses.append(col(Conference.working_field) == working_field)
    if upcoming_from is not None:
        clauses.append(col(Conference.ends_at) >= upcoming_from)
    return page_of(
        session, Conference, clauses, [col(Conference.starts_at).desc()], limit=limit, offset=offset
    )


#: The lists a conference exports, and their columns.
EXPORTS = {
    "participants": ("Name", "Organisation", "E-Mail", "Status", "Warteplatz", "Angemeldet am"),
    "badges": ("Name", "Organisation"),
    "attendance": ("Name", "Organisation", "Anwesend", "Eingecheckt um"),
}


def export_rows(
    session: Session, conference_id: int, kind: str, timezone: str, *, actor: Actor
) -> list[list[Any]]:
    """Rows of a participant list (all registrations), badges (those with a seat) or the
    attendance list (seats and check-ins), times in the deployment's time zone
    (``conference.export``)."""
    permissions.authorize(actor, permissions.CONFERENCE_EXPORT)
    zone = ZoneInfo(timezone)

    def local(moment: datetime) -> str:
        return f"{moment.astimezone(zone):%d.%m.%Y %H:%M}"

    rows: list[list[Any]] = []
    waiting = 0
    for item in registrations(session, conference_id, actor=actor):
        if kind == "participants":
            waiting += item.status == RegistrationStatus.WAITLISTED
            position = waiting if item.status == RegistrationStatus.WAITLISTED else None
            rows.append(
                [
                    item.name,
                    item.organisation,
                    item.email,
                    STATUS_LABELS[item.status],
                    position,
                    local(item.registered_at),
                ]
            )
        elif item.status == RegistrationStatus.REGISTERED:
            if kind == "badges":
                rows.append([item.name, item.organisation])
            else:
                checked = item.checked_in_at
                rows.append(
                    [
                        item.name,
                        item.organisation,
                        "ja" if checked else "nein",
                        local(checked) if checked else "",
                    ]
                )
    return rows


STATUS_LABELS: dict[str, str] = {
    RegistrationStatus.REGISTERED: "angemeldet",
    RegistrationStatus.WAITLISTED: "Warteliste",
    RegistrationStatus.CANCELLED: "storniert",
}


def calendar_event(conference: Conference, deployment: Deployment) -> CalendarEvent:
    return CalendarEvent(
        uid=f"conference-{conference.key}@{deployment.name}",
        summary=conference.title,
        starts_at=conference.starts_at,
        ends_at=conference.ends_at,
        location=conference.venue,
        description=conference.description,
        cancelled=conference.cancelled,
    )
