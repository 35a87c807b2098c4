"""attrs validators the core and plugins share; the strict converter reports their message
at the field's path (``plugins.debt.settings.crisis_days: must be at least 1, got 0``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs


def positive(instance: Any, attribute: attrs.Attribute, value: int) -> None:
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")


def not_negative(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """Also for optional values: ``None`` passes."""
    if value is not None and value < 0:
        raise ValueError(f"must not be negative, got {value}")


def not_blank(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not value.strip():
        raise ValueError("must not be empty")


#: The key of a stored record (a partner, a project): what URLs and data files name it by.
RECORD_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: An e-mail address, as far as a form or a spreadsheet cell can tell.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def record_key(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not RECORD_KEY.match(value):
        raise ValueError(
            f"{value!r} is not a key: lowercase letters, digits, '-' and '_' (e.g. demenzhelfer)"
        )


# Converters: typed, so that a type checker knows what an attrs class's ``__init__`` takes.


def strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def string_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def ints(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(values)
