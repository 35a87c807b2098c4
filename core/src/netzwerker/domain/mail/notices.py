"""What netzwerker tells whom by mail: one function per kind of event, called by the service
that makes the change, in its transaction.

Mails name tasks, meetings, conferences and partners; of a case at most its pseudonym, never
a person's identity or health data. Recipients:

- a partner: the person named responsible (if any), the partner's people who use
  netzwerker (partner members), or else the partner's own address;
- an accountable party: the coordinator, or the members of the circle;
- a circle's meeting: each invited partner's person, else the partner's address;
- a conference registration: the registered address.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, timedelta
from typing import Any

import attrs
from sqlmodel import Session, col, select

from netzwerker.deployment import deployment_of
from netzwerker.domain.cases.models import Case, Referral
from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.circles.models import Circle, CirclePartner, CirclePerson
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.mail.compose import Notice, Recipient, notify, writes_mail
from netzwerker.domain.meetings.models import Meeting
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import names
from netzwerker.domain.tasks.models import Task, TaskEvent
from netzwerker.domain.tasks.queries import is_open
from netzwerker.domain.users.models import User
from netzwerker.ical import CalendarEvent, calendar


def partner_recipients(
    session: Session, partner_id: int, person_id: int | None = None
) -> list[Recipient]:
    """Who hears for a partner: the named person, the partner's members, else its address."""
    found: list[Recipient] = []
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is not None and person.active and person.email:
            found.append(Recipient(person.email, person.name))
    for user in session.exec(
        select(User).where(
            col(User.partner_id) == partner_id, col(User.active), col(User.email) != ""
        )
    ):
        found.append(Recipient(user.email, user.display_name or user.username))
    if not found:
        partner = session.get(Partner, partner_id)
        if partner is not None and partner.email:
            found.append(Recipient(partner.email, partner.name))
    return found


def partner_addresses(session: Session, partner_id: int) -> list[Recipient]:
    """Everyone who may hear for a partner: its people, its members and its own address (a
    digest goes to those of them who chose it)."""
    people = session.exec(
        select(Person).where(
            col(Person.partner_id) == partner_id, col(Person.active), col(Person.email) != ""
        )
    )
    found = [Recipient(person.email, person.name) for person in people]
    found += partner_recipients(session, partner_id)
    partner = session.get(Partner, partner_id)
    if partner is not None and partner.email:
        found.append(Recipient(partner.email, partner.name))
    return found


def people_recipients(session: Session, person_ids: Sequence[int]) -> list[Recipient]:
    if not person_ids:
        return []
    return [
        Recipient(person.email, person.name)
        for person in session.exec(
            select(Person).where(
                col(Person.id).in_(person_ids), col(Person.active), col(Person.email) != ""
            )
        )
    ]


def circle_recipients(session: Session, circle_id: int) -> list[Recipient]:
    """A circle's members: its people, and the partners that sit in it without a person."""
    person_ids = list(
        session.exec(select(CirclePerson.person_id).where(CirclePerson.circle_id == circle_id))
    )
    found = people_recipients(session, person_ids)
    seated = set(
        session.exec(select(Person.partner_id).where(col(Person.id).in_(person_ids)))
        if person_ids
        else []
    )
    for partner_id in session.exec(
        select(CirclePartner.partner_id).where(CirclePartner.circle_id == circle_id)
    ):
        if partner_id not in seated:
            partner = session.get(Partner, partner_id)
            if partner is not None and partner.email:
                found.append(Recipient(partner.email, partner.name))
    return found


def accountable_recipients(session: Session, task: Task) -> list[Recipient]:
    if task.accountable_person_id is not None:
        return people_recipients(session, [task.accountable_person_id])
    return circle_recipients(session, task.accountable_circle_id or 0)


def _task_context(session: Session, task: Task) -> dict[str, Any]:
    partner = session.get(Partner, task.responsible_partner_id)
    if task.accountable_person_id is not None:
        person = session.get(Person, task.accountable_person_id)
        accountable = person.name if person else "der Koordination"
    else:
        circle = session.get(Circle, task.accountable_circle_id)
        accountable = f"dem Gremium „{circle.name}“" if circle else "dem Gremium"
    field = session.get(WorkingFieldRecord, task.working_field)
    return {
        "task": task,
        "partner": partner.name if partner else "",
        "accountable": accountable,
        "field": field.name if field else task.working_field,
    }


def display_name(session: Session, username: str) -> str:
    """A user's name as colleagues know it; the command line and the escalation by theirs."""
    if username.startswith("cli:"):
        return "die Koordination"
    user = session.exec(select(User).where(col(User.username) == username)).first()
    return (user.display_name or user.username) if user else username


def _active(session: Session) -> bool:
    return writes_mail(deployment_of(session))


RESPONSIBLE = "Ihre Organisation ist für diese Aufgabe verantwortlich."
ACCOUNTABLE = "Sie sind die Stelle, der gegenüber diese Aufgabe verantwortet wird."


