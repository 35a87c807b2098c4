"""The records others refer to: checks that a record names partners and working fields that
exist and are active (one wording for every refusal), and the choices a form offers of them.

Tasks, workflow runs, projects and most network records refer to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.fields.services import working_fields
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.errors import NotFound, Problem, require_version

T = TypeVar("T")


def partner_problems(session: Session, partner_id: int, path: str) -> list[Problem]:
    """The partner exists and is active (an inactive partner takes on nothing new)."""
    partner = session.get(Partner, partner_id)
    if partner is None:
        return [Problem(path, f"no partner {partner_id!r}")]
    if not partner.active:
        return [Problem(path, f"partner {partner.name!r} is inactive")]
    return []


def field_problems(session: Session, key: str, path: str = "working_field") -> list[Problem]:
    """The working field is known and active (its plugin or declaration is enabled)."""
    field = session.get(WorkingFieldRecord, key)
    if field is None or not field.active:
        return [Problem(path, f"unknown or inactive working field {key!r}")]
    return []


def person_problems(
    session: Session, person_id: int, path: str, partner_id: int | None = None
) -> list[Problem]:
    """The person exists and, if ``partner_id`` is given, works for that partner."""
    person = session.get(Person, person_id)
    if person is None:
        return [Problem(path, f"no person {person_id!r}")]
    if partner_id is not None and person.partner_id != partner_id:
        return [Problem(path, f"person {person.name!r} does not work for partner {partner_id!r}")]
    return []


def fetch(
    session: Session, model: type[T], ident: int, kind: str, expected_version: int | None = None
) -> T:
    """The record ``ident`` of ``model``; NotFound names it as ``kind``. With
    ``expected_version``, a record at another version is a Conflict."""
    found = session.get(model, ident)
    if found is None:
        raise NotFound(kind, ident)
    require_version(kind, ident, getattr(found, "version", None), expected_version)
    return found


def field_choices(session: Session) -> list[tuple[str, str]]:
    """Working fields as ``(key, name)``, by name."""
    return sorted(((f.key, f.name) for f in working_fields(session)), key=lambda f: f[1])


def partner_choices(session: Session) -> list[tuple[int, str]]:
    """Active partners as ``(id, name)``, by name."""
    query = (
        sa.select(col(Partner.id), col(Partner.name))
        .where(col(Partner.active))
        .order_by(col(Partner.name))
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def partner_key_choices(session: Session) -> list[tuple[str, str]]:
    """Active partners as ``(key, name)``, by name: for forms that name a partner by key."""
    query = (
        sa.select(col(Partner.key), col(Partner.name))
        .where(col(Partner.active))
        .order_by(col(Partner.name))
    )
    return [(row[0], row[1]) for row in session.execute(query)]


def people_choices(session: Session, partner_id: int | None = None) -> list[tuple[int, str, str]]:
    """Active people as ``(id, name, partner's name)``, by partner and name (of
    ``partner_id`` alone, if given): for forms that group them by partner."""
    query = (
        sa.select(col(Person.id), col(Person.name), col(Partner.name))
        .join(Partner, col(Partner.id) == col(Person.partner_id))
        .where(col(Person.active))
    )
    if partner_id is not None:
        query = query.where(col(Person.partner_id) == partner_id)
    rows = session.execute(query.order_by(col(Partner.name), col(Person.name)))
    return [(row[0], row[1], row[2]) for row in rows]


def names(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, str]:
    """``{id: name}`` of the records of ``model`` (a partner, a person…) with these ids."""
    wanted = {ident for ident in ids if ident is not None}
    if not wanted:
        return {}
    query = sa.select(model.id, model.name).where(model.id.in_(wanted))
    return {row[0]: row[1] for row in session.execute(query)}
