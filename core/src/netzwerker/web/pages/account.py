"""Signing in and out."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery
from litestar.response import Template

from netzwerker.domain.users.services import authenticate
from netzwerker.http.params import CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, read_form
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import local_path, page, redirect, translate
from netzwerker.web.sessions import end_session, start_session

WRONG_LOGIN = mark("The user name or the password is wrong, or the user is disabled.")
SIGNED_OUT = mark("You are signed out.")
LOGIN_FIELDS = (
    FormField("username", required=True),
    FormField("password", required=True),
    FormField("next"),
)


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
    if entered.valid:
        with deployment.transaction() as session:
            user = authenticate(session, entered.values["username"], entered.values["password"])
        if user is not None:
            start_session(request, user)
            return redirect(request, local_path(entered.values["next"] or "/"))
        entered.errors[""] = translate(request, WRONG_LOGIN)
    entered.raw.pop("password", None)
    status = 401 if "" in entered.errors else 422
    return page(request, "login.html", status=status, form=entered, signed_out=False)


@post("/logout", sync_to_thread=False)
def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    end_session(request)
    return redirect(request, "/login?signed_out=1")


ROUTES = [login_form, login, logout]
