"""Errors the services raise; each interface translates them (exit code, HTTP status)."""

from __future__ import annotations

from netzwerker.structuring import InvalidInput, Problem
from netzwerker.workflow import TransitionRefused

__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Problem",
    "Refused",
    "TransitionRefused",
]


class NotFound(Exception):
    """A record that does not exist: ``NotFound("task", 12)``."""

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} {ident!r} does not exist")
        self.kind = kind
        self.ident = ident


class Conflict(Exception):
    """A write based on a stale version: someone else changed the record first."""


class Refused(Exception):
    """A request the rules forbid, e.g. deleting a partner that tasks still reference."""


class Forbidden(Exception):
    """A request the user's role or partner does not allow (HTTP 403)."""


def require_version(kind: str, ident: object, current: int | None, expected: int | None) -> None:
    """Refuse a write based on a version other than the stored one (None: no check)."""
    if expected is not None and current != expected:
        raise Conflict(
            f"{kind} {ident!r} is at version {current}, not {expected}: it was changed meanwhile"
        )
