"""The web application of a deployment: ``create_app(deployment)``.

Routes come from the plugins' ``register_routes`` hook (the API) and ``register_web_routes``
hook (the web interface); the core answers both too (through its built-in plugin), so core and
plugin routes are wired the same way.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from litestar import Litestar, Request, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.types import Receive, Scope, Send

from netzwerker.deployment import Deployment, choices_revision, load
from netzwerker.domain.users.permissions import Actor
from netzwerker.http.auth import PROBES, TokenAuthentication
from netzwerker.http.errors import EXCEPTION_HANDLERS, reject_nul
from netzwerker.http.headers import security_headers
from netzwerker.http.logging import RequestLogging
from netzwerker.http.system import openapi_config, swagger_assets
from netzwerker.plugins import call_each
from netzwerker.web.interface import not_found_anywhere, web_interface

#: The environment variable through which server workers find their deployment.
DEPLOYMENT_VARIABLE = "NETZWERKER_DEPLOYMENT"


def _deployment(state: State) -> Deployment:
    return state.deployment


def _actor(request: Request[Any, Any, Any]) -> Actor:
    return request.user


def create_app(deployment: Deployment) -> Litestar:
    handlers: list[Any] = []
    for _, routes in call_each(deployment.manager, "register_routes", deployment=deployment):
        handlers.extend(routes or [])
    api = Router(
        path="/",
        route_handlers=handlers,
        middleware=[DefineMiddleware(TokenAuthentication, exclude=PROBES)],
    )
    web = web_interface(deployment)
    return Litestar(
        route_handlers=[api, swagger_assets(), *web.handlers],
        template_config=web.template_config,
        stores=web.stores,
        state=State({"deployment": deployment, **web.state}),
        dependencies={
            "deployment": Provide(_deployment, sync_to_thread=False),
            "actor": Provide(_actor, sync_to_thread=False),
        },
        # Pages and static files travel compressed; the API's answers stay as they are.
        compression_config=CompressionConfig(
            backend="gzip", gzip_compress_level=6, exclude=["^/api/", *PROBES]
        ),
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: not_found_anywhere},
        before_request=reject_nul,
        before_send=[security_headers(deployment.config)],
        openapi_config=openapi_config(deployment),
        signature_namespace={"Deployment": Deployment, "Actor": Actor},
        debug=False,
    )


log = logging.getLogger(__name__)


class SwitchingApp:
    """The application as a server process runs it for its lifetime: it loads the
    deployment anew when the plugin choices stored in the database change, so that every
    worker serves a plugin switched on or off in the browser within about ``interval``
    seconds, without a restart.

    Each worker compares the choices' revision (one small query) at most once per
    ``interval``; a changed one makes it build the new application in a thread while the
    current one goes on answering, then swap. A deployment that no longer loads is logged
    and the current application kept.
    """

    def __init__(self, deployment: Deployment, interval: float = 1.0) -> None:
        self.deployment = deployment
        self.app = _settled(create_app(deployment))
        self.interval = interval
        self._checked = time.monotonic()
        self._refused = deployment.plugin_revision
        self._lock = anyio.Lock()
        # Outside the application, so that the log sees the status its error handlers send
        # (a refusal inside a middleware, an unknown path) as the client does.
        self._logged = RequestLogging(self._current)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and time.monotonic() - self._checked >= self.interval:
            await self._follow_choices()
        await self._logged(scope, receive, send)

    async def _current(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    async def _follow_choices(self) -> None:
        async with self._lock:
            if time.monotonic() - self._checked < self.interval:
                return  # another request checked meanwhile
            revision = await anyio.to_thread.run_sync(choices_revision, self.deployment.engine)
            self._checked = time.monotonic()
            if revision in (self.deployment.plugin_revision, self._refused):
                return
            try:
                deployment = await anyio.to_thread.run_sync(self._reload)
            except Exception:
                log.exception("the deployment does not load with the plugin choices %s", revision)
                self._refused = revision
                return
            self.deployment, self.app = deployment, _settled(create_app(deployment))
            log.info("plugins now enabled: %s", ", ".join(deployment.config.enabled_plugins))

    def _reload(self) -> Deployment:
        current = self.deployment
        return load(current.folder, current.database_url, engine=current.engine)


def _settled(app: Litestar) -> Litestar:
    # What start-up made lives as long as the process (or the plugin choices): keep it out
    # of the collector's passes, which otherwise walk it again and again (long pauses in
    # the slowest requests).
    gc.freeze()
    return app


def serving_app(deployment: Deployment) -> SwitchingApp:
    """The application as a server process runs it for its lifetime."""
    return SwitchingApp(deployment)


def create_app_from_environment() -> SwitchingApp:
    """For server workers: the deployment folder comes from ``NETZWERKER_DEPLOYMENT``."""
    return serving_app(load(Path(os.environ.get(DEPLOYMENT_VARIABLE, "."))))
