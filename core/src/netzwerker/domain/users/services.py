"""Users, passwords and API tokens.

Passwords are hashed with Argon2id (memory-hard, salted). API tokens are 256-bit random
secrets: for a secret of that strength a slow hash adds nothing, so only its SHA-256 digest is
stored and a request costs one indexed lookup instead of an Argon2 computation.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.deployment import Deployment, deployment_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.users import permissions
from netzwerker.domain.users.models import ApiToken, Role, User
from netzwerker.domain.users.permissions import Actor, Permission
from netzwerker.errors import InvalidInput, NotFound, Problem, require_version

TOKEN_PREFIX = "nzw_"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


@attrs.frozen
class UserDraft:
    """What it takes to add a user. A partner member names its partner by key."""

    username: str
    role: Role
    display_name: str = ""
    email: str = ""
    partner: str | None = None
    person_id: int | None = None
    password: str | None = attrs.field(default=None, repr=False)
    #: The password is a one-time one: the user sets its own at the first sign-in.
    password_must_change: bool = False


@attrs.frozen
class NewToken:
    """A token just created: ``secret`` is shown this once and never stored."""

    token: ApiToken
    secret: str = attrs.field(repr=False)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_problems(password: str | None) -> list[Problem]:
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        return [Problem("password", f"must have at least {MIN_PASSWORD_LENGTH} characters")]
    return []


def add_user(session: Session, draft: UserDraft, *, actor: Actor) -> User:
    """Add a user (``user.manage``)."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    problems = _password_problems(draft.password)
    if not USERNAME.match(draft.username):
        problems.append(
            Problem(
                "username",
                "2 to 80 characters: lowercase letters, digits, '.', '_', '@' and '-'",
            )
        )
    elif session.exec(select(User).where(User.username == draft.username)).first():
        problems.append(Problem("username", f"{draft.username!r} is taken"))
    partner_id = None
    if draft.role is Role.PARTNER_MEMBER:
        partner = (
            session.exec(select(Partner).where(Partner.key == draft.partner)).first()
            if draft.partner
            else None
        )
        if partner is None:
            problems.append(
                Problem("partner", "a partner member needs the key of an existing partner")
            )
        else:
            partner_id = partner.id
    elif draft.partner:
        problems.append(Problem("partner", "only partner members belong to a partner"))
    if draft.person_id is not None:
        person = session.get(Person, draft.person_id)
        if person is None or (partner_id is not None and person.partner_id != partner_id):
            problems.append(Problem("person_id", f"no person {draft.person_id!r} to link"))
    if problems:
        raise InvalidInput(problems)
    now = utcnow()
    user = User(
        username=draft.username,
        display_name=draft.display_name,
        email=draft.email,
        role=draft.role.value,
        partner_id=partner_id,
        person_id=draft.person_id,
        password_hash=hash_password(draft.password) if draft.password else None,
        password_must_change=draft.password_must_change,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="user.create",
        object_type="user",
        object_id=user.id,
        changes={"username": user.username, "role": user.role, "partner_id": partner_id},
    )
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def find_user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound("user", username)
    return user


def list_users(session: Session, *, actor: Actor) -> list[User]:
    """Every user (``user.manage``)."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    return list(session.exec(select(User).order_by(User.username)))


def update_user(
    session: Session,
    user: User,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> User:
    """Change role, name, e-mail, active state or password (``user.manage``); disabling
    revokes nothing but makes every token of the user stop working."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    require_version("user", user.username, user.version, expected_version)
    problems = _password_problems(changes.get("password"))
    role = Role(changes.get("role", user.role))
    if role is Role.PARTNER_MEMBER and user.partner_id is None:
        problems.append(Problem("role", "a user without a partner cannot become a partner member"))
    if role is not Role.PARTNER_MEMBER and user.partner_id is not None:
        problems.append(Problem("role", "a partner member keeps its role; add a new user instead"))
    if problems:
        raise InvalidInput(problems)
    logged: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "password":
            user.password_hash = hash_password(value)
            logged["password"] = "changed"
            continue
        old = getattr(user, key)
        value = value.value if isinstance(value, Role) else value
        if old != value:
            setattr(user, key, value)
            logged[key] = [old, value]
    if logged:
        user.updated_at = utcnow()
        record(
            session,
            actor=actor.username,
            action="user.update",
            object_type="user",
            object_id=user.id,
            changes=logged,
        )
        session.flush()
    return user


