"""The administration: plugins switched on and off and their settings."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.fields import plugins
from netzwerker.domain.users import permissions
from netzwerker.errors import InvalidInput, Problem
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import NOT_A_CHOICE, NOT_A_NUMBER, Form, PostedForm, add_problems
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate

ENABLED = mark("%(plugin)s is switched on: its pages and figures appear within seconds.")
DISABLED = mark("%(plugin)s is switched off; everything it recorded is kept.")
SETTINGS_SAVED = mark("The settings of %(plugin)s were saved.")
NOT_SWITCHED = mark("%(plugin)s could not be switched: %(reasons)s")
#: German names of what a plugin contributes (the registry's kinds).
CONTRIBUTIONS = {
    "working_fields": mark("Working fields"),
    "partner_kinds": mark("Partner kinds"),
    "indicators": mark("Indicators"),
    "project_types": mark("Project types"),
    "workflows": mark("Workflows"),
    "navigation": mark("Pages in the navigation"),
    "data_sections": mark("Sections of data files"),
    "permissions": mark("Permissions"),
}
KIND_MESSAGES = {"int": NOT_A_NUMBER, "number": NOT_A_NUMBER, "choice": NOT_A_CHOICE}


def _catalogue_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    *,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        offers = plugins.plugin_catalogue(session, deployment, actor=actor)
    shown = forms or {}
    return page(
        request,
        "admin/plugins.html",
        status=status,
        offers=offers,
        forms={
            offer.name: shown.get(offer.name)
            or Form.showing(
                {setting.name: _text(setting.value, setting.kind) for setting in offer.settings}
            )
            for offer in offers
        },
        contribution_names=CONTRIBUTIONS,
        defaults={
            offer.name: {
                setting.name: _text(setting.default, setting.kind) for setting in offer.settings
            }
            for offer in offers
        },
        choices={
            offer.name: {setting.name: setting.options() for setting in offer.settings}
            for offer in offers
        },
    )


def _text(value: Any, kind: str) -> Any:
    """A setting's value as its form field shows it."""
    if kind == "list":
        return ", ".join(str(item) for item in value or [])
    if kind == "choice":
        return str(getattr(value, "value", value))
    return "" if value is None else value


@get(
    "/admin/plugins",
    sync_to_thread=False,
    name="admin_plugins",
    guards=permitted(permissions.PLUGIN_SWITCH),
)
def plugin_catalogue(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _catalogue_page(request, deployment, actor)


@post(
    "/admin/plugins/{name:str}/switch",
    sync_to_thread=False,
    guards=permitted(permissions.PLUGIN_SWITCH),
)
def switch_plugin(
    request: Request[Any, Any, Any],
    name: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """``to=on`` or ``to=off``: the choice is stored, the workers follow it."""
    switch = form.get("to")
    if switch not in ("on", "off"):
        raise InvalidInput([Problem("to", "'on' or 'off'")])
    try:
        plugins.switch_plugin(deployment, name, switch == "on", actor=actor)
    except InvalidInput as exc:
        reasons = "; ".join(translate(request, problem.message) for problem in exc.problems)
        notify(request, NOT_SWITCHED, "error", plugin=name, reasons=reasons)
        return redirect(request, "/admin/plugins")
    notify(request, ENABLED if switch == "on" else DISABLED, plugin=name)
    return redirect(request, f"/admin/plugins#plugin-{name}")


@post(
    "/admin/plugins/{name:str}/settings",
    sync_to_thread=False,
    guards=permitted(permissions.PLUGIN_SWITCH),
)
def change_settings(
    request: Request[Any, Any, Any],
    name: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A plugin's settings, checked by its settings class; each problem beside its field."""
    with deployment.session() as session:
        offers = plugins.plugin_catalogue(session, deployment, actor=actor)
    offer = next((offer for offer in offers if offer.name == name), None)
    if offer is None:
        raise InvalidInput([Problem("name", f"no plugin {name!r}")])
    texts = {setting.name: str(form.get(setting.name) or "") for setting in offer.settings}
    entered = Form.showing(texts)
    values, problems = plugins.settings_values(list(offer.settings), texts)
    kinds = {setting.name: setting.kind for setting in offer.settings}
    for problem in problems:
        entered.errors[problem.path] = translate(request, KIND_MESSAGES[kinds[problem.path]])
    if entered.valid:
        try:
            plugins.change_plugin_settings(deployment, name, values, actor=actor)
        except InvalidInput as exc:
            add_problems(request, entered, exc.problems)
    if not entered.valid:
        return _catalogue_page(request, deployment, actor, forms={name: entered}, status=422)
    notify(request, SETTINGS_SAVED, plugin=name)
    return redirect(request, f"/admin/plugins#plugin-{name}")


ROUTES = [plugin_catalogue, switch_plugin, change_settings]
