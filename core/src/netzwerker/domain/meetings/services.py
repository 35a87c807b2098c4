"""Meetings of circles and case conferences: agenda, participants and attendance, minutes,
and decisions that become tasks.

A case conference shares what is known of a case with every partner taking part, so each
participant must either hold the case (a coach or scout of theirs works on it) or have the
person's valid consent (:func:`netzwerker.domain.cases.services.require_consent`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.deployment import Deployment
from netzwerker.domain.audit.services import record
from netzwerker.domain.cases import services as cases
from netzwerker.domain.circles.models import Circle, CirclePartner
from netzwerker.domain.circles.services import members_of
from netzwerker.domain.mail import notices
from netzwerker.domain.meetings.models import Decision, Meeting, MeetingParticipant
from netzwerker.domain.partners.models import Person
from netzwerker.domain.references import fetch, partner_problems, person_problems
from netzwerker.domain.tasks import services as tasks
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Forbidden, InvalidInput, Problem, Refused
from netzwerker.ical import CalendarEvent
from netzwerker.structuring import localized
from netzwerker.validators import not_blank

#: How long a meeting lasts when its end is not given.
DEFAULT_LENGTH = timedelta(hours=2)


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


@attrs.frozen
class ParticipantDraft:
    """A partner invited, optionally one of its people; ``attended`` once it is known."""

    partner_id: int
    person_id: int | None = None
    attended: bool | None = None


@attrs.frozen
class MeetingChanges:
    title: str = attrs.field(validator=not_blank)
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = ""
    agenda: list[str] = attrs.Factory(list)
    minutes: str = ""
    status: MeetingStatus = MeetingStatus.PLANNED
    participants: list[ParticipantDraft] | None = None


@attrs.frozen
class MeetingDraft(MeetingChanges):
    """A circle's meeting (``circle_id``) or a case conference (``case_id``).

    Without ``participants``, a circle's meeting invites the circle's members.
    """

    circle_id: int | None = attrs.field(default=None, kw_only=True)
    case_id: int | None = attrs.field(default=None, kw_only=True)


EDITABLE = tuple(field.name for field in attrs.fields(MeetingChanges))


@attrs.frozen
class DecisionTask:
    """The task a decision gives a partner. Accountable is the named coordinator, else the
    circle whose meeting decided it."""

    title: str = attrs.field(validator=not_blank)
    responsible_partner_id: int
    due_date: date
    responsible_person_id: int | None = None
    accountable_person_id: int | None = None
    description: str = ""
    working_field: str | None = None
    consulted: list[int] = attrs.Factory(list)
    informed: list[int] = attrs.Factory(list)


@attrs.frozen
class DecisionDraft:
    text: str = attrs.field(validator=not_blank)
    task: DecisionTask | None = None


def _invited_members(session: Session, circle_id: int) -> list[ParticipantDraft]:
    """A circle's member partners, and each member person with their partner."""
    members = members_of(session, [circle_id])[circle_id]
    people = session.exec(select(Person).where(col(Person.id).in_(members.people))).all()
    with_people = {person.partner_id for person in people}
    return [
        *(ParticipantDraft(person.partner_id, person.id) for person in people),
        *(ParticipantDraft(pid) for pid in members.partners if pid not in with_people),
    ]


def _problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if values["ends_at"] < values["starts_at"]:
        problems.append(Problem("ends_at", "ends before it starts"))
    seen: set[tuple[int, int | None]] = set()
    for index, participant in enumerate(values["participants"]):
        path = f"participants[{index}]"
        problems.extend(partner_problems(session, participant.partner_id, f"{path}.partner_id"))
        if participant.person_id is not None:
            problems.extend(
                person_problems(
                    session, participant.person_id, f"{path}.person_id", participant.partner_id
                )
            )
        if (participant.partner_id, participant.person_id) in seen:
            problems.append(Problem(path, "listed twice"))
        seen.add((participant.partner_id, participant.person_id))
    for index, item in enumerate(values["agenda"]):
        if not item.strip():
            problems.append(Problem(f"agenda[{index}]", "must not be empty"))
    return problems


