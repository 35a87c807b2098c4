"""Running a deployment's web application with uvicorn, the production ASGI server."""

from __future__ import annotations

import os
from typing import Any

from netzwerker.app import DEPLOYMENT_VARIABLE, serving_app
from netzwerker.deployment import Deployment


def log_config(level: str) -> dict[str, Any]:
    """Plain lines on stderr: the server's own, and netzwerker's one JSON line per request.

    uvicorn's access log is off: it would log client addresses and query strings.
    """
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "netzwerker": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


def serve(
    deployment: Deployment, *, host: str, port: int, workers: int, log_level: str = "info"
) -> None:
    """Serve until interrupted. One worker serves the deployment already loaded; several
    each load it from the environment in a process of their own."""
    import uvicorn

    os.environ[DEPLOYMENT_VARIABLE] = str(deployment.folder.resolve())
    app: Any = (
        serving_app(deployment) if workers == 1 else "netzwerker.app:create_app_from_environment"
    )
    uvicorn.run(
        app,
        factory=workers > 1,
        # The fast event loop and HTTP parser; both are dependencies, so always there.
        loop="uvloop",
        http="httptools",
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=log_config(log_level),
        server_header=False,
        proxy_headers=False,
    )