def task_proposed(session: Session, task: Task, *, actor: str) -> int:
    """A task was proposed: its responsible partner is asked for a commitment."""
    if not _active(session):
        return 0
    notice = Notice(
        kind="task_proposed",
        event=f"task:{task.id}:proposed",
        reason=RESPONSIBLE,
        link=f"/tasks/{task.id}",
        context={**_task_context(session, task), "proposer": display_name(session, actor)},
        digested=True,
    )
    return notify(
        session,
        notice,
        partner_recipients(session, task.responsible_partner_id, task.responsible_person_id),
    )


def task_escalation(session: Session, task: Task, step: str, today: date) -> int:
    """A step of ``netzwerker escalate``: reminder and overdue go to the responsible
    partner; the hand-over to the accountable party to that party; the network report to
    both. Once per task, step and due date."""
    if not _active(session):
        return 0
    days = abs((today - task.due_date).days)
    context = {**_task_context(session, task), "days": days, "level": step}
    event = f"task:{task.id}:{step}:{task.due_date.isoformat()}"
    responsible = partner_recipients(
        session, task.responsible_partner_id, task.responsible_person_id
    )
    link = f"/tasks/{task.id}"
    if step in ("reminder", "overdue"):
        kind = f"task_{step}"
        return notify(
            session, Notice(kind, event, RESPONSIBLE, link, context, digested=True), responsible
        )
    written = notify(
        session,
        Notice("task_escalated", event, ACCOUNTABLE, link, context),
        accountable_recipients(session, task),
    )
    if step == "network":
        written += notify(
            session,
            Notice("task_escalated", event, RESPONSIBLE, link, context, digested=True),
            responsible,
        )
    return written


def task_moved(session: Session, task: Task, event: TaskEvent) -> int:
    """A declined or blocked task: the accountable party hears of it."""
    if task.status not in ("declined", "blocked") or not _active(session):
        return 0
    notice = Notice(
        kind=f"task_{task.status}",
        event=f"task:{task.id}:{task.status}:{event.seq}",
        reason=ACCOUNTABLE,
        link=f"/tasks/{task.id}",
        context=_task_context(session, task),
    )
    return notify(session, notice, accountable_recipients(session, task))


def task_changed(
    session: Session,
    task: Task,
    event: TaskEvent,
    *,
    actor: str,
    previous_partner_id: int,
    withdrawn: bool,
) -> int:
    """A new due date or a new responsible partner: the partner responsible now hears of it,
    and one that no longer is."""
    changes = event.changes or {}
    if not ({"due_date", "responsible_partner_id"} & set(changes)) or not _active(session):
        return 0
    context = _task_context(session, task)
    lines = []
    if "due_date" in changes:
        before, after = (date.fromisoformat(value) for value in changes["due_date"])
        lines.append(f"Fällig am {after:%d.%m.%Y} statt am {before:%d.%m.%Y}")
    if "responsible_partner_id" in changes:
        before_name = session.get(Partner, previous_partner_id)
        lines.append(
            f"Verantwortlich ist jetzt {context['partner']}"
            + (f" statt {before_name.name}" if before_name else "")
        )
    notice = Notice(
        kind="task_changed",
        event=f"task:{task.id}:changed:{event.seq}",
        reason=RESPONSIBLE,
        link=f"/tasks/{task.id}",
        context={
            **context,
            "actor": display_name(session, actor),
            "changes": lines,
            "withdrawn": withdrawn,
            "reason_given": event.reason,
        },
        digested=True,
    )
    recipients = partner_recipients(
        session, task.responsible_partner_id, task.responsible_person_id
    )
    if previous_partner_id != task.responsible_partner_id:
        recipients += partner_recipients(session, previous_partner_id)
    return notify(session, notice, recipients)


def open_task_counts(session: Session, partner_id: int, today: date) -> dict[str, list[Task]]:
    """A partner's open tasks for its digest: overdue, due within two weeks, awaiting its
    commitment."""
    rows = session.exec(
        select(Task)
        .where(col(Task.responsible_partner_id) == partner_id, is_open())
        .order_by(col(Task.due_date), col(Task.id))
    ).all()
    soon = today + timedelta(days=14)
    return {
        "overdue": [task for task in rows if task.due_date < today],
        "due_soon": [task for task in rows if today <= task.due_date <= soon],
        "proposed": [task for task in rows if task.status == "proposed"],
    }


def _invitation(
    session: Session, event: CalendarEvent, method: str, attendees: list[Recipient]
) -> str:
    """The iCalendar message of an invitation (``REQUEST``) or a cancellation (``CANCEL``),
    from the sender of ``[mail]``."""
    deployment = deployment_of(session)
    organizer = deployment.config.mail.sender if deployment else ""
    return calendar(
        [event],
        event.summary,
        method=method,
        organizer=organizer,
        attendees=[recipient.address for recipient in attendees],
    ).decode()


MEETING_MEMBER = "Sie oder Ihre Organisation sind zu diesem Treffen eingeladen."
#: A change of these sends the invitation again, as an update.
MEETING_TERMS = frozenset({"title", "starts_at", "ends_at", "location", "agenda"})


