"""What every page handler needs: render a template with the common context, redirect,
translate a message, and tell the user what happened."""

from __future__ import annotations

import gettext
from typing import Any

from litestar import Request, Response
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER

from netzwerker.contributions import NavigationEntry
from netzwerker.domain.users.permissions import Actor, as_granted
from netzwerker.web.display import FieldNames
from netzwerker.web.i18n import mark

#: Where the app keeps the interface's translations (``app.state``).
TRANSLATIONS = "web_translations"
ROLE_LABELS = {
    "admin": mark("Administrator"),
    "coordinator": mark("Coordinator"),
    "viewer": mark("Viewer"),
    "partner_member": mark("Partner member"),
}


def translations(request: Request[Any, Any, Any]) -> gettext.NullTranslations:
    return request.app.state[TRANSLATIONS]


def translate(request: Request[Any, Any, Any], message: str, **values: Any) -> str:
    """``message`` in the interface's language, with ``%(name)s`` placeholders filled."""
    text = translations(request).gettext(message)
    return text % values if values else text


def notify(
    request: Request[Any, Any, Any], message: str, category: str = "success", **values: Any
) -> None:
    """A message shown once on the next page (after a redirect)."""
    flash(request, translate(request, message, **values), category)


def navigation(request: Request[Any, Any, Any], actor: Actor | None) -> list[NavigationEntry]:
    if actor is None:
        return []
    deployment = request.app.state.deployment
    entries = [
        entry
        for entry in (item.value for item in deployment.registry.navigation.values())
        if entry.permission is None or as_granted(entry.permission, deployment.config).allows(actor)
    ]
    return sorted(entries, key=lambda entry: (entry.order, entry.label))


def page(
    request: Request[Any, Any, Any], template: str, *, status: int = 200, **context: Any
) -> Template:
    """Render ``template`` with the signed-in actor and the navigation beside ``context``."""
    actor = request.scope.get("user")
    actor = actor if isinstance(actor, Actor) else None
    return Template(
        template_name=template,
        status_code=status,
        context={
            "actor": actor,
            "user_name": request.session.get("name", "") if "session" in request.scope else "",
            "navigation": navigation(request, actor),
            "role_labels": ROLE_LABELS,
            "field_name": FieldNames(request.app.state.deployment),
            "path": request.url.path,
            "deployment_name": request.app.state.deployment.name,
            **context,
        },
    )


def local_path(target: str, default: str = "/") -> str:
    """Only a path on this server: a form's ``next`` never sends a user elsewhere."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def redirect(request: Request[Any, Any, Any], path: str) -> Response[Any]:
    """Go on to ``path`` (303). An htmx request would follow a redirect inside its own
    request and swap the page it finds into a part of the current one, so it is told to load
    ``path`` as a whole page instead (``HX-Redirect``)."""
    if request.headers.get("hx-request"):
        return Response(b"", headers={"HX-Redirect": path})
    return Redirect(path, status_code=HTTP_303_SEE_OTHER)
