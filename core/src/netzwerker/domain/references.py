"""Checks that a record names partners and working fields that exist and are active.

Tasks, workflow cases and projects all refer to them; one wording for every refusal.
"""

from __future__ import annotations

from sqlmodel import Session

from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.partners.models import Partner
from netzwerker.errors import Problem


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
