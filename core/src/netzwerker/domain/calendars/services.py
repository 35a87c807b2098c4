"""Calendar feeds: the dates a user or a partner keeps, at an address a calendar subscribes to.

A calendar client cannot sign in or send a token in a header, so the address itself is the
secret (``/calendar/<token>.ics``): shown once when the feed is made, kept only as its
digest, revoked when it leaked. A feed holds the due dates of the open tasks its owner
answers for (one day-long entry each), the meetings of its circles and the conferences it
registered for; each entry keeps its UID, so a calendar updates it instead of adding one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.deployment import Deployment
from netzwerker.domain.audit.services import record
from netzwerker.domain.calendars.models import CalendarFeed
from netzwerker.domain.circles.models import CirclePartner, CirclePerson
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.conferences.services import RegistrationStatus
from netzwerker.domain.conferences.services import calendar_event as conference_event
from netzwerker.domain.meetings.models import Meeting
from netzwerker.domain.meetings.services import calendar_event as meeting_event
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.overview import accountable_person
from netzwerker.domain.tasks.queries import is_open
from netzwerker.domain.users import permissions
from netzwerker.domain.users.models import User
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, NotFound, Problem
from netzwerker.ical import CalendarEvent, calendar

#: How far back a feed shows meetings and conferences: the recent past stays visible.
PAST = timedelta(days=90)


@attrs.frozen
class NewFeed:
    """A feed just made, with its token: the only moment the token is known."""

    feed: CalendarFeed
    token: str


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _authorize(actor: Actor, *, user_id: int | None, partner_id: int | None) -> None:
    if (user_id is None) == (partner_id is None):
        raise InvalidInput([Problem("owner", "a feed belongs to one user or to one partner")])
    if user_id is not None:
        permissions.authorize(actor, permissions.CALENDAR_OWN, user_id=user_id)
    else:
        permissions.authorize(actor, permissions.CALENDAR_PARTNER, partner_id=partner_id)


def create_feed(
    session: Session, *, actor: Actor, user_id: int | None = None, partner_id: int | None = None
) -> NewFeed:
    """A new feed of a user (``calendar.own``: one's own, admins anyone's) or of a partner
    (``calendar.partner``: managers, and a partner's members for their own)."""
    _authorize(actor, user_id=user_id, partner_id=partner_id)
    if user_id is not None and session.get(User, user_id) is None:
        raise NotFound("user", user_id)
    if partner_id is not None and session.get(Partner, partner_id) is None:
        raise NotFound("partner", partner_id)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        digest=_digest(token), user_id=user_id, partner_id=partner_id, created_by=actor.username
    )
    session.add(feed)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="calendar.create",
        object_type="calendar_feed",
        object_id=feed.id,
        changes={"user_id": user_id, "partner_id": partner_id},
    )
    return NewFeed(feed, token)


def live_feeds(
    session: Session, *, actor: Actor, user_id: int | None = None, partner_id: int | None = None
) -> list[CalendarFeed]:
    """The feeds of a user or a partner that still work, oldest first."""
    _authorize(actor, user_id=user_id, partner_id=partner_id)
    owner = (
        col(CalendarFeed.user_id) == user_id
        if user_id is not None
        else col(CalendarFeed.partner_id) == partner_id
    )
    return list(
        session.exec(
            select(CalendarFeed)
            .where(owner, col(CalendarFeed.revoked_at).is_(None))
            .order_by(col(CalendarFeed.id))
        )
    )


def revoke_feed(
    session: Session, feed_id: int, *, actor: Actor, partner_id: int | None = None
) -> CalendarFeed:
    """Revoke a user's feed, or with ``partner_id`` a feed of that partner: its address
    answers "not found" from now on; revoking it again changes nothing."""
    feed = session.get(CalendarFeed, feed_id)
    if feed is None or feed.partner_id != partner_id:
        raise NotFound("calendar feed", feed_id)
    _authorize(actor, user_id=feed.user_id, partner_id=feed.partner_id)
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        record(
            session,
            actor=actor.username,
            action="calendar.revoke",
            object_type="calendar_feed",
            object_id=feed.id,
        )
        session.flush()
    return feed