#: Letters and digits that cannot be mistaken for one another when read out or typed.
_READABLE = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password() -> str:
    """A password to hand out once: 14 readable characters in groups (``abcd-efgh-jkmn-pq``
    has about 80 bits)."""
    text = "".join(secrets.choice(_READABLE) for _ in range(14))
    return "-".join(text[start : start + 4] for start in range(0, 14, 4))


def reset_password(session: Session, user_id: int, *, actor: Actor) -> str:
    """Give a user a one-time password (``user.manage``), returned this once: the user sets
    an own one at the next sign-in. Its browser sessions end; its tokens keep working."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    user = get_user(session, user_id)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.password_must_change = True
    user.updated_at = user.sessions_since = utcnow()
    record(
        session,
        actor=actor.username,
        action="user.password_reset",
        object_type="user",
        object_id=user.id,
    )
    session.flush()
    return password


def end_sessions(session: Session, user_id: int, *, actor: Actor) -> User:
    """End every browser session of a user (``user.manage``): a lost laptop, a left job."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    user = get_user(session, user_id)
    user.sessions_since = utcnow()
    record(
        session,
        actor=actor.username,
        action="user.end_sessions",
        object_type="user",
        object_id=user.id,
    )
    session.flush()
    return user


def change_own_password(
    session: Session, current: str, new: str, repeated: str, *, actor: Actor
) -> User:
    """A user sets its own password (``password.change``): it names the current one, and the
    new one twice. Its other browser sessions end."""
    permissions.authorize(actor, permissions.PASSWORD_CHANGE, user_id=actor.user_id)
    user = get_user(session, actor.user_id)  # type: ignore[arg-type]
    problems = _password_problems(new)
    if not new:
        problems.append(Problem("password", "must not be empty"))
    if new != repeated:
        problems.append(Problem("repeated", "does not match the new password"))
    if authenticate(session, user.username, current) is None:
        problems.append(Problem("current", "is not your current password"))
    elif new and new == current:
        problems.append(Problem("password", "must differ from the current one"))
    if problems:
        raise InvalidInput(problems)
    user.password_hash = hash_password(new)
    user.password_must_change = False
    # Every other browser session of the user ends; the one it changed it in starts anew.
    user.updated_at = user.sessions_since = utcnow()
    record(
        session,
        actor=actor.username,
        action="user.password",
        object_type="user",
        object_id=user.id,
    )
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (never says which was wrong)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password)  # same cost as a real check: no timing hint about the name
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    session: Session,
    user: User,
    name: str,
    *,
    actor: Actor,
    valid_days: int | None = None,
) -> NewToken:
    """A new token of ``user`` (``token.manage``: users make their own, admins anyone's),
    valid for ``valid_days``, by default the deployment's ``[api] token_days``."""
    permissions.authorize(actor, permissions.TOKEN_MANAGE, user_id=user.id)
    if not name.strip():
        raise InvalidInput([Problem("name", "must not be empty")])
    if valid_days is not None and valid_days < 1:
        raise InvalidInput([Problem("valid_days", "must be at least 1")])
    if valid_days is None:
        deployment = deployment_of(session)
        valid_days = deployment.config.api.token_days if deployment else DEFAULT_TOKEN_DAYS
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        digest=_digest(secret),
        hint=secret[: len(TOKEN_PREFIX) + 4],
        created_at=now,
        expires_at=now + timedelta(days=valid_days) if valid_days else None,
    )
    session.add(token)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="token.create",
        object_type="token",
        object_id=token.id,
        changes={"user": user.username, "name": token.name},
    )
    return NewToken(token, secret)


def token_owner(session: Session, user_id: int | None, *, actor: Actor) -> User:
    """The user a new token is for, by default the actor; asked before the user is looked up
    (``token.manage``), so that a partner member cannot learn which user ids exist."""
    owner_id = user_id or actor.user_id
    permissions.authorize(actor, permissions.TOKEN_MANAGE, user_id=owner_id)
    if owner_id is None:
        raise InvalidInput([Problem("user_id", "is required when an operator creates a token")])
    return get_user(session, owner_id)


