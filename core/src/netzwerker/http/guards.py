"""What a route needs to be asked at all: the permission of the matrix it serves.

A write route names its permission (``guards=permitted(TASK_PROPOSE)``); before it reads
the request's body, an actor whose role holds no grant of it is refused (403), so a form
or a JSON body is never judged for someone who may not send it. The service behind the
route asks the whole question (whose record it is) again with
:func:`netzwerker.domain.users.permissions.authorize`. A route whose permission depends on
a path parameter (a transition's ``action``) names a function of the path parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from netzwerker.domain.users.permissions import Permission, authorize_role

#: A permission, or how to find it from a request's path parameters (None: the path names
#: no action of the route, and the request's own validation answers).
PermissionOf = Permission | Callable[[dict[str, Any]], Permission | None]


@attrs.frozen
class Permitted:
    """A route's guard for one permission of the matrix."""

    permission: PermissionOf

    def of(self, path_params: dict[str, Any]) -> Permission | None:
        """The permission a request with these path parameters needs."""
        if isinstance(self.permission, Permission):
            return self.permission
        return self.permission(path_params)

    async def __call__(self, connection: ASGIConnection, _: BaseRouteHandler) -> None:
        permission = self.of(connection.path_params)
        if permission is not None:
            authorize_role(connection.user, permission)


def permitted(permission: PermissionOf) -> list[Any]:
    """The guards of a route that serves ``permission``: ``guards=permitted(X)``."""
    return [Permitted(permission)]


def route_permission(handler: BaseRouteHandler) -> Permitted | None:
    """The permission a route handler names, if any."""
    for guard in handler.guards or ():
        if isinstance(guard, Permitted):
            return guard
    return None