def feed_of_token(session: Session, token: str) -> CalendarFeed | None:
    """The live feed of ``token``; None for an unknown or revoked one."""
    feed = session.exec(
        select(CalendarFeed).where(col(CalendarFeed.digest) == _digest(token))
    ).one_or_none()
    return feed if feed is not None and feed.revoked_at is None else None


def _task_event(task: Task, partner: str, deployment: Deployment) -> CalendarEvent:
    starts = datetime.combine(task.due_date, time())
    return CalendarEvent(
        uid=f"task-{task.id}@{deployment.name}",
        summary=f"Fällig: {task.title}",
        starts_at=starts,
        ends_at=starts + timedelta(days=1),
        description=(
            f"Verantwortlich: {partner}\n"
            f"{deployment.config.web.public_url.rstrip('/')}/tasks/{task.id}"
        ),
        all_day=True,
    )


def _owner_conditions(
    session: Session, feed: CalendarFeed
) -> tuple[list[Any], list[Any], list[Any]]:
    """Which tasks, meetings and registrations a feed shows, as WHERE clauses."""
    partner_id = feed.partner_id
    user = session.get(User, feed.user_id) if feed.user_id is not None else None
    if user is not None and user.partner_id is not None:
        partner_id = user.partner_id  # a partner member keeps its partner's dates
    if partner_id is not None:
        circles = select(col(CirclePartner.circle_id)).where(
            col(CirclePartner.partner_id) == partner_id
        )
        return (
            [col(Task.responsible_partner_id) == partner_id],
            [col(Meeting.circle_id).in_(circles)],
            [col(Registration.partner_id) == partner_id],
        )
    if user is None:
        return [sa.false()], [sa.false()], [sa.false()]
    person = user.person_id
    registrations = [sa.func.lower(col(Registration.email)) == user.email.lower()]
    if person is None:
        return [sa.false()], [sa.false()], registrations if user.email else [sa.false()]
    circles = select(col(CirclePerson.circle_id)).where(col(CirclePerson.person_id) == person)
    return (
        [sa.or_(accountable_person(person), col(Task.responsible_person_id) == person)],
        [col(Meeting.circle_id).in_(circles)],
        registrations if user.email else [sa.false()],
    )


def feed_events(
    session: Session, deployment: Deployment, feed: CalendarFeed, *, today: date
) -> list[CalendarEvent]:
    """The entries of a feed: open tasks by due date, its circles' meetings and its
    conferences from :data:`PAST` ago on."""
    tasks_where, meetings_where, registrations_where = _owner_conditions(session, feed)
    since = datetime.combine(today - PAST, time(), tzinfo=UTC)
    events = [
        _task_event(task, partner, deployment)
        for task, partner in session.execute(
            sa.select(Task, col(Partner.name))
            .join(Partner, col(Partner.id) == col(Task.responsible_partner_id))
            .where(is_open(), *tasks_where)
            .order_by(col(Task.due_date), col(Task.id))
        ).all()
    ]
    events += [
        meeting_event(meeting, deployment)
        for meeting in session.exec(
            select(Meeting)
            .where(col(Meeting.starts_at) >= since, *meetings_where)
            .order_by(col(Meeting.starts_at))
        )
    ]
    registered = (
        select(col(Registration.conference_id))
        .where(col(Registration.status) != RegistrationStatus.CANCELLED, *registrations_where)
        .distinct()
    )
    events += [
        conference_event(conference, deployment)
        for conference in session.exec(
            select(Conference)
            .where(col(Conference.id).in_(registered), col(Conference.starts_at) >= since)
            .order_by(col(Conference.starts_at))
        )
    ]
    return events


def feed_calendar(deployment: Deployment, token: str) -> bytes | None:
    """The iCalendar document at a feed's address; None for an unknown or revoked token."""
    with deployment.session() as session:
        feed = feed_of_token(session, token)
        if feed is None:
            return None
        events = feed_events(session, deployment, feed, today=deployment.today())
    return calendar(events, f"netzwerker {deployment.name}")
