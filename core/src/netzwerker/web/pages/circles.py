"""Circles and their meetings: planning a meeting, taking attendance and minutes, and
decisions that become tasks on the spot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.clock import utcnow
from netzwerker.domain.circles.controllers import circle_calendar
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.circles.services import find_circles, get_circle, members_of
from netzwerker.domain.meetings.models import Meeting
from netzwerker.domain.meetings.services import (
    DecisionDraft,
    DecisionTask,
    MeetingDraft,
    MeetingFilter,
    MeetingStatus,
    ParticipantDraft,
    add_decision,
    create_meeting,
    decisions_of,
    find_meetings,
    meeting_visibility,
    participants_of,
    update_meeting,
    visible_meeting,
)
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.queries import is_open
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.choices import names, partner_choices
from netzwerker.web.forms import Form, FormField, PostedForm, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.pages.tasks import status_labels
from netzwerker.web.rendering import notify, page, redirect, translate

MEETING_FIELDS = (
    FormField("title", required=True),
    FormField("day", "date", required=True),
    FormField("starts", "time", required=True),
    FormField("ends", "time"),
    FormField("location"),
    FormField("agenda"),
)
DECISION_FIELDS = (
    FormField("text", required=True),
    FormField("task_title"),
    FormField("responsible_partner_id", "int"),
    FormField("due_date", "date"),
)
#: Where the services' problems with a decision's task are shown.
DECISION_PROBLEM_FIELDS = {
    "text": "text",
    "task.title": "task_title",
    "task.responsible_partner_id": "responsible_partner_id",
    "task.due_date": "due_date",
}
MINUTES_FIELDS = (FormField("minutes"), FormField("attended", "ints"), FormField("version", "int"))
MEETING_PLANNED = mark("The meeting is planned; the circle's members are invited.")
DECISION_RECORDED = mark("The decision is recorded.")
DECISION_WITH_TASK = mark("The decision is recorded and its task proposed to the partner.")
MINUTES_SAVED = mark("The minutes and the attendance are saved.")
MEETING_CHANGED_MEANWHILE = mark("Someone changed the meeting meanwhile; it is shown as it is now.")
TASK_NEEDS_ALL = mark("A task needs a title, a responsible partner and a due date.")
MEETING_STATUSES = {
    MeetingStatus.PLANNED.value: mark("planned"),
    MeetingStatus.HELD.value: mark("held"),
    MeetingStatus.CANCELLED.value: mark("cancelled"),
}


@get("/circles", sync_to_thread=False, name="circles")
def circle_list(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    with deployment.session() as session:
        circles, total = find_circles(session, active=True, limit=500)
        members = members_of(session, [circle.id for circle in circles])  # type: ignore[misc]
        leads = names(session, Partner, (circle.lead_partner_id for circle in circles))
        upcoming = dict(
            session.execute(
                sa.select(Meeting.circle_id, sa.func.min(Meeting.starts_at))
                .where(Meeting.starts_at >= utcnow(), Meeting.status == "planned")
                .group_by(Meeting.circle_id)
            ).all()
        )
    return page(
        request,
        "circles/list.html",
        circles=circles,
        total=total,
        members=members,
        leads=leads,
        upcoming=upcoming,
    )


def _circle_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    circle_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        circle = get_circle(session, circle_id)
        members = members_of(session, [circle_id])[circle_id]
        partners = names(session, Partner, members.partners)
        people = names(session, Person, members.people)
        meetings, _ = find_meetings(
            session,
            MeetingFilter(circle_id=circle_id),
            visible=meeting_visibility(actor),
            limit=200,
        )
        open_tasks = session.scalar(
            sa.select(sa.func.count())
            .select_from(Task)
            .where(
                Task.accountable_circle_id == circle_id,
                is_open(),
            )
        )
    return page(
        request,
        "circles/detail.html",
        status=status,
        circle=circle,
        partners=sorted(partners.values()),
        people=sorted(people.values()),
        meetings=meetings,
        open_tasks=open_tasks,
        meeting_statuses=MEETING_STATUSES,
        may_plan=permissions.is_manager(actor),
        form=form or Form.showing({"title": f"Sitzung {circle.name}", "location": ""}),
    )


@get("/circles/{circle_id:int}", sync_to_thread=False, name="circle")
def circle_page(
    request: Request[Any, Any, Any],
    circle_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _circle_page(request, deployment, actor, circle_id)


@get("/circles/{circle_id:int}/calendar.ics", sync_to_thread=False)
def circle_calendar_page(circle_id: FromPath[int], deployment: CurrentDeployment) -> Response[Any]:
    return circle_calendar(deployment, circle_id)


@post("/circles/{circle_id:int}/meetings", sync_to_thread=False)
def plan_meeting(
    request: Request[Any, Any, Any],
    circle_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "plan meetings")
    entered = read_form(request, form, MEETING_FIELDS)
    if entered.valid:
        values = entered.values
        day = values["day"]
        draft = MeetingDraft(
            title=values["title"],
            starts_at=datetime.combine(day, values["starts"]),
            ends_at=datetime.combine(day, values["ends"]) if values["ends"] else None,
            location=values["location"],
            agenda=[line.strip() for line in values["agenda"].splitlines() if line.strip()],
            circle_id=circle_id,
        )
        meeting = save(
            request,
            entered,
            deployment,
            create_meeting,
            deployment,
            draft,
            actor=actor.username,
            aliases={"ends_at": "ends", "starts_at": "starts"},
        )
        if meeting:
            notify(request, MEETING_PLANNED)
            return redirect(request, f"/meetings/{meeting.id}")
    return _circle_page(request, deployment, actor, circle_id, entered, status=422)


def _meeting_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    meeting_id: int,
    decision_form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        meeting = visible_meeting(session, actor, meeting_id)
        circle = session.get(Circle, meeting.circle_id) if meeting.circle_id else None
        participants = participants_of(session, [meeting_id])[meeting_id]
        decisions = decisions_of(session, [meeting_id])[meeting_id]
        partner_names = names(session, Partner, (p.partner_id for p in participants))
        tasks = {
            task.id: task
            for task in session.scalars(
                sa.select(Task).where(Task.id.in_([d.task_id for d in decisions if d.task_id]))  # type: ignore[union-attr]
            )
        }
        all_partners = partner_choices(session)
    return page(
        request,
        "circles/meeting.html",
        status=status,
        meeting=meeting,
        circle=circle,
        participants=participants,
        partner_names=partner_names,
        decisions=decisions,
        tasks=tasks,
        statuses=status_labels(),
        meeting_statuses=MEETING_STATUSES,
        partners=all_partners,
        may_record=permissions.is_manager(actor) and meeting.status != "cancelled",
        form=decision_form or Form.showing({field.name: "" for field in DECISION_FIELDS}),
    )


@get("/meetings/{meeting_id:int}", sync_to_thread=False, name="meeting")
def meeting_page(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _meeting_page(request, deployment, actor, meeting_id)


@post("/meetings/{meeting_id:int}/decisions", sync_to_thread=False)
def record_decision(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "record decisions")
    entered = read_form(request, form, DECISION_FIELDS)
    values = entered.values
    task_parts = (values["task_title"], values["responsible_partner_id"], values["due_date"])
    wants_task = any(part not in (None, "") for part in task_parts)
    if wants_task and not all(part not in (None, "") for part in task_parts):
        entered.errors.setdefault("task_title", translate(request, TASK_NEEDS_ALL))
    if entered.valid:
        task = (
            DecisionTask(
                title=values["task_title"],
                responsible_partner_id=values["responsible_partner_id"],
                due_date=values["due_date"],
            )
            if wants_task
            else None
        )
        decision = save(
            request,
            entered,
            deployment,
            add_decision,
            meeting_id,
            DecisionDraft(values["text"], task),
            actor=actor.username,
            aliases=DECISION_PROBLEM_FIELDS,
        )
        if decision:
            notify(request, DECISION_WITH_TASK if task else DECISION_RECORDED)
            return redirect(request, f"/meetings/{meeting_id}#decisions")
    return _meeting_page(request, deployment, actor, meeting_id, entered, status=422)


@post("/meetings/{meeting_id:int}/minutes", sync_to_thread=False)
def record_minutes(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "write minutes")
    entered = read_form(request, form, MINUTES_FIELDS)
    attended = set(entered.values["attended"] or ())
    try:
        with deployment.transaction() as session:
            invited = participants_of(session, [meeting_id])[meeting_id]
            participants = [
                ParticipantDraft(p.partner_id, p.person_id, p.partner_id in attended)
                for p in invited
            ]
            update_meeting(
                session,
                deployment,
                meeting_id,
                {
                    "minutes": entered.values["minutes"],
                    "participants": participants,
                    "status": MeetingStatus.HELD,
                },
                actor=actor.username,
                expected_version=entered.values["version"],
            )
    except Conflict:
        notify(request, MEETING_CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/meetings/{meeting_id}")
    notify(request, MINUTES_SAVED)
    return redirect(request, f"/meetings/{meeting_id}")


ROUTES = [
    circle_list,
    circle_page,
    circle_calendar_page,
    plan_meeting,
    meeting_page,
    record_decision,
    record_minutes,
]
