"""Running a deployment's web application with uvicorn, the production ASGI server."""

from __future__ import annotations

import logging
import os
import threading
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


log = logging.getLogger("netzwerker.mail")


def send_mail_forever(deployment: Deployment, stop: threading.Event) -> None:
    """The sender inside ``netzwerker serve``: every ``[mail] interval_seconds`` it sends
    what is due; on the digests' weekday it first writes the week's digests, once (a digest
    written already, by ``mail digest`` from cron say, is not written again). A failure is
    logged and tried again at the next turn."""
    from netzwerker.domain.mail.digest import write_digests
    from netzwerker.domain.mail.outbox import deliver

    mail = deployment.config.mail
    digests_written_on = None
    while not stop.is_set():
        try:
            today = deployment.today()
            if today.isoweekday() == mail.digest_weekday and digests_written_on != today:
                with deployment.transaction() as session:
                    write_digests(session, deployment, today)
                digests_written_on = today
            done = deliver(deployment)
            if done.sent or done.failed or done.deferred:
                log.info(
                    "mail: %d sent, %d deferred, %d failed", done.sent, done.deferred, done.failed
                )
        except Exception:
            log.exception("mail: the sender's turn failed")
        stop.wait(mail.interval_seconds)


def start_sender(deployment: Deployment) -> threading.Event | None:
    """Start the sender in a thread of this process, if ``[mail]`` has a relay; the event
    stops it."""
    if not deployment.config.mail.host:
        return None
    stop = threading.Event()
    threading.Thread(
        target=send_mail_forever, args=(deployment, stop), name="netzwerker-mail", daemon=True
    ).start()
    return stop


#: How long a worker may take to answer the supervisor before it is replaced.
WORKER_PATIENCE_SECONDS = 60


def serve(
    deployment: Deployment, *, host: str, port: int, workers: int, log_level: str = "info"
) -> None:
    """Serve until interrupted. One worker serves the deployment already loaded; several
    each load it from the environment in a process of their own. The mail sender runs once,
    in this process, whatever the number of workers."""
    import uvicorn

    os.environ[DEPLOYMENT_VARIABLE] = str(deployment.folder.resolve())
    app: Any = (
        serving_app(deployment) if workers == 1 else "netzwerker.app:create_app_from_environment"
    )
    trusted = deployment.config.web.trusted_proxies
    stop = start_sender(deployment)
    try:
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
            # Behind the deployment's trusted proxies the client is the one they name.
            proxy_headers=bool(trusted),
            forwarded_allow_ips=",".join(trusted) or None,
            # uvicorn's supervisor kills a worker that does not answer its ping within this
            # time. Its default of 5 s killed busy workers on a loaded machine again and again
            # (a worker answers from a thread that must wait for the interpreter); a worker
            # that truly hangs is still replaced, a minute later.
            timeout_worker_healthcheck=WORKER_PATIENCE_SECONDS,
        )
    finally:
        if stop is not None:
            stop.set()
