"""Circles and their meetings: planning a meeting, taking attendance and minutes, and
decisions that become tasks on the spot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.circles import overview
from netzwerker.domain.circles.controllers import circle_calendar
from netzwerker.domain.circles.services import (
    CircleDraft,
    circle_values,
    create_circle,
    update_circle,
)
from netzwerker.domain.meetings.overview import meeting_record
from netzwerker.domain.meetings.services import (
    DecisionDraft,
    DecisionTask,
    MeetingDraft,
    MeetingStatus,
    add_decision,
    create_meeting,
    update_meeting,
)
from netzwerker.domain.meetings.services import record_minutes as record_minutes_of
from netzwerker.domain.references import field_choices, partner_choices, people_choices
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.structuring import local_time
from netzwerker.web.forms import (
    Form,
    FormField,
    PostedForm,
    build,
    form_page,
    read_form,
    refused_change,
    save,
    save_change,
)
from netzwerker.web.i18n import mark
from netzwerker.web.pages.tasks import status_labels
from netzwerker.web.rendering import notify, page, redirect, translate

CIRCLE_FIELDS = (
    FormField(
        "key",
        "key",
        required=True,
        label=mark("Key"),
        hint=mark(
            "Lower-case letters, digits, “-” and “_”; it never changes, e.g. suchtarbeitskreis."
        ),
    ),
    FormField("name", required=True, label=mark("Name")),
    FormField("working_field", "choice", label=mark("Working field")),
    FormField("lead_partner_id", "int", label=mark("Lead partner")),
    FormField("founded_on", "date", label=mark("Founded")),
    FormField("description", label=mark("Description"), long=True),
    FormField("partners", "ints", label=mark("Member partners")),
    FormField("people", "ints", label=mark("Member people")),
    FormField("active", "flag", label=mark("Active")),
)
CIRCLE_FOUNDED = mark("The circle was founded.")
CIRCLE_CHANGED = mark("The circle was saved.")
#: The service names a meeting's times as the form does not.
MEETING_ALIASES = {"ends_at": "ends", "starts_at": "starts"}
MEETING_FIELDS = (
    FormField("title", required=True, label=mark("Title")),
    FormField("day", "date", required=True, label=mark("Day")),
    FormField("starts", "time", required=True, label=mark("From")),
    FormField("ends", "time", label=mark("Until")),
    FormField("location", label=mark("Location")),
    FormField("agenda", label=mark("Agenda"), hint=mark("One item per line."), long=True),
)
MEETING_CHANGE_FIELDS = (
    *MEETING_FIELDS,
    FormField(
        "status", "choice", required=True, label=mark("Status"), choices=tuple(MeetingStatus)
    ),
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
MEETING_CHANGED = mark("The meeting was saved.")
MEETING_CHANGED_MEANWHILE = mark("Someone changed the meeting meanwhile; it is shown as it is now.")
TASK_NEEDS_ALL = mark("A task needs a title, a responsible partner and a due date.")
MEETING_STATUSES = {
    MeetingStatus.PLANNED.value: mark("planned"),
    MeetingStatus.HELD.value: mark("held"),
    MeetingStatus.CANCELLED.value: mark("cancelled"),
}


@get("/circles", sync_to_thread=False, name="circles")
def circle_list(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    with deployment.session() as session:
        found = overview.circle_list(session)
    return page(
        request,
        "circles/list.html",
        **attrs.asdict(found, recurse=False),
        may_found=permissions.allows(actor, permissions.CIRCLE_FOUND),
    )


def _circle_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    form: Form,
    *,
    circle: Any = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        options = {
            "working_field": field_choices(session),
            "lead_partner_id": partner_choices(session),
            "partners": partner_choices(session),
            "people": people_choices(session),
        }
    fields = [field for field in CIRCLE_FIELDS if circle is None or field.name != "key"]
    circles = ("/circles", translate(request, mark("Circles")))
    return form_page(
        request,
        form,
        fields,
        title=mark("Change circle") if circle else mark("Found a circle"),
        action=f"/circles/{circle.id}" if circle else "/circles",
        back=f"/circles/{circle.id}" if circle else "/circles",
        options=options,
        status=status,
        breadcrumbs=[circles, (f"/circles/{circle.id}", circle.name)] if circle else [circles],
        version=circle.version if circle else None,
    )


@get("/circles/new", sync_to_thread=False, guards=permitted(permissions.CIRCLE_FOUND))
def new_circle(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    shown = Form.showing({"active": True, "partners": [], "people": []})
    return _circle_form(request, deployment, shown)


@post("/circles", sync_to_thread=False, guards=permitted(permissions.CIRCLE_FOUND))
def found_circle(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, CIRCLE_FIELDS)
    values = {**entered.values, "partners": list(entered.values.get("partners") or ())}
    values["people"] = list(entered.values.get("people") or ())
    draft = build(request, entered, CircleDraft, **values) if entered.valid else None
    circle = (
        save(request, entered, deployment, create_circle, draft, actor=actor) if draft else None
    )
    if circle is None:
        return _circle_form(request, deployment, entered, status=422)
    notify(request, CIRCLE_FOUNDED)
    return redirect(request, f"/circles/{circle.id}")


@get("/circles/{circle_id:int}/edit", sync_to_thread=False)
def edit_circle(
    request: Request[Any, Any, Any],
    circle_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        circle, values = circle_values(session, circle_id, actor=actor)
    return _circle_form(request, deployment, Form.showing(values), circle=circle)


@post(
    "/circles/{circle_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.CIRCLE_CHANGE),
)
def change_circle(
    request: Request[Any, Any, Any],
    circle_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a circle and its members; unticking "active" ends it, keeping its history."""
    fields = [field for field in CIRCLE_FIELDS if field.name != "key"]
    entered = read_form(request, form, [*fields, FormField("version", "int", required=True)])
    changes = entered.changes
    for members in ("partners", "people"):
        changes[members] = list(changes.get(members) or ())
    changed = save_change(
        request,
        entered,
        deployment,
        update_circle,
        circle_id,
        changes,
        actor=actor,
    )
    if changed is None:
        with deployment.session() as session:
            circle, values = circle_values(session, circle_id, actor=actor)
        shown, status = refused_change(entered, lambda: values)
        return _circle_form(request, deployment, shown, circle=circle, status=status)
    notify(request, CIRCLE_CHANGED)
    return redirect(request, f"/circles/{circle_id}")


