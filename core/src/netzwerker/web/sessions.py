"""Signing in with a browser: a server-side session behind an HttpOnly cookie.

The cookie holds only a random session id; the session (who, since when) lives in the
deployment's database, so every worker and every server sees it. A session ends after ``[web]
session_minutes`` without a request (each answer renews it) and after ``session_hours`` in
any case; signing in starts a fresh session id, so an id planted before cannot be taken over.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
import sqlalchemy as sa
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.security.session_auth import SessionAuth
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from sqlmodel import col

from netzwerker.clock import utcnow
from netzwerker.db import conflict_insert
from netzwerker.deployment import Deployment
from netzwerker.domain.users.models import User, WebSession
from netzwerker.domain.users.permissions import Actor

SESSION_STORE = "web_sessions"
SESSION_COOKIE = "netzwerker_session"
_ROTATE = "netzwerker.rotate_session"
_NEW_ID = "netzwerker.new_session_id"


class _RotatingBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, with a new id at sign-in and nothing stored (no file,
    no cookie) for a visitor who has not signed in."""

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        if scope_session is not Empty and not scope_session:
            if connection.cookies.get(self.config.key) in (None, "null"):
                return
            scope_session = Empty
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope["state"]
        if state.get(_ROTATE):
            if _NEW_ID not in state:
                state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return super().get_session_id(connection)


class _RotatingConfig(ServerSideSessionConfig):
    _backend_class = _RotatingBackend


def start_session(connection: ASGIConnection[Any, Any, Any, Any], user: User) -> None:
    """Sign ``user`` in: a new session under a new id."""
    connection.scope["state"][_ROTATE] = True
    connection.set_session(
        {
            "user_id": user.id,
            "name": user.display_name or user.username,
            "since": utcnow().isoformat(),
        }
    )


def end_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.clear_session()


class DatabaseStore(Store):
    """Litestar's store of server-side sessions, kept in the deployment's database (table
    ``web_session``), so that every worker and every server behind a load balancer knows a
    session. Expired sessions are deleted as they are met, and all of them every few
    minutes."""

    #: How often a process deletes every expired session.
    SWEEP = timedelta(minutes=10)

    def __init__(self, deployment: Deployment) -> None:
        self.engine = deployment.engine
        self._swept = utcnow()

    def _upsert(self, key: str, data: bytes, expires_at: datetime | None) -> Any:
        dialect = self.engine.dialect.name
        insert = conflict_insert(dialect)
        return (
            insert(WebSession)
            .values(key=key, data=data, expires_at=expires_at)
            .on_conflict_do_update(
                index_elements=["key"], set_={"data": data, "expires_at": expires_at}
            )
        )

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode("utf-8") if isinstance(value, str) else value
        now = utcnow()
        with self.engine.begin() as connection:
            connection.execute(self._upsert(key, data, _expiry(now, expires_in)))
            if now - self._swept > self.SWEEP:
                self._swept = now
                connection.execute(sa.delete(WebSession).where(col(WebSession.expires_at) <= now))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        now = utcnow()
        with self.engine.begin() as connection:
            row = connection.execute(
                sa.select(col(WebSession.data), col(WebSession.expires_at)).where(
                    col(WebSession.key) == key
                )
            ).first()
            if row is None:
                return None
            if row.expires_at is not None and row.expires_at <= now:
                connection.execute(sa.delete(WebSession).where(col(WebSession.key) == key))
                return None
            if renew_for and row.expires_at is not None:
                connection.execute(
                    sa.update(WebSession)
                    .where(col(WebSession.key) == key)
                    .values(expires_at=_expiry(now, renew_for))
                )
            return bytes(row.data)

    async def delete(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(WebSession).where(col(WebSession.key) == key))

    async def delete_all(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.delete(WebSession))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        with self.engine.connect() as connection:
            expires_at = connection.execute(
                sa.select(col(WebSession.expires_at)).where(col(WebSession.key) == key)
            ).scalar()
        if expires_at is None:
            return None
        return max(int((expires_at - utcnow()).total_seconds()), 0)


def _expiry(now: datetime, expires_in: int | timedelta | None) -> datetime | None:
    if expires_in is None:
        return None
    return now + (
        expires_in if isinstance(expires_in, timedelta) else timedelta(seconds=expires_in)
    )


def session_store(deployment: Deployment) -> DatabaseStore:
    return DatabaseStore(deployment)


#: Set in a request's state while its user still signs in with a one-time password.
MUST_CHANGE_PASSWORD = "password_must_change"


def _actor_of(deployment: Deployment, user_id: int, since: datetime) -> tuple[Actor | None, bool]:
    """The active user's actor, and whether it must set a password of its own first; None
    for a session begun before the user's sessions were ended."""
    with deployment.session() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None, False
        if user.sessions_since is not None and since < user.sessions_since:
            return None, False
        return Actor.of(user), user.password_must_change


def session_auth(deployment: Deployment) -> SessionAuth[Actor, ServerSideSessionBackend]:
    web = deployment.config.web

    async def retrieve_actor(
        session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
    ) -> Actor | None:
        user_id, since = session.get("user_id"), session.get("since")
        if not isinstance(user_id, int) or not isinstance(since, str):
            return None
        begun = datetime.fromisoformat(since)
        if utcnow() - begun > timedelta(hours=web.session_hours):
            return None
        actor, must_change = await anyio.to_thread.run_sync(_actor_of, deployment, user_id, begun)
        connection.scope["state"][MUST_CHANGE_PASSWORD] = must_change
        return actor

    return SessionAuth[Actor, ServerSideSessionBackend](
        retrieve_user_handler=retrieve_actor,
        session_backend_config=_RotatingConfig(
            key=SESSION_COOKIE,
            max_age=web.session_minutes * 60,
            secure=web.secure_cookies,
            httponly=True,
            samesite="lax",
            store=SESSION_STORE,
        ),
        exclude_opt_key="public",
    )
