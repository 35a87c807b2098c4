"""Turning untrusted input (TOML, CSV rows, JSON bodies) into attrs values, or into problems.

One strict converter: an integer must be an integer (``"ten"`` and ``"10"`` are refused, as
is ``true``), unknown keys are errors, and every failure becomes a :class:`Problem` with the
path of the offending value, e.g. ``plugins.health.settings.max_wait_days: expected an
integer, got 'ten'``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError

T = TypeVar("T")

_TYPE_NAMES = {
    int: "an integer",
    float: "a number",
    str: "a text",
    bool: "true or false",
    date: "a date (YYYY-MM-DD)",
}


@attrs.frozen
class Problem:
    """One thing wrong with an input: where (``path``) and why (``message``)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def within(self, prefix: str) -> Problem:
        """The same problem, located below ``prefix`` (``plugins.health.settings``)."""
        if not prefix:
            return self
        if not self.path:
            return Problem(prefix, self.message)
        separator = "" if self.path.startswith("[") else "."
        return Problem(f"{prefix}{separator}{self.path}", self.message)


class InvalidInput(Exception):
    """Input that could not be accepted; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _expect(kind: type, check: Callable[[Any], bool]) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        if not check(value):
            raise ValueError(f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}")
        return value

    return structure


#: What a database integer holds (PostgreSQL's bigint); larger numbers are refused up front.
INT_LIMIT = 2**63 - 1


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {_describe(value)}")
    if not -INT_LIMIT <= value <= INT_LIMIT:
        raise ValueError(f"{value} is out of range (at most {INT_LIMIT})")
    return value


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a text, got {_describe(value)}")
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _structure_float(value: Any, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_describe(value)}")
    return float(value)


def _structure_date(value: Any, _: type) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date (YYYY-MM-DD), got {_describe(value)}")


def _structure_datetime(value: Any, _: type) -> datetime:
    """ISO 8601; without an offset it is the deployment's local time (see :func:`localized`)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"expected a date and time (YYYY-MM-DDTHH:MM), got {_describe(value)}")


