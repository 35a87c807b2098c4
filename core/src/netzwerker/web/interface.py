"""The coordinators' web interface, assembled for one deployment.

Pages are server-rendered (Jinja2), with htmx where a partial update spares a reload; every
script, style and font is shipped in ``static/``, so the interface works inside an intranet
without any outside request. The pages live on one Litestar router that brings the browser's
needs: a session cookie, CSRF protection for every form, and German error pages. The API
(``/api``) keeps its tokens and JSON errors and never accepts the session cookie.
"""

from __future__ import annotations

import gettext
import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import attrs
import jinja2
from litestar import Request, Response, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, FormMultiDict
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.flash import get_flashes
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.template import TemplateConfig
from litestar.types import ExceptionHandlersMap

from netzwerker.deployment import Deployment
from netzwerker.errors import Conflict, Forbidden, InvalidInput, NotFound, Refused
from netzwerker.http.errors import EXCEPTION_HANDLERS, validation_problems
from netzwerker.plugins import call_each
from netzwerker.signing import secret_key
from netzwerker.web.display import actor_name
from netzwerker.web.i18n import Formats, mark, translations
from netzwerker.web.rendering import TRANSLATIONS, page, redirect, translate
from netzwerker.web.sessions import (
    MUST_CHANGE_PASSWORD,
    SESSION_STORE,
    session_auth,
    session_store,
)
from netzwerker.workflow import TransitionRefused

log = logging.getLogger("netzwerker.web")

WEB_FOLDER = Path(__file__).parent
CSRF_COOKIE = "netzwerker_csrf"


@attrs.frozen
class WebInterface:
    """What :func:`netzwerker.app.create_app` adds to the app for the web interface."""

    handlers: list[Any]
    template_config: TemplateConfig
    stores: dict[str, Store]
    state: dict[str, Any]


def plugin_folders(deployment: Deployment) -> dict[str, Path]:
    return {
        name: Path(folder)
        for name, folder in call_each(deployment.manager, "register_web_assets")
        if name != "core"
    }


def catalogue_of(deployment: Deployment, folders: dict[str, Path]) -> gettext.NullTranslations:
    """The deployment's language: the core's catalogue, then the plugins'."""
    extra = tuple(folder / "locale" for folder in folders.values())
    return translations(deployment.config.web.language, extra)


def environment(
    deployment: Deployment, catalogue: gettext.NullTranslations, folders: dict[str, Path]
) -> jinja2.Environment:
    """Core templates by name, a plugin's as ``<plugin>/<name>``; German by default."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(WEB_FOLDER / "templates"),
            jinja2.PrefixLoader(
                {
                    name: jinja2.FileSystemLoader(folder / "templates")
                    for name, folder in folders.items()
                }
            ),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    language = deployment.config.web.language
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(Formats(language, deployment.config.deployment.timezone).filters())
    env.filters["dict_without"] = lambda mapping, *keys: {
        key: value for key, value in mapping.items() if key not in keys
    }
    env.filters["actor"] = lambda name: actor_name(name, catalogue.gettext)
    env.globals["language"] = language
    return env


def _flashes(context: Mapping[str, Any]) -> Any:
    # An error page outside the pages' router (an unknown path) has no session.
    request = context.get("request")
    return get_flashes(context) if request is not None and "session" in request.scope else []


def not_found_anywhere(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A path no route matches: the API answers in JSON, the interface with its page."""
    if request.url.path.startswith(("/api/", "/schema")):
        return EXCEPTION_HANDLERS[HTTPException](request, exc)
    return _not_found(request, exc)


#: Where a user with a one-time password may go before it has set its own.
PASSWORD_FIRST_PATHS = ("/account/password", "/logout")


