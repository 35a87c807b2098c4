"""Conferences: seats and the waiting list, registering participants, check-in at the door."""

from __future__ import annotations

from typing import Annotated, Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.domain.conferences.controllers import conference_list_file
from netzwerker.domain.conferences.overview import conference_record
from netzwerker.domain.conferences.services import (
    RegistrationDraft,
    cancel,
    check_in,
    find_conferences,
    register,
    seats,
)
from netzwerker.domain.users import permissions
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, build, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect

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
def conference_list(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    with deployment.session() as session:
        conferences, _ = find_conferences(session, limit=200)
        figures = seats(session, [c.id for c in conferences])
    return page(request, "conferences/list.html", conferences=conferences, seats=figures)


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
    conference_page,
    conference_export,
    register_participant,
    cancel_registration,
    check_participant_in,
]
