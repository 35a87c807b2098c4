"""Throttling of failed sign-ins: guessing a password gets slower and slower.

Failures are counted in the database (so every worker and every server counts together)
under two keys: the account tried from a client address, and the address itself. After
:data:`PAIR_FAILURES` wrong passwords for one account from one address, that address may
not try the account for a pause that doubles with every further failure, up to
:data:`LONGEST_PAIR_LOCK`; after :data:`ADDRESS_FAILURES` failures from one address, for any
accounts, it may not sign in at all for a pause that doubles up to :data:`LONGEST_ADDRESS_LOCK`.
A lock ends by itself, an admin lifts it at once, and a stranger trying someone's account
from another address locks out only itself: no one can lock a known user out for good.
Failures older than :data:`WINDOW` are forgotten.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import conflict_insert
from netzwerker.domain.audit.services import record
from netzwerker.domain.users import permissions
from netzwerker.domain.users.models import SignInThrottle, User
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.users.services import authenticate

PAIR_FAILURES = 5
ADDRESS_FAILURES = 20
FIRST_LOCK = timedelta(seconds=30)
LONGEST_PAIR_LOCK = timedelta(minutes=15)
LONGEST_ADDRESS_LOCK = timedelta(hours=1)
WINDOW = timedelta(hours=24)


@attrs.frozen
class Keys:
    """The two counters a sign-in from ``address`` as ``username`` touches."""

    pair: str
    address: str

    @classmethod
    def of(cls, username: str, address: str) -> Keys:
        name = username.strip().lower()[:200]
        return cls(f"account:{name}@{address}", f"address:{address}")


def locked_until(
    session: Session, username: str, address: str, *, now: datetime
) -> datetime | None:
    """When a sign-in as ``username`` from ``address`` may be tried again; None: now."""
    keys = Keys.of(username, address)
    ends = session.exec(
        select(SignInThrottle.locked_until).where(
            col(SignInThrottle.key).in_([keys.pair, keys.address]),
            col(SignInThrottle.locked_until) > now,
        )
    ).all()
    return max((end for end in ends if end is not None), default=None)


def _pause(failures: int, allowed: int, longest: timedelta) -> timedelta | None:
    if failures < allowed:
        return None
    return min(FIRST_LOCK * 2 ** min(failures - allowed, 20), longest)


def record_failure(session: Session, username: str, address: str, *, now: datetime) -> None:
    """Count a wrong password for both keys, in one statement each (two workers counting
    at once both count), and lock a key that reached its limit."""
    keys = Keys.of(username, address)
    dialect = session.get_bind().dialect.name
    insert = conflict_insert(dialect)
    table = SignInThrottle.__table__  # type: ignore[attr-defined]
    for key, allowed, longest in (
        (keys.pair, PAIR_FAILURES, LONGEST_PAIR_LOCK),
        (keys.address, ADDRESS_FAILURES, LONGEST_ADDRESS_LOCK),
    ):
        stale = table.c.first_failure_at < now - WINDOW
        counting = insert(table).values(key=key, failures=1, first_failure_at=now)
        statement = counting.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "failures": sa.case((stale, 1), else_=table.c.failures + 1),
                "first_failure_at": sa.case((stale, now), else_=table.c.first_failure_at),
            },
        ).returning(table.c.failures)
        failures = session.execute(statement).scalar_one()
        pause = _pause(failures, allowed, longest)
        if pause is not None:
            session.execute(
                sa.update(table).where(table.c.key == key).values(locked_until=now + pause)
            )


def record_success(session: Session, username: str, address: str) -> None:
    """A right password: the account's failures from this address are forgotten."""
    session.execute(
        sa.delete(SignInThrottle).where(col(SignInThrottle.key) == Keys.of(username, address).pair)
    )


def lift(session: Session, username: str, *, actor: Actor) -> int:
    """An admin lifts every lock and count of ``username`` (``user.manage``); how many
    addresses it was locked for."""
    permissions.authorize(actor, permissions.USER_MANAGE)
    prefix = Keys.of(username, "").pair
    lifted = session.execute(
        sa.delete(SignInThrottle).where(col(SignInThrottle.key).startswith(prefix, autoescape=True))
    )
    count = lifted.rowcount or 0  # type: ignore[attr-defined]
    record(
        session,
        actor=actor.username,
        action="user.unlock",
        object_type="user",
        object_id=username,
        changes={"addresses": count},
    )
    return count


@attrs.frozen
class SignIn:
    """The outcome of a sign-in: the user, or None with the end of a lock, if there is one."""

    user: User | None
    locked_until: datetime | None = None


def sign_in(
    session: Session, username: str, password: str, address: str, *, now: datetime | None = None
) -> SignIn:
    """Check a password unless the account or the address is locked; count the outcome and
    write it to the audit log (who tried, from where, whether it worked)."""
    now = now or utcnow()
    until = locked_until(session, username, address, now=now)
    if until is None:
        user = authenticate(session, username, password)
        if user is not None:
            record_success(session, username, address)
            _audit(session, username, address, "success")
            return SignIn(user)
        record_failure(session, username, address, now=now)
        _audit(session, username, address, "wrong password or name")
        return SignIn(None, locked_until(session, username, address, now=now))
    _audit(session, username, address, "locked")
    return SignIn(None, until)


def _audit(session: Session, username: str, address: str, outcome: str) -> None:
    record(
        session,
        actor=username[:200],
        action="user.sign_in",
        object_type="user",
        object_id=username[:200],
        changes={"outcome": outcome, "address": address},
    )
