"""What the API of users takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import datetime

import attrs
from litestar.params import FromQuery

from netzwerker.domain.users.models import Role
from netzwerker.http.answers import Answer


@attrs.frozen
class UserOut(Answer):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    partner_id: int | None
    person_id: int | None
    active: bool
    version: int


@attrs.frozen
class UserChanges:
    display_name: str
    email: str
    role: Role
    active: bool
    password: str = attrs.field(repr=False)


@attrs.frozen
class TokenRequest:
    """A token for yourself, or (admins) for the user named by ``user_id``."""

    name: str
    valid_days: FromQuery[int | None] = None
    user_id: FromQuery[int | None] = None


@attrs.frozen
class TokenOut(Answer):
    id: int
    user_id: int
    name: str
    hint: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


@attrs.frozen
class NewTokenOut:
    """``secret`` is shown this once: send it as ``Authorization: Bearer <secret>``."""

    token: TokenOut
    secret: str