def _check_case_consent(
    session: Session, case_id: int, participants: Sequence[ParticipantDraft], today: date
) -> None:
    for partner_id in dict.fromkeys(p.partner_id for p in participants):
        cases.require_consent(
            session, case_id, partner_id, [cases.DataCategory.BASIC], today, "case conference"
        )


def _replace_participants(
    session: Session, meeting: Meeting, participants: Sequence[ParticipantDraft]
) -> None:
    session.execute(
        sa.delete(MeetingParticipant).where(col(MeetingParticipant.meeting_id) == meeting.id)
    )
    session.add_all(
        MeetingParticipant(meeting_id=meeting.id, **attrs.asdict(participant))
        for participant in participants
    )


def _normalise_times(
    deployment: Deployment, values: dict[str, Any], length: timedelta = DEFAULT_LENGTH
) -> None:
    """Times in UTC (local if given without an offset); without an end, ``length`` long."""
    timezone = deployment.config.deployment.timezone
    values["starts_at"] = localized(values["starts_at"], timezone)
    ends_at = values["ends_at"]
    values["ends_at"] = (
        values["starts_at"] + length if ends_at is None else localized(ends_at, timezone)
    )


def create_meeting(
    session: Session,
    deployment: Deployment,
    draft: MeetingDraft,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Meeting:
    permissions.authorize(actor, permissions.MEETING_PLAN)
    now = now or utcnow()
    values = attrs.asdict(draft, recurse=False)
    _normalise_times(deployment, values)
    if (draft.circle_id is None) == (draft.case_id is None):
        raise InvalidInput(
            [Problem("circle_id", "a meeting belongs to a circle (circle_id) or a case (case_id)")]
        )
    if draft.circle_id is not None:
        fetch(session, Circle, draft.circle_id, "circle")
        if values["participants"] is None:
            values["participants"] = _invited_members(session, draft.circle_id)
    else:
        cases.get_case(session, draft.case_id)  # type: ignore[arg-type]
    values["participants"] = values["participants"] or []
    problems = _problems(session, values)
    if problems:
        raise InvalidInput(problems)
    if draft.case_id is not None:
        _check_case_consent(session, draft.case_id, values["participants"], deployment.today())
    columns = {key: value for key, value in values.items() if key != "participants"}
    meeting = Meeting(**columns, created_by=actor.username, created_at=now, updated_at=now)
    session.add(meeting)
    session.flush()
    _replace_participants(session, meeting, values["participants"])
    record(
        session,
        actor=actor.username,
        action="meeting.create",
        object_type="meeting",
        object_id=meeting.id,
    )
    session.flush()
    notices.meeting_changed(
        session,
        meeting,
        calendar_event(meeting, deployment),
        [(p.partner_id, p.person_id) for p in values["participants"]],
        changed={"created"},
    )
    return meeting


def get_meeting(session: Session, meeting_id: int, expected_version: int | None = None) -> Meeting:
    return fetch(session, Meeting, meeting_id, "meeting", expected_version)


def update_meeting(
    session: Session,
    deployment: Deployment,
    meeting_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Meeting:
    """Change a meeting: reschedule it, take attendance, write the minutes, mark it held."""
    permissions.authorize(actor, permissions.MEETING_CHANGE)
    meeting = get_meeting(session, meeting_id, expected_version)
    current: dict[str, Any] = {
        key: getattr(meeting, key) for key in EDITABLE if key != "participants"
    }
    current["participants"] = participants_of(session, [meeting_id])[meeting_id]
    values = {**current, **changes}
    if "starts_at" in changes and "ends_at" not in changes:
        values["ends_at"] = None  # moved: it keeps its length
    _normalise_times(deployment, values, meeting.ends_at - meeting.starts_at)
    values["participants"] = values["participants"] or []
    problems = _problems(session, values)
    if problems:
        raise InvalidInput(problems)
    if meeting.case_id is not None and "participants" in changes:
        _check_case_consent(session, meeting.case_id, values["participants"], deployment.today())
    for key in EDITABLE:
        if key != "participants":
            setattr(meeting, key, values[key])
    meeting.updated_at = utcnow()
    if "participants" in changes:
        _replace_participants(session, meeting, values["participants"])
    record(
        session,
        actor=actor.username,
        action="meeting.update",
        object_type="meeting",
        object_id=meeting_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"meeting {meeting_id}")
    changed = {key for key in current if key != "participants" and current[key] != values[key]}
    notices.meeting_changed(
        session,
        meeting,
        calendar_event(meeting, deployment),
        [(p.partner_id, p.person_id) for p in values["participants"]],
        changed=changed,
        decisions=[decision.text for decision in decisions_of(session, [meeting_id])[meeting_id]],
    )
    return meeting


def record_minutes(
    session: Session,
    deployment: Deployment,
    meeting_id: int,
    minutes: str,
    attended: Collection[int],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Meeting:
    """Write a meeting's minutes and who of the invited partners attended, and mark it held
    (``meeting.change``)."""
    invited = participants_of(session, [meeting_id])[meeting_id]
    participants = [
        ParticipantDraft(p.partner_id, p.person_id, p.partner_id in attended) for p in invited
    ]
    return update_meeting(
        session,
        deployment,
        meeting_id,
        {"minutes": minutes, "participants": participants, "status": MeetingStatus.HELD},
        actor=actor,
        expected_version=expected_version,
    )


def participants_of(
    session: Session, meeting_ids: Sequence[int]
) -> dict[int, list[ParticipantDraft]]:
    found: dict[int, list[ParticipantDraft]] = {meeting_id: [] for meeting_id in meeting_ids}
    if not meeting_ids:
        return found
    for row in session.exec(
        select(MeetingParticipant)
        .where(col(MeetingParticipant.meeting_id).in_(meeting_ids))
        .order_by(col(MeetingParticipant.meeting_id), col(MeetingParticipant.id))
    ):
        found[row.meeting_id].append(ParticipantDraft(row.partner_id, row.person_id, row.attended))
    return found


def decisions_of(session: Session, meeting_ids: Sequence[int]) -> dict[int, list[Decision]]:
    found: dict[int, list[Decision]] = {meeting_id: [] for meeting_id in meeting_ids}
    if not meeting_ids:
        return found
    for decision in session.exec(
        select(Decision)
        .where(col(Decision.meeting_id).in_(meeting_ids))
        .order_by(col(Decision.meeting_id), col(Decision.seq))
    ):
        found[decision.meeting_id].append(decision)
    return found


def _decision_task(session: Session, meeting: Meeting, draft: DecisionTask) -> tasks.TaskDraft:
    """The task draft a decision gives, its accountable party and field from the meeting."""
    circle = session.get(Circle, meeting.circle_id) if meeting.circle_id is not None else None
    case = cases.get_case(session, meeting.case_id) if meeting.case_id is not None else None
    working_field = (
        draft.working_field
        or (circle.working_field if circle else None)
        or (case.working_field if case else None)
    )
    problems = []
    if working_field is None:
        problems.append(
            Problem("task.working_field", "required: the meeting's circle or case has none")
        )
    if draft.accountable_person_id is None and circle is None:
        problems.append(
            Problem(
                "task.accountable_person_id",
                "required for a case conference's task: the coordinator or coach accountable",
            )
        )
    if problems:
        raise InvalidInput(problems)
    return tasks.TaskDraft(
        title=draft.title,
        description=draft.description,
        working_field=working_field,  # type: ignore[arg-type]
        responsible_partner_id=draft.responsible_partner_id,
        responsible_person_id=draft.responsible_person_id,
        due_date=draft.due_date,
        accountable_person_id=draft.accountable_person_id,
        accountable_circle_id=None if draft.accountable_person_id is not None else circle.id,  # type: ignore[union-attr]
        origin=f"meeting:{meeting.id}",
        consulted=tuple(draft.consulted),
        informed=tuple(draft.informed),
    )


def add_decision(
    session: Session,
    meeting_id: int,
    draft: DecisionDraft,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Decision:
    """Record a decision; with a task, the task is proposed to its partner at once, and its
    ``origin`` names the meeting."""
    permissions.authorize(actor, permissions.MEETING_DECIDE)
    now = now or utcnow()
    meeting = get_meeting(session, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Refused(f"meeting {meeting_id} was cancelled: it decides nothing")
    task_id = None
    if draft.task is not None:
        task_draft = _decision_task(session, meeting, draft.task)
        try:
            task = tasks.create_task(session, task_draft, actor=actor.username, now=now)
        except InvalidInput as exc:
            raise InvalidInput(
                [Problem(f"task.{p.path}", p.message) for p in exc.problems]
            ) from None
        task_id = task.id
    seq = (
        session.scalar(select(sa.func.max(Decision.seq)).where(Decision.meeting_id == meeting_id))
        or 0
    ) + 1
    decision = Decision(
        meeting_id=meeting_id,
        seq=seq,
        text=draft.text.strip(),
        task_id=task_id,
        decided_at=now,
        recorded_by=actor.username,
    )
    session.add(decision)
    session.flush()
    return decision


@attrs.frozen
class MeetingFilter:
    circle_id: int | None = None
    case_id: int | None = None
    partner_id: int | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    case_conferences: bool | None = None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.circle_id is not None:
            clauses.append(col(Meeting.circle_id) == self.circle_id)
        if self.case_id is not None:
            clauses.append(col(Meeting.case_id) == self.case_id)
        if self.partner_id is not None:
            clauses.append(involving(self.partner_id))
        if self.status is not None:
            clauses.append(col(Meeting.status) == self.status)
        if self.since is not None:
            clauses.append(col(Meeting.starts_at) >= self.since)
        if self.until is not None:
            clauses.append(col(Meeting.starts_at) <= self.until)
        if self.case_conferences is not None:
            column = Meeting.case_id
            clauses.append(column.is_not(None) if self.case_conferences else column.is_(None))  # type: ignore[union-attr]
        return clauses


def involving(partner_id: int) -> sa.ColumnElement[bool]:
    """Meetings a partner takes part in, or of a circle it belongs to."""
    return sa.or_(
        col(Meeting.id).in_(
            select(col(MeetingParticipant.meeting_id)).where(
                col(MeetingParticipant.partner_id) == partner_id
            )
        ),
        col(Meeting.circle_id).in_(
            select(col(CirclePartner.circle_id)).where(col(CirclePartner.partner_id) == partner_id)
        ),
    )


def visible_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, if the actor may see it (``meeting.read``): partner members see the
    meetings their partner takes part in or whose circle it is in."""
    meeting = get_meeting(session, meeting_id)
    partner = permissions.own_partner(actor, permissions.MEETING_READ)
    if partner is not None:
        invited = {p.partner_id for p in participants_of(session, [meeting_id])[meeting_id]}
        member = (
            meeting.circle_id is not None
            and session.get(CirclePartner, (meeting.circle_id, partner)) is not None
        )
        if partner not in invited and not member:
            raise Forbidden(f"meeting {meeting_id} does not concern your partner")
    return meeting


def find_meetings(
    session: Session,
    meeting_filter: MeetingFilter,
    *,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Meeting], int]:
    """The meetings the actor may see (``meeting.read``) by start, latest first, and how
    many match in all."""
    clauses = meeting_filter.clauses()
    partner = permissions.own_partner(actor, permissions.MEETING_READ)
    if partner is not None:
        clauses.append(involving(partner))
    return page_of(
        session,
        Meeting,
        clauses,
        [col(Meeting.starts_at).desc(), col(Meeting.id).desc()],
        limit=limit,
        offset=offset,
    )


def calendar_event(meeting: Meeting, deployment: Deployment) -> CalendarEvent:
    agenda = "\n".join(f"{index}. {item}" for index, item in enumerate(meeting.agenda, 1))
    return CalendarEvent(
        uid=f"meeting-{meeting.id}@{deployment.name}",
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=meeting.location,
        description=f"Tagesordnung:\n{agenda}" if agenda else "",
        cancelled=meeting.status == MeetingStatus.CANCELLED,
    )
