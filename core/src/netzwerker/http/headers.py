"""The headers every answer carries, pages, API and errors alike.

Answers hold personal data, so none may be kept by a browser or a proxy (``no-store``) but
the static files, whose address changes with their content. The pages load scripts, styles
and images from this server alone and run no inline script or style (a strict
Content-Security-Policy without ``unsafe-inline``), never inside another site's frame, and
tell no other site where a link came from (a mail's choice link carries a token). Behind
HTTPS (``[web] secure_cookies``) browsers are told to come back over HTTPS only. The API's
documentation page (Swagger UI) starts itself with an inline script: it alone gets a policy
that allows one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from netzwerker.config import DeploymentConfig

#: What the pages may load and do.
CONTENT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
#: The Swagger UI page's: its inline start-up script and styles.
DOCUMENTATION_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
#: One year, as browsers' preload lists ask.
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(config: DeploymentConfig) -> Callable[[Message, Scope], Awaitable[None]]:
    """The app's ``before_send`` hook that adds the headers to each answer's start."""
    secure = config.web.secure_cookies

    async def add_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        path = scope.get("path", "")
        for name, value in COMMON.items():
            headers[name] = value
        documentation = path == "/schema" or path.startswith("/schema/")
        headers["Content-Security-Policy"] = (
            DOCUMENTATION_POLICY if documentation else CONTENT_POLICY
        )
        if secure:
            headers["Strict-Transport-Security"] = HSTS
        if not path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"

    return add_headers
