"""One structured line per request, without personal data.

Logged: method, path (never the query string, where search words such as names travel),
status, duration and the user's numeric id; a refused request (401, 403) once more on the
logger ``netzwerker.security``. Not logged: names, e-mail addresses, bodies,
tokens, client addresses.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, cast

from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

log = logging.getLogger("netzwerker.access")
#: Refused requests, once more, where a security team's monitoring reads them.
security = logging.getLogger("netzwerker.security")
REFUSALS = {401: "not signed in", 403: "forbidden"}


class RequestLogging:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = cast("HTTPScope", scope)["method"]
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            user: Any = scope.get("user")
            line = {
                "event": "request",
                "method": method,
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 2),
                "user_id": getattr(user, "user_id", None),
            }
            log.info(json.dumps(line))
            if status in REFUSALS:
                # Who was refused what, for the security log's reader (never the body).
                security.warning(json.dumps({**line, "event": REFUSALS[status]}))
