"""Signing in and out."""

from __future__ import annotations

import math
from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Template

from netzwerker.clock import utcnow
from netzwerker.domain.audit.services import record
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.users.throttle import sign_in
from netzwerker.http.params import CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, read_form
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import local_path, page, redirect, translate
from netzwerker.web.sessions import end_session, start_session

WRONG_LOGIN = mark("The user name or the password is wrong, or the user is disabled.")
LOCKED = mark(
    "Too many failed sign-ins: please try again in %(minutes)s minutes, or ask an "
    "administrator to lift the lock."
)
SIGNED_OUT = mark("You are signed out.")
LOGIN_FIELDS = (
    FormField("username", required=True),
    FormField("password", required=True),
    FormField("next"),
)


def client_address(request: Request[Any, Any, Any]) -> str:
    """Where a request comes from: the peer, or behind a trusted reverse proxy the client
    the proxy names (``serve`` reads its forwarded headers then)."""
    return request.client.host if request.client else "unknown"


@get("/login", opt={"public": True}, sync_to_thread=False, name="login")
def login_form(
    request: Request[Any, Any, Any], next: FromQuery[str] = "/", signed_out: FromQuery[bool] = False
) -> Template:
    form = Form.showing({"username": "", "next": local_path(next)})
    return page(request, "login.html", form=form, signed_out=signed_out)


@post("/login", opt={"public": True}, sync_to_thread=False)
def login(
    request: Request[Any, Any, Any], form: PostedForm, deployment: CurrentDeployment
) -> Response[Any]:
    entered = read_form(request, form, LOGIN_FIELDS)
    status = 422
    if entered.valid:
        address = client_address(request)
        with deployment.transaction() as session:
            outcome = sign_in(
                session, entered.values["username"], entered.values["password"], address
            )
        if outcome.user is not None:
            start_session(request, outcome.user)
            return redirect(request, local_path(entered.values["next"] or "/"))
        if outcome.locked_until is not None:
            wait = math.ceil((outcome.locked_until - utcnow()).total_seconds() / 60)
            entered.errors[""] = translate(request, LOCKED, minutes=max(wait, 1))
            status = 429
        else:
            entered.errors[""] = translate(request, WRONG_LOGIN)
            status = 401
    entered.raw.pop("password", None)
    return page(request, "login.html", status=status, form=entered, signed_out=False)


@post("/logout", sync_to_thread=False)
def logout(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Response[Any]:
    actor = request.scope.get("user")
    if isinstance(actor, Actor):
        with deployment.transaction() as session:
            record(
                session,
                actor=actor.username,
                action="user.sign_out",
                object_type="user",
                object_id=actor.username,
            )
    end_session(request)
    return redirect(request, "/login?signed_out=1")


ROUTES = [login_form, login, logout]
