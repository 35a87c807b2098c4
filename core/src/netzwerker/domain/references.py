"""Checks that a record names partners and working fields that exist and are active.

Tasks, workflow cases and projects all refer to them; one wording for every refusal.
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from netzwerker.domain.fields.models import WorkingFieldRecord
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