def localized(moment: datetime, timezone: str) -> datetime:
    """An aware UTC datetime; a naive one is read as local time in ``timezone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.astimezone(UTC)


def local_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` (UTC; naive ones as stored) as the wall-clock time in ``timezone``, naive:
    what a form shows and :func:`localized` reads back."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise ValueError(f"expected a number, got {_describe(value)}")


def _structure_enum(value: Any, kind: type[Enum]) -> Enum:
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(str(member.value) for member in kind)
        raise ValueError(f"expected one of {known}, got {_describe(value)}") from None


def make_converter() -> cattrs.Converter:
    """A fresh strict converter; callers may register more hooks on their copy."""
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(bool, _expect(bool, lambda v: isinstance(v, bool)))
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(date, _structure_date)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(date, lambda d: d.isoformat())
    converter.register_unstructure_hook(datetime, lambda d: d.isoformat())
    converter.register_unstructure_hook(Decimal, str)
    # A StrEnum is a str too: its own hook comes first in its class hierarchy.
    converter.register_structure_hook(StrEnum, _structure_enum)
    converter.register_structure_hook(Enum, _structure_enum)
    return converter


_SUBSCRIPT = re.compile(r"\['([^']*)'\]")


def _format_path(path: str) -> str:
    """``$.plugins['health'].settings`` → ``plugins.health.settings``."""
    path = _SUBSCRIPT.sub(r".\1", path)
    path = path.removeprefix("$").removeprefix(".")
    return path


_UNKNOWN_KEYS = "unknown keys\x00"


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, KeyError):
        return "required, but missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        # The keys travel in the message; problems_from gives each its own path.
        return _UNKNOWN_KEYS + "\x00".join(sorted(exc.extra_fields))
    if isinstance(exc, ValueError | TypeError) and str(exc):
        return str(exc)
    name = getattr(type_, "__name__", str(type_))
    return f"invalid value for {name}"


def problems_from(exc: Exception, prefix: str = "") -> list[Problem]:
    """The problems a cattrs structuring error holds, each with its path.

    An unknown key is located at the key itself (``deploymnet: unknown key``).
    """
    problems: list[Problem] = []
    for line in cattrs.transform_error(exc, format_exception=_format_exception):
        message, _, path = line.rpartition(" @ ")
        if message.startswith(_UNKNOWN_KEYS):
            keys = message.removeprefix(_UNKNOWN_KEYS).split("\x00")
            problems.extend(
                Problem(_format_path(f"{path}['{key}']"), "unknown key").within(prefix)
                for key in keys
            )
        else:
            problems.append(Problem(_format_path(path), message).within(prefix))
    return problems


def structure(converter: cattrs.Converter, data: Any, cls: type[T], prefix: str = "") -> T:
    """``converter.structure`` that raises :class:`InvalidInput` with path-precise problems.

    attrs validators run inside ``__init__``, where a failure no longer knows its field; so
    the value is built with validators off, then each validator runs on its own attribute.
    """
    try:
        with attrs.validators.disabled():
            value = converter.structure(data, cls)
    except (cattrs.BaseValidationError, ForbiddenExtraKeysError) as exc:
        problems = problems_from(exc, prefix)
        if isinstance(data, dict) and attrs.has(cls):
            # The fields that did structure still get their validators run: every problem
            # is reported at once, not the type errors first and the rest on the next try.
            reported = {problem.path for problem in problems}
            _, more = _structure_fields(converter, data, cls, prefix)
            problems.extend(
                p for p in more if p.path not in reported and p.message != "unknown key"
            )
        raise InvalidInput(problems) from None
    except (ValueError, TypeError) as exc:
        raise InvalidInput([Problem(prefix, str(exc))]) from None
    problems = validation_problems(value, prefix)
    if problems:
        raise InvalidInput(problems)
    return value


def validated_json(data: Any, cls: type | None, prefix: str = "") -> dict[str, Any]:
    """``data`` checked against the attrs class ``cls`` and returned as JSON-ready values.

    For records that keep a plugin's structured data in a JSON column (project details,
    workflow data): what is stored always structures back into ``cls``. ``cls=None`` takes
    no data at all.
    """
    if cls is None:
        if data:
            raise InvalidInput([Problem(prefix, "takes no data here")])
        return {}
    if data is None:
        data = {}
    converter = make_converter()
    value: Any = structure(converter, data, cls, prefix=prefix)
    return converter.unstructure(value)


def validation_problems(value: Any, path: str = "") -> list[Problem]:
    """Run the attrs validators of ``value`` and of the attrs values it holds, by path."""
    problems: list[Problem] = []
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            child = getattr(value, field.name)
            child_path = f"{path}.{field.name}" if path else field.name
            if field.validator is not None:
                try:
                    field.validator(value, field, child)
                except (ValueError, TypeError) as exc:
                    problems.append(Problem(child_path, str(exc)))
                    continue
            problems.extend(validation_problems(child, child_path))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problems.extend(validation_problems(item, f"{path}[{index}]"))
    elif isinstance(value, dict):
        for key, item in value.items():
            problems.extend(validation_problems(item, f"{path}.{key}" if path else str(key)))
    return problems


def structure_changes(
    converter: cattrs.Converter, data: Any, cls: type, prefix: str = ""
) -> dict[str, Any]:
    """A partial update: each given key structured as ``cls``'s field of that name.

    Unknown keys and wrong types are problems with their path; the field validators run on
    the given values. Returns the typed changes, e.g. ``{"due_date": date(2026, 12, 1)}``.
    """
    if not isinstance(data, dict):
        raise InvalidInput([Problem(prefix, f"expected an object, got {_describe(data)}")])
    changes, problems = _structure_fields(converter, data, cls, prefix)
    if problems:
        raise InvalidInput(problems)
    return changes


def _structure_fields(
    converter: cattrs.Converter, data: dict[str, Any], cls: type, prefix: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Each given key structured as its field and validated on its own."""
    fields = attrs.fields_dict(attrs.resolve_types(cls))
    changes: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        field = fields.get(key)
        if field is None or field.type is None:
            problems.append(Problem(path, "unknown key"))
            continue
        try:
            changes[key] = converter.structure(value, field.type)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            found = problems_from(exc, path) if isinstance(exc, cattrs.BaseValidationError) else []
            problems.extend(found or [Problem(path, str(exc))])
            continue
        if field.validator is not None:
            try:
                field.validator(None, field, changes[key])
            except (ValueError, TypeError) as exc:
                problems.append(Problem(path, str(exc)))
    return changes, problems


def parse_date(text: str) -> date:
    """``22.11.2026`` as a German writes it, or ``2026-11-22`` as a date input sends it."""
    if "." in text:
        day, month, year = text.split(".")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)