def _own_password_first(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """A user who signed in with a one-time password sets its own before anything else."""
    if request.scope["state"].get(MUST_CHANGE_PASSWORD) and (
        request.url.path not in PASSWORD_FIRST_PATHS
    ):
        return redirect(request, "/account/password")
    return None


async def _form(request: Request[Any, Any, Any]) -> FormMultiDict:
    return await request.form()


def _error_page(
    request: Request[Any, Any, Any], status: int, title: str, message: str = ""
) -> Response[Any]:
    return page(
        request, "error.html", status=status, title=translate(request, title), message=message
    )


def _sign_in_first(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return redirect(request, "/login?" + urlencode({"next": target}))


FORBIDDEN = mark("You may not do this")
NOT_FOUND = mark("Not found")
REFUSED = mark("Not possible")
BAD_REQUEST = mark("The request is not valid")
SESSION_EXPIRED = mark(
    "The form has expired or was sent from another page. Please load the page again."
)
BROKEN = mark("Something went wrong")


def _forbidden(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, PermissionDeniedException):
        return _error_page(request, 403, FORBIDDEN, translate(request, SESSION_EXPIRED))
    return _error_page(request, 403, FORBIDDEN, translate(request, str(exc)))


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    return _error_page(request, 404, NOT_FOUND)


def _refused(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    message = exc.message if isinstance(exc, TransitionRefused) else str(exc)
    return _error_page(request, 409, REFUSED, translate(request, message))


def _bad_request(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    problems = exc.problems if isinstance(exc, InvalidInput) else validation_problems(exc)  # type: ignore[arg-type]
    message = "; ".join(f"{p.path}: {translate(request, p.message)}" for p in problems)
    return _error_page(request, 400, BAD_REQUEST, message)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return _error_page(request, exc.status_code, BROKEN, exc.detail)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error in %s %s", request.method, request.scope["path"])
    return _error_page(request, 500, BROKEN)


PAGE_ERRORS: ExceptionHandlersMap = {
    NotAuthorizedException: _sign_in_first,
    PermissionDeniedException: _forbidden,
    Forbidden: _forbidden,
    NotFound: _not_found,
    NotFoundException: _not_found,
    Conflict: _refused,
    Refused: _refused,
    TransitionRefused: _refused,
    InvalidInput: _bad_request,
    ValidationException: _bad_request,
    HTTPException: _http,
    Exception: _unexpected,
}


#: A static file's address carries its content's hash, so it may be cached for a year.
ASSET_CACHING = CacheControlHeader(max_age=365 * 24 * 3600, public=True, immutable=True)


class Assets:
    """The static folders (the core's as ``web``, each plugin's by its name) and the
    addresses of their files: ``asset("web/netzwerker.css")`` is
    ``/static/web/netzwerker.css?v=<hash>``, a new address whenever the file changes."""

    def __init__(self, folders: dict[str, Path]) -> None:
        self.folders = folders
        self._urls: dict[str, str] = {}

    def url(self, name: str) -> str:
        if name not in self._urls:
            folder, _, file = name.partition("/")
            digest = hashlib.sha256((self.folders[folder] / file).read_bytes()).hexdigest()
            self._urls[name] = f"/static/{name}?v={digest[:12]}"
        return self._urls[name]


def web_interface(deployment: Deployment) -> WebInterface:
    folders = plugin_folders(deployment)
    catalogue = catalogue_of(deployment, folders)
    env = environment(deployment, catalogue, folders)
    assets = Assets(
        {
            "web": WEB_FOLDER / "static",
            **{
                name: folder / "static"
                for name, folder in folders.items()
                if (folder / "static").is_dir()
            },
        }
    )
    env.globals["asset"] = assets.url
    engine = JinjaTemplateEngine.from_environment(env)
    engine.register_template_callable("get_flashes", _flashes)
    web = deployment.config.web
    pages: list[Any] = []
    for _, routes in call_each(deployment.manager, "register_web_routes", deployment=deployment):
        pages.extend(routes or [])
    csrf = CSRFConfig(
        secret=secret_key(deployment.folder),
        cookie_name=CSRF_COOKIE,
        cookie_secure=web.secure_cookies,
        cookie_samesite="strict",
    )
    router = Router(
        path="/",
        route_handlers=pages,
        # The session comes first, so that even a refused form gets the German error page.
        middleware=[
            session_auth(deployment).middleware,
            DefineMiddleware(CSRFMiddleware, config=csrf),
        ],
        dependencies={"form": Provide(_form)},
        before_request=_own_password_first,
        exception_handlers=PAGE_ERRORS,
        include_in_schema=False,
    )
    static = [
        create_static_files_router(
            path=f"/static/{name}",
            directories=[folder],
            include_in_schema=False,
            name=f"static_{name}",
            cache_control=ASSET_CACHING,
        )
        for name, folder in assets.folders.items()
    ]
    return WebInterface(
        handlers=[router, *static],
        template_config=TemplateConfig(instance=engine),
        stores={SESSION_STORE: session_store(deployment)},
        state={TRANSLATIONS: catalogue},
    )
