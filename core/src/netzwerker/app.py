"""The web application of a deployment: ``create_app(deployment)``.

Routes come from the plugins' ``register_routes`` hook (the API) and ``register_web_routes``
hook (the web interface); the core answers both too (through its built-in plugin), so core and
plugin routes are wired the same way.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.middleware import DefineMiddleware

from netzwerker.deployment import Deployment, load
from netzwerker.domain.users.permissions import Actor
from netzwerker.http.auth import PROBES, TokenAuthentication
from netzwerker.http.errors import EXCEPTION_HANDLERS, reject_nul
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
        middleware=[RequestLogging],
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: not_found_anywhere},
        before_request=reject_nul,
        openapi_config=openapi_config(deployment),
        signature_namespace={"Deployment": Deployment, "Actor": Actor},
        debug=False,
    )


def serving_app(deployment: Deployment) -> Litestar:
    """The application as a server process runs it for its lifetime."""
    app = create_app(deployment)
    # What start-up made lives as long as the process: keep it out of the collector's
    # passes, which otherwise walk it again and again (long pauses in the slowest requests).
    gc.freeze()
    return app


def create_app_from_environment() -> Litestar:
    """For server workers: the deployment folder comes from ``NETZWERKER_DEPLOYMENT``."""
    return serving_app(load(Path(os.environ.get(DEPLOYMENT_VARIABLE, "."))))
