"""Running a deployment's web application with uvicorn, the production ASGI server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from netzwerker.app import DEPLOYMENT_VARIABLE


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


def serve(folder: Path, *, host: str, port: int, workers: int, log_level: str = "info") -> None:
    """Serve until interrupted; each worker loads the deployment from the environment."""
    import uvicorn

    os.environ[DEPLOYMENT_VARIABLE] = str(folder.resolve())
    uvicorn.run(
        "netzwerker.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        log_config=log_config(log_level),
        server_header=False,
        proxy_headers=False,
    )