def _circle_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    circle_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = overview.circle_record(session, circle_id, actor=actor)
    return page(
        request,
        "circles/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        meeting_statuses=MEETING_STATUSES,
        form=form or Form.showing({"title": f"Sitzung {found.circle.name}", "location": ""}),
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
def circle_calendar_page(
    circle_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
) -> Response[Any]:
    return circle_calendar(deployment, actor, circle_id)


@post(
    "/circles/{circle_id:int}/meetings",
    sync_to_thread=False,
    guards=permitted(permissions.MEETING_PLAN),
)
def plan_meeting(
    request: Request[Any, Any, Any],
    circle_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, MEETING_FIELDS)
    if entered.valid:
        draft = MeetingDraft(**_meeting_values(entered.values), circle_id=circle_id)
        meeting = save(
            request,
            entered,
            deployment,
            create_meeting,
            deployment,
            draft,
            actor=actor,
            aliases=MEETING_ALIASES,
        )
        if meeting:
            notify(request, MEETING_PLANNED)
            return redirect(request, f"/meetings/{meeting.id}")
    return _circle_page(request, deployment, actor, circle_id, entered, status=422)


def _meeting_values(values: dict[str, Any]) -> dict[str, Any]:
    """A meeting form's day, times and agenda lines as a meeting's values."""
    day = values["day"]
    found = {
        "title": values["title"],
        "starts_at": datetime.combine(day, values["starts"]),
        "ends_at": datetime.combine(day, values["ends"]) if values["ends"] else None,
        "location": values["location"],
        "agenda": [line.strip() for line in values["agenda"].splitlines() if line.strip()],
    }
    if values.get("status"):
        found["status"] = MeetingStatus(values["status"])
    return found


def _meeting_shown(meeting: Any, timezone: str) -> dict[str, Any]:
    """A meeting's values as its change form shows them, in local time."""
    starts, ends = local_time(meeting.starts_at, timezone), local_time(meeting.ends_at, timezone)
    return {
        "title": meeting.title,
        "day": starts.date(),
        "starts": starts.strftime("%H:%M"),
        "ends": ends.strftime("%H:%M"),
        "location": meeting.location,
        "agenda": "\n".join(meeting.agenda),
        "status": meeting.status,
        "version": meeting.version,
    }


def _meeting_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    meeting_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = meeting_record(session, meeting_id, actor=actor)
    meeting = found.meeting
    timezone = deployment.config.deployment.timezone
    shown = Form.showing(_meeting_shown(meeting, timezone)) if form is None else form
    if form is not None and form.stale:
        shown = Form.showing(_meeting_shown(meeting, timezone), form.errors)
    statuses = [(value, translate(request, label)) for value, label in MEETING_STATUSES.items()]
    trail = (
        [
            ("/circles", translate(request, mark("Circles"))),
            (f"/circles/{found.circle.id}", found.circle.name),
        ]
        if found.circle
        else []
    )
    return form_page(
        request,
        shown,
        MEETING_CHANGE_FIELDS,
        title=mark("Change meeting"),
        action=f"/meetings/{meeting_id}",
        back=f"/meetings/{meeting_id}",
        options={"status": statuses},
        status=status,
        breadcrumbs=[*trail, (f"/meetings/{meeting_id}", meeting.title)],
        version=meeting.version,
    )


@get(
    "/meetings/{meeting_id:int}/edit",
    sync_to_thread=False,
    guards=permitted(permissions.MEETING_CHANGE),
)
def edit_meeting(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _meeting_form(request, deployment, actor, meeting_id)


@post(
    "/meetings/{meeting_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.MEETING_CHANGE),
)
def change_meeting(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Reschedule a meeting, change its agenda, or mark it held or cancelled; the
    attendance and the minutes have their own form on the meeting's page."""
    fields = [*MEETING_CHANGE_FIELDS, FormField("version", "int", required=True)]
    entered = read_form(request, form, fields)
    changes = _meeting_values(entered.values) if entered.valid else {}
    changed = save_change(
        request,
        entered,
        deployment,
        update_meeting,
        deployment,
        meeting_id,
        changes,
        actor=actor,
        aliases=MEETING_ALIASES,
    )
    if changed is None:
        return _meeting_form(
            request, deployment, actor, meeting_id, entered, 409 if entered.stale else 422
        )
    notify(request, MEETING_CHANGED)
    return redirect(request, f"/meetings/{meeting_id}")


def _meeting_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    meeting_id: int,
    decision_form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = meeting_record(session, meeting_id, actor=actor)
    return page(
        request,
        "circles/meeting.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        statuses=status_labels(),
        meeting_statuses=MEETING_STATUSES,
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


@post(
    "/meetings/{meeting_id:int}/decisions",
    sync_to_thread=False,
    guards=permitted(permissions.MEETING_DECIDE),
)
def record_decision(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
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
            actor=actor,
            aliases=DECISION_PROBLEM_FIELDS,
        )
        if decision:
            notify(request, DECISION_WITH_TASK if task else DECISION_RECORDED)
            return redirect(request, f"/meetings/{meeting_id}#decisions")
    return _meeting_page(request, deployment, actor, meeting_id, entered, status=422)


@post(
    "/meetings/{meeting_id:int}/minutes",
    sync_to_thread=False,
    guards=permitted(permissions.MEETING_CHANGE),
)
def record_minutes(
    request: Request[Any, Any, Any],
    meeting_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, MINUTES_FIELDS)
    try:
        with deployment.transaction() as session:
            record_minutes_of(
                session,
                deployment,
                meeting_id,
                entered.values["minutes"],
                set(entered.values["attended"] or ()),
                actor=actor,
                expected_version=entered.values["version"],
            )
    except Conflict:
        notify(request, MEETING_CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/meetings/{meeting_id}")
    notify(request, MINUTES_SAVED)
    return redirect(request, f"/meetings/{meeting_id}")


ROUTES = [
    circle_list,
    new_circle,
    found_circle,
    edit_circle,
    change_circle,
    circle_page,
    circle_calendar_page,
    plan_meeting,
    meeting_page,
    edit_meeting,
    change_meeting,
    record_decision,
    record_minutes,
]
