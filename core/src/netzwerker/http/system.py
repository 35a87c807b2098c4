"""Probes for the platform that runs the server, and the API's own documentation."""

from __future__ import annotations

import attrs
import sqlalchemy as sa
from litestar import Response, Router, get
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from swagger_ui_bundle import swagger_ui_path

from netzwerker import __version__, schema
from netzwerker.http.params import CurrentDeployment

SWAGGER_ASSETS = "/static/swagger"


@attrs.frozen
class Health:
    status: str
    version: str


@attrs.frozen
class Readiness:
    status: str
    database: str
    pending_migrations: list[str]


@get("/health", tags=["system"], sync_to_thread=False, summary="Liveness: the process answers")
def health() -> Health:
    return Health("ok", __version__)


@get("/ready", tags=["system"], sync_to_thread=False, summary="Readiness: database and schema")
def ready(deployment: CurrentDeployment) -> Response[Readiness]:
    """503 while the database cannot be reached or a migration is pending."""
    try:
        with deployment.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        pending = schema.pending(deployment)
    except sa.exc.SQLAlchemyError as exc:
        body = Readiness("unavailable", type(exc).__name__, [])
        return Response(body, status_code=HTTP_503_SERVICE_UNAVAILABLE)
    if pending:
        return Response(Readiness("migrations pending", "ok", pending), status_code=503)
    return Response(Readiness("ok", "ok", []), status_code=HTTP_200_OK)


def openapi_config(deployment: CurrentDeployment) -> OpenAPIConfig:
    """OpenAPI at ``/schema``, Swagger UI at ``/schema/swagger`` from assets we ship."""
    return OpenAPIConfig(
        title=f"netzwerker API – {deployment.name}",
        version=__version__,
        description=(
            "Partners, working fields, goals and tasks with accountability. "
            "Authenticate with an API token: `Authorization: Bearer nzw_…` "
            "(`netzwerker token create`)."
        ),
        path="/schema",
        render_plugins=[
            SwaggerRenderPlugin(
                path=["/", "/swagger"],
                js_url=f"{SWAGGER_ASSETS}/swagger-ui-bundle.js",
                css_url=f"{SWAGGER_ASSETS}/swagger-ui.css",
                standalone_preset_js_url=f"{SWAGGER_ASSETS}/swagger-ui-standalone-preset.js",
                favicon=f"<link rel='icon' href='{SWAGGER_ASSETS}/favicon-32x32.png'>",
            )
        ],
        components=Components(
            security_schemes={"token": SecurityScheme(type="http", scheme="bearer")}
        ),
        security=[{"token": []}],
    )


def swagger_assets() -> Router:
    return create_static_files_router(
        path=SWAGGER_ASSETS, directories=[swagger_ui_path], include_in_schema=False
    )


SYSTEM_ROUTES = [health, ready]
