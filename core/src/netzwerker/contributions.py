"""The values a plugin contributes through its hooks.

Small frozen attrs classes; the hook specifications in :mod:`netzwerker.hookspecs` say which
hook returns which. Keys are lowercase identifiers (``health``, ``debt_counselling``) and are
unique across all enabled plugins.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from netzwerker.domain.users.permissions import Permission

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def _key(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not KEY_PATTERN.match(value):
        raise ValueError(
            f"{attribute.name} {value!r} must be lowercase letters, digits and '_', "
            "starting with a letter"
        )


class Choice(StrEnum):
    """The values a field of a plugin's data or settings class may take, each with what a
    person reads: ``EVICTION = "eviction", "Räumung droht"``. Forms offer the labels,
    pages show them; the stored value stays the key. A member without a label reads as
    its value."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Choice:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member


@attrs.frozen
class WorkingField:
    """An Arbeitsfeld: ``WorkingField("health", "Gesundheit", "Arbeitslosigkeit und …")``."""

    key: str = attrs.field(validator=_key)
    name: str
    description: str = ""


@attrs.frozen
class PartnerKind:
    """A kind of partner organisation: ``PartnerKind("health_office", "Gesundheitsamt")``."""

    key: str = attrs.field(validator=_key)
    name: str
    description: str = ""


@attrs.frozen
class Period:
    """A closed date interval, both ends included. Its days are days in ``timezone`` (the
    deployment's, where indicators are computed), so a timestamp counts on its local day."""

    start: date
    end: date
    timezone: str = attrs.field(default="UTC", kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")


#: How an indicator is computed: ``compute(session, period, scope) -> value | None``.
Compute = Callable[[Any, "Period", dict[str, Any]], float | None]
#: An indicator as one SQL aggregate: ``query(period, scope) -> select`` of one value.
Query = Callable[["Period", dict[str, Any]], Any]


@attrs.frozen
class Indicator:
    """A measurable quantity of a working field.

    ``compute(session, period, scope)`` returns the value for a :class:`Period` (``None`` when
    it cannot be computed); it should run one SQL aggregate, not load rows into Python.
    ``scope`` holds ``today`` and may narrow it (``working_field``, ``partner_id``).
    A manual indicator (``compute=None``) is entered by a coordinator, per period; over a
    longer period its entries are summed (``aggregate="sum"``, e.g. funds acquired) or the
    latest counts (``aggregate="last"``, e.g. a satisfaction score). ``aggregate`` also tells
    what a value is: a count or sum that grows over a goal's period (``"sum"``, judged pro rata
    while the period runs) or a rate or level (``"last"``, judged as it stands).
    ``higher_is_better`` says which side of a goal's target is reached.

    Instead of ``compute``, an indicator that is one SQL aggregate may give ``query(period,
    scope)``: the select of its value, unexecuted. A report then asks the queries of many
    indicators and periods together, as the columns of one statement, where ``compute``
    would cost a statement each (a year's chart in months costs twelve).
    """

    key: str = attrs.field(validator=_key)
    label: str
    unit: str
    working_field: str | None = None
    compute: Compute | None = None
    target: float | None = None
    description: str = ""
    aggregate: str = attrs.field(default="sum", validator=attrs.validators.in_(("sum", "last")))
    higher_is_better: bool = True
    query: Query | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.compute is not None and self.query is not None:
            raise ValueError(f"indicator {self.key!r}: give compute or query, not both")

    @property
    def manual(self) -> bool:
        return self.compute is None and self.query is None

    def measure(self, session: Any, period: Period, scope: dict[str, Any]) -> float | None:
        """The value for a period, by ``compute`` or by running ``query`` alone."""
        if self.query is not None:
            return as_value(session.scalar(self.query(period, scope)))
        if self.compute is not None:
            return as_value(self.compute(session, period, scope))
        raise ValueError(f"indicator {self.key!r} is entered by hand, not computed")


def as_value(result: Any) -> float | None:
    """An indicator's value from what its computation or query gave (a count, a Decimal…)."""
    return None if result is None else float(result)


@attrs.frozen
class ProjectType:
    """A kind of project a working field develops, with the attrs class of its details.

    ``details`` is an attrs class; a project's details are structured into it with cattrs,
    so a wrong value is reported with its path. A field's ``metadata={"label": "…"}`` is what
    the web interface's form calls it; int, float, date and list[str] fields get inputs of
    their kind (a list as text separated by commas).
    """

    key: str = attrs.field(validator=_key)
    name: str
    details: type | None = None
    working_field: str | None = None
    description: str = ""

    def detail_fields(self) -> list[DetailField]:
        """The fields of ``details``, in their order."""
        if self.details is None:
            return []
        return [
            DetailField(
                name=field.name,
                type=field.type,
                required=field.default is attrs.NOTHING,
                label=field.metadata.get("label") or field.name.replace("_", " ").capitalize(),
            )
            for field in attrs.fields(attrs.resolve_types(self.details))
        ]


@attrs.frozen
class DetailField:
    """One field of a project type's details: its type, whether it must be given, and what
    a form calls it (``metadata={"label": …}``, else the name)."""

    name: str
    type: Any
    required: bool
    label: str


#: Every role; a navigation entry shows to these unless it names fewer.


@attrs.frozen
class NavigationEntry:
    """An entry in the web interface's navigation, leading to one of the plugin's pages.

    ``label`` is translated through the catalogues (core and plugins); text that no catalogue
    knows is shown as written, so a plugin may simply give it in German. Entries are sorted by
    ``order``, then label. An entry is shown to those whom its ``permission`` (a
    :class:`netzwerker.domain.users.permissions.Permission`, the one the page itself asks)
    allows; without one, to everyone signed in.
    """

    key: str = attrs.field(validator=_key)
    label: str
    path: str
    order: int = 100
    permission: Permission | None = None


#: How a data section loads one entry: ``load(loader, entry)``; the loader
#: (:class:`netzwerker.datafiles.Loader`) resolves keys and names and structures drafts.
LoadEntry = Callable[[Any, dict[str, Any]], object]
#: How a data section loads all its entries at once: ``load_all(loader, entries)``.
LoadEntries = Callable[[Any, list[dict[str, Any]]], object]


@attrs.frozen
class DataSection:
    """A section of a deployment's network data file (``[[households]]``), and how one of its
    entries becomes records. ``load`` raises InvalidInput or Refused for an entry it cannot
    take; the import then writes nothing.

    A section whose files hold thousands of entries (tasks) may give ``load_all`` instead,
    which checks every entry (calling ``loader.advance()`` for each, for the progress bar),
    then writes them together; it raises InvalidInput with each problem under its entry's
    index (``[3].responsible``)."""

    key: str = attrs.field(validator=_key)
    load: LoadEntry | None = None
    description: str = ""
    load_all: LoadEntries | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.load is None) == (self.load_all is None):
            raise ValueError(f"data section {self.key!r}: give either load or load_all")
