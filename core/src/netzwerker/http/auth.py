"""Who is asking: bearer tokens (``Authorization: Bearer nzw_…``) resolved to an actor."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from netzwerker.deployment import Deployment
from netzwerker.domain.users.services import Actor, actor_for_token

#: The API's routes that anyone may reach: the liveness and readiness probes. (The API's
#: documentation and static files lie outside the API's router, the web interface signs in
#: with a session.)
PROBES = ["^/health$", "^/ready$"]


def _actor_for(deployment: Deployment, secret: str) -> Actor | None:
    with deployment.engine.connect() as connection:
        return actor_for_token(connection, secret)


class TokenAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, secret = connection.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthorizedException(
                "send an API token: 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        deployment: Deployment = connection.app.state.deployment
        # On the event loop, as the handlers run: see docs/deploying.md.
        actor = _actor_for(deployment, secret.strip())
        if actor is None:
            raise NotAuthorizedException(
                "the token is unknown, revoked or expired, or its user is disabled",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return AuthenticationResult(user=actor, auth=None)