def meeting_recipients(
    session: Session, participants: Sequence[tuple[int, int | None]]
) -> list[Recipient]:
    """Each invited partner's person, else the partner's own address."""
    found = []
    for partner_id, person_id in participants:
        person = session.get(Person, person_id) if person_id is not None else None
        if person is not None and person.active and person.email:
            found.append(Recipient(person.email, person.name))
            continue
        partner = session.get(Partner, partner_id)
        if partner is not None and partner.email:
            found.append(Recipient(partner.email, partner.name))
    return found


def meeting_changed(
    session: Session,
    meeting: Meeting,
    event: CalendarEvent,
    participants: Sequence[tuple[int, int | None]],
    *,
    changed: Collection[str],
    decisions: Sequence[str] = (),
) -> int:
    """A circle's meeting called, moved, cancelled or held: its invited partners get the
    invitation, its update or cancellation (one calendar entry: the same UID, a higher
    SEQUENCE each time), or the minutes with the decisions. A case's meeting is not
    mailed: it would tell who sits in a case conference."""
    if meeting.circle_id is None or not _active(session):
        return 0
    recipients = meeting_recipients(session, participants)
    circle = session.get(Circle, meeting.circle_id)
    context = {"meeting": meeting, "circle": circle.name if circle else "", "changed": False}
    link = f"/meetings/{meeting.id}"
    sequence = (meeting.version or 1) - 1
    event = attrs.evolve(event, sequence=sequence)
    if "created" in changed:
        kind, method = "meeting_invitation", "REQUEST"
    elif meeting.status == "cancelled" and "status" in changed:
        kind, method = "meeting_cancelled", "CANCEL"
    elif meeting.status == "held" and "status" in changed:
        kind, method = "meeting_minutes", ""
        context["decisions"] = list(decisions)
    elif meeting.status == "planned" and MEETING_TERMS & set(changed):
        kind, method = "meeting_invitation", "REQUEST"
        context["changed"] = True
    else:
        return 0
    notice = Notice(
        kind=kind,
        event=f"meeting:{meeting.id}:{kind}:{sequence}",
        reason=MEETING_MEMBER,
        link=link,
        context=context,
        calendar=_invitation(session, event, method, recipients) if method else "",
    )
    return notify(session, notice, recipients)


REGISTERED = "Sie sind zu dieser Veranstaltung angemeldet."


def registration_changed(
    session: Session,
    registration: Registration,
    conference: Conference,
    event: CalendarEvent,
    kind: str,
) -> int:
    """A registration confirmed, waitlisted, moved up or cancelled (``kind``: the status it
    went to, or ``moved_up``): the registered address hears of it, with the event as
    iCalendar where it has or loses a seat."""
    if not _active(session):
        return 0
    recipient = Recipient(registration.email, registration.name)
    sequence = (conference.version or 1) - 1
    method = {"registered": "REQUEST", "moved_up": "REQUEST", "cancelled": "CANCEL"}.get(kind, "")
    if method == "CANCEL":
        sequence += 1  # above the invitation it takes back
    whole = kind == "cancelled" and conference.cancelled
    mail_kind = {
        "registered": "conference_registered",
        "waitlisted": "conference_waitlisted",
        "moved_up": "conference_moved_up",
        "cancelled": "conference_cancelled",
    }[kind]
    notice = Notice(
        kind=mail_kind,
        event=f"registration:{registration.id}:{kind}:{registration.version}",
        reason=REGISTERED,
        link=f"/conferences/{conference.id}",
        context={"conference": conference, "whole": whole},
        calendar=(
            _invitation(session, attrs.evolve(event, sequence=sequence), method, [recipient])
            if method
            else ""
        ),
    )
    return notify(session, notice, [recipient])


REFERRAL_RECEIVED = "Die Überweisung ging an Ihre Organisation."
REFERRAL_SENT = "Ihre Organisation hat diese Überweisung geschickt."


def referral_changed(session: Session, referral: Referral, action: str) -> int:
    """The closed loop: the receiving partner hears of a referral sent to it, the referring
    one that the person arrived and that the referral was closed. The case is named by its
    pseudonym alone."""
    kinds = {
        "send": "referral_sent",
        "record_first_contact": "referral_arrived",
        "close": "referral_closed",
    }
    if action not in kinds or not _active(session):
        return 0
    case = session.get(Case, referral.case_id)
    offer = session.get(Offer, referral.offer_id) if referral.offer_id else None
    partners = names(session, Partner, [referral.from_partner_id, referral.to_partner_id])
    receiving = action == "send"
    notice = Notice(
        kind=kinds[action],
        event=f"referral:{referral.id}:{action}",
        reason=REFERRAL_RECEIVED if receiving else REFERRAL_SENT,
        link=f"/referrals/{referral.id}",
        context={
            "referral": referral,
            "pseudonym": case.pseudonym if case else "",
            "offer": offer.title if offer else "",
            "from_partner": partners.get(referral.from_partner_id, ""),
            "to_partner": partners.get(referral.to_partner_id, ""),
        },
        digested=receiving,
    )
    partner_id = referral.to_partner_id if receiving else referral.from_partner_id
    return notify(session, notice, partner_recipients(session, partner_id))
