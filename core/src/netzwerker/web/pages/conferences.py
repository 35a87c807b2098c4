"""Conferences: seats and the waiting list, registering participants, check-in at the door."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.domain.conferences.controllers import conference_list_file
from netzwerker.domain.conferences.overview import conference_record
from netzwerker.domain.conferences.services import (
    EDITABLE,
    ConferenceDraft,
    RegistrationDraft,
    cancel,
    check_in,
    create_conference,
    find_conferences,
    get_conference,
    register,
    seats,
    update_conference,
)
from netzwerker.domain.references import field_choices
from netzwerker.domain.users import permissions
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
from netzwerker.web.rendering import notify, page, redirect, translate

CONFERENCE_FIELDS = (
    FormField(
        "key",
        "key",
        required=True,
        label=mark("Key"),
        hint=mark("Lower-case letters, digits, “-” and “_”; it never changes, e.g. fachtag-2027."),
    ),
    FormField("title", required=True, label=mark("Title")),
    FormField("starts_at", "datetime", required=True, label=mark("Begins")),
    FormField("ends_at", "datetime", required=True, label=mark("Ends")),
    FormField("venue", label=mark("Venue")),
    FormField(
        "capacity",
        "int",
        required=True,
        label=mark("Seats"),
        hint=mark("More seats move people up from the waiting list."),
    ),
    FormField("working_field", "choice", label=mark("Working field")),
    FormField("description", label=mark("Description"), long=True),
    FormField("registration_opens_at", "datetime", label=mark("Registration opens")),
    FormField("registration_closes_at", "datetime", label=mark("Registration closes")),
    FormField("cancelled", "flag", label=mark("Cancelled")),
)
CONFERENCE_PLANNED = mark("The conference is planned; registrations are open.")
CONFERENCE_CHANGED = mark("The conference was saved.")
#: The services' problems with a conference, for the catalogue.
CONFERENCE_PROBLEMS = (
    mark("must not be less than the seats already taken"),
    mark("ends before it starts"),
    mark("closes before it opens"),
)
REGISTRATION_FIELDS = (
    FormField("name", required=True),
    FormField("email", required=True),
    FormField("organisation"),
)
SEATED = mark("%(name)s is registered and has a seat.")
WAITING = mark("The conference is full: %(name)s is on the waiting list.")
CANCELLED = mark("The registration of %(name)s is cancelled.")
MOVED_UP = mark("%(name)s moved up from the waiting list.")
NOT_AN_ADDRESS = mark("Please enter an e-mail address.")
CHECKED_IN = mark("%(name)s is checked in.")
REGISTRATION_STATUSES = {
    "registered": mark("seat"),
    "waitlisted": mark("waiting list"),
    "cancelled": mark("cancelled"),
}


@get("/conferences", sync_to_thread=False, name="conferences")
def conference_list(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    with deployment.session() as session:
        conferences, _ = find_conferences(session, limit=200)
        figures = seats(session, [c.id for c in conferences])
    return page(
        request,
        "conferences/list.html",
        conferences=conferences,
        seats=figures,
        may_plan=permissions.allows(actor, permissions.CONFERENCE_PLAN),
    )


def _conference_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    form: Form,
    *,
    conference: Any = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        options = {"working_field": field_choices(session)}
    excluded = {"cancelled"} if conference is None else {"key"}
    conferences = ("/conferences", translate(request, mark("Conferences")))
    return form_page(
        request,
        form,
        [field for field in CONFERENCE_FIELDS if field.name not in excluded],
        title=mark("Change conference") if conference else mark("Plan a conference"),
        action=f"/conferences/{conference.id}" if conference else "/conferences",
        back=f"/conferences/{conference.id}" if conference else "/conferences",
        options=options,
        status=status,
        breadcrumbs=(
            [conferences, (f"/conferences/{conference.id}", conference.title)]
            if conference
            else [conferences]
        ),
        version=conference.version if conference else None,
    )


def _conference_values(conference: Any, timezone: str) -> dict[str, Any]:
    """A conference's values as its form shows them: times local."""
    values = {key: getattr(conference, key) for key in EDITABLE}
    for key, value in values.items():
        if isinstance(value, datetime):
            values[key] = local_time(value, timezone)
    return values


