"""Users of a deployment, their roles, and the API tokens machines use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column


class Role(StrEnum):
    """What a user may do; the rules are in :mod:`netzwerker.domain.users.permissions`."""

    ADMIN = "admin"  # runs the deployment: users and tokens, and everything a coordinator does
    COORDINATOR = "coordinator"  # the jobcenter's network staff: manage the whole network
    PARTNER_MEMBER = "partner_member"  # works for one partner: its own tasks and entry
    VIEWER = "viewer"  # reads everything, changes nothing


_user_version = version_column()


class User(SQLModel, table=True):
    """A person or machine that signs in. A partner member belongs to exactly one partner."""

    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'partner_member') = (partner_id IS NOT NULL)",
            name="user_account_partner_member_has_partner",
        ),
    )

    id: int = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=80)
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    role: str = Field(max_length=20)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    password_hash: str | None = Field(default=None, max_length=200)
    #: A one-time password an admin handed out: the user sets an own one before anything else.
    password_must_change: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    active: bool = True
    #: Browser sessions begun before this no longer count: a changed password, or an admin
    #: who ended them.
    sessions_since: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_user_version)

    __mapper_args__ = {"version_id_col": _user_version}


class ApiToken(SQLModel, table=True):
    """A bearer token: only its SHA-256 digest is stored, the secret is shown once."""

    __tablename__ = "api_token"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("user_account.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    name: str = Field(max_length=200)
    digest: str = Field(unique=True, max_length=64)
    hint: str = Field(max_length=12, description="the first characters, to recognise a token")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    #: When the token was last used, to the hour (a request a second would otherwise write
    #: a row a second).
    last_used_at: datetime | None = None


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per account and client address (``account:<name>@<address>``)
    and per address (``address:<address>``), in the database so that every worker and
    server counts them together; ``locked_until``: no sign-in for that key before then."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    first_failure_at: datetime = Field(default_factory=utcnow)
    locked_until: datetime | None = None


class WebSession(SQLModel, table=True):
    """A signed-in browser's session, behind the random id of its cookie: in the database,
    so that every worker and every server of the deployment knows it."""

    __tablename__ = "web_session"

    key: str = Field(primary_key=True, max_length=200)
    data: bytes = Field(sa_type=sa.LargeBinary)
    expires_at: datetime | None = Field(default=None, index=True)