def get_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token", token_id)
    return token


def list_tokens(session: Session, *, actor: Actor, user_id: int | None = None) -> list[ApiToken]:
    """The tokens of ``user_id``, by default the actor's own (``token.manage``); an
    operator without a user of its own lists everyone's."""
    user_id = user_id if user_id is not None else actor.user_id
    permissions.authorize(actor, permissions.TOKEN_MANAGE, user_id=user_id)
    query = select(ApiToken).order_by(col(ApiToken.id))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(session.exec(query))


def revoke_token(session: Session, token: ApiToken, *, actor: Actor) -> ApiToken:
    """Revoke a token (``token.manage``); revoking it again changes nothing."""
    permissions.authorize(actor, permissions.TOKEN_MANAGE, user_id=token.user_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(
            session,
            actor=actor.username,
            action="token.revoke",
            object_type="token",
            object_id=token.id,
        )
        session.flush()
    return token


@attrs.frozen
class UserLine:
    """A user as the administration lists it: with its partner's name and how many of its
    tokens still work."""

    user: User
    partner: str | None
    live_tokens: int


def user_lines(session: Session, *, actor: Actor) -> list[UserLine]:
    """Every user with its partner and live tokens (``user.manage``): two queries."""
    users = list_users(session, actor=actor)
    partners = dict(
        session.execute(
            sa.select(col(Partner.id), col(Partner.name)).where(
                col(Partner.id).in_({user.partner_id for user in users if user.partner_id})
            )
        ).all()
    )
    live = dict(
        session.execute(
            sa.select(col(ApiToken.user_id), sa.func.count())
            .where(col(ApiToken.revoked_at).is_(None))
            .group_by(col(ApiToken.user_id))
        ).all()
    )
    return [UserLine(user, partners.get(user.partner_id), live.get(user.id, 0)) for user in users]


def user_record(session: Session, user_id: int, *, actor: Actor) -> tuple[UserLine, list[ApiToken]]:
    """One user with its partner and every token it has had (``user.manage``)."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    user = get_user(session, user_id)
    partner = session.get(Partner, user.partner_id) if user.partner_id else None
    tokens = list_tokens(session, actor=actor, user_id=user.id)
    live = sum(1 for token in tokens if token.revoked_at is None)
    return UserLine(user, partner.name if partner else None, live), tokens


def matrix_of(deployment: Deployment) -> list[Permission]:
    """The permission matrix of a deployment: the core's and its plugins' permissions, as
    the deployment grants those its configuration decides
    (:func:`~netzwerker.domain.users.permissions.as_granted`)."""
    return [
        permissions.as_granted(contributed.value, deployment.config)
        for contributed in deployment.registry.permissions.values()
    ]


def actor_for_token(
    connection: sa.Connection, secret: str, now: datetime | None = None
) -> Actor | None:
    """Who a valid, unrevoked, unexpired token of an active user lets in: one query on a
    plain connection, without a session's bookkeeping, because every API request asks it."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = now or utcnow()
    row: Any = connection.execute(
        sa.select(
            col(User.username),
            col(User.role),
            col(User.id),
            col(User.partner_id),
            col(ApiToken.id).label("token_id"),
            col(ApiToken.last_used_at),
        ).where(
            col(ApiToken.user_id) == col(User.id),
            col(ApiToken.digest) == _digest(secret),
            col(ApiToken.revoked_at).is_(None),
            sa.or_(col(ApiToken.expires_at).is_(None), col(ApiToken.expires_at) > now),
            col(User.active),
        )
    ).first()
    if row is None:
        return None
    if row.last_used_at is None or now - _aware(row.last_used_at) >= USE_RESOLUTION:
        connection.execute(
            sa.update(ApiToken).where(col(ApiToken.id) == row.token_id).values(last_used_at=now)
        )
        connection.commit()
    return Actor.of(row)


#: How exactly a token's last use is kept.
USE_RESOLUTION = timedelta(hours=1)
#: A token's days without a deployment to ask (``[api] token_days``'s default).
DEFAULT_TOKEN_DAYS = 365


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