@get("/conferences/new", sync_to_thread=False, guards=permitted(permissions.CONFERENCE_PLAN))
def new_conference(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    return _conference_form(request, deployment, Form.showing({"capacity": 50}))


@post("/conferences", sync_to_thread=False, guards=permitted(permissions.CONFERENCE_PLAN))
def plan_conference(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = [field for field in CONFERENCE_FIELDS if field.name != "cancelled"]
    entered = read_form(request, form, fields)
    draft = build(request, entered, ConferenceDraft, **entered.values) if entered.valid else None
    conference = (
        save(request, entered, deployment, create_conference, deployment, draft, actor=actor)
        if draft
        else None
    )
    if conference is None:
        return _conference_form(request, deployment, entered, status=422)
    notify(request, CONFERENCE_PLANNED)
    return redirect(request, f"/conferences/{conference.id}")


@get(
    "/conferences/{conference_id:int}/edit",
    sync_to_thread=False,
    guards=permitted(permissions.CONFERENCE_CHANGE),
)
def edit_conference(
    request: Request[Any, Any, Any], conference_id: FromPath[int], deployment: CurrentDeployment
) -> Template:
    timezone = deployment.config.deployment.timezone
    with deployment.session() as session:
        conference = get_conference(session, conference_id)
    shown = Form.showing(_conference_values(conference, timezone))
    return _conference_form(request, deployment, shown, conference=conference)


@post(
    "/conferences/{conference_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.CONFERENCE_CHANGE),
)
def change_conference(
    request: Request[Any, Any, Any],
    conference_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a conference: its dates, its seats (more move people up from the waiting
    list, fewer than are taken are refused), or cancel it."""
    fields = [field for field in CONFERENCE_FIELDS if field.name != "key"]
    entered = read_form(request, form, [*fields, FormField("version", "int", required=True)])
    changes = entered.changes
    changed = save_change(
        request,
        entered,
        deployment,
        update_conference,
        deployment,
        conference_id,
        changes,
        actor=actor,
    )
    if changed is None:
        timezone = deployment.config.deployment.timezone
        with deployment.session() as session:
            conference = get_conference(session, conference_id)
        shown, status = refused_change(entered, lambda: _conference_values(conference, timezone))
        return _conference_form(request, deployment, shown, conference=conference, status=status)
    notify(request, CONFERENCE_CHANGED)
    return redirect(request, f"/conferences/{conference_id}")


def _conference_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    conference_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = conference_record(session, conference_id, actor=actor)
    return page(
        request,
        "conferences/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        registration_statuses=REGISTRATION_STATUSES,
        form=form or Form.showing({"name": "", "email": "", "organisation": ""}),
    )


@get("/conferences/{conference_id:int}", sync_to_thread=False, name="conference")
def conference_page(
    request: Request[Any, Any, Any],
    conference_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _conference_page(request, deployment, actor, conference_id)


@post(
    "/conferences/{conference_id:int}/registrations",
    sync_to_thread=False,
    guards=permitted(permissions.CONFERENCE_REGISTER),
)
def register_participant(
    request: Request[Any, Any, Any],
    conference_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, REGISTRATION_FIELDS)
    draft = (
        build(
            request,
            entered,
            RegistrationDraft,
            messages={"email": NOT_AN_ADDRESS},
            **entered.values,
        )
        if entered.valid
        else None
    )
    registration = (
        save(request, entered, deployment, register, conference_id, draft, actor=actor)
        if draft
        else None
    )
    if registration:
        seated = registration.status == "registered"
        notify(request, SEATED if seated else WAITING, name=registration.name)
        return redirect(request, f"/conferences/{conference_id}")
    return _conference_page(request, deployment, actor, conference_id, entered, status=422)


@get("/conferences/{conference_id:int}/export.csv", sync_to_thread=False)
def conference_export(
    conference_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    list_: Annotated[str, QueryParameter(name="list")] = "participants",
) -> Response[Any]:
    return conference_list_file(deployment, actor, conference_id, list_)


@post(
    "/conferences/{conference_id:int}/registrations/{registration_id:int}/cancel",
    sync_to_thread=False,
    guards=permitted(permissions.CONFERENCE_REGISTER),
)
def cancel_registration(
    request: Request[Any, Any, Any],
    conference_id: FromPath[int],
    registration_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    with deployment.transaction() as session:
        cancelled, moved_up = cancel(session, conference_id, registration_id, actor=actor)
    notify(request, CANCELLED, name=cancelled.name)
    if moved_up is not None:
        notify(request, MOVED_UP, name=moved_up.name)
    return redirect(request, f"/conferences/{conference_id}")


@post(
    "/conferences/{conference_id:int}/registrations/{registration_id:int}/check-in",
    sync_to_thread=False,
    guards=permitted(permissions.CONFERENCE_CHECK_IN),
)
def check_participant_in(
    request: Request[Any, Any, Any],
    conference_id: FromPath[int],
    registration_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    with deployment.transaction() as session:
        registration = check_in(session, conference_id, registration_id, actor=actor)
    notify(request, CHECKED_IN, name=registration.name)
    return redirect(request, f"/conferences/{conference_id}#registration-{registration_id}")


ROUTES = [
    conference_list,
    new_conference,
    plan_conference,
    edit_conference,
    change_conference,
    conference_page,
    conference_export,
    register_participant,
    cancel_registration,
    check_participant_in,
]
