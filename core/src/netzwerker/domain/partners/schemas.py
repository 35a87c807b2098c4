"""What the API answers about partners."""

from __future__ import annotations

from datetime import datetime

import attrs
from sqlmodel import Session

from netzwerker.domain.partners.models import Partner
from netzwerker.domain.partners.services import (
    contacts_of,
    partner_lists,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class ContactOut(Answer):
    id: int
    name: str
    role: str
    email: str
    phone: str
    active: bool


@attrs.frozen
class PartnerOut(Answer):
    id: int
    key: str
    name: str
    kind: str
    region: str
    social_area: str
    email: str
    phone: str
    website: str
    address: str
    description: str
    active: bool
    legal_domains: list[str]
    working_fields: list[str]
    contacts: list[ContactOut]
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class ImportOut:
    file: str
    created: int
    updated: int


def partner_answers(session: Session, partners: list[Partner]) -> list[PartnerOut]:
    """Partners with their legal domains, working fields and contacts: three queries."""
    ids = [partner.id for partner in partners]
    lists = partner_lists(session, ids)
    contacts = contacts_of(session, ids)
    return [
        PartnerOut.of(
            partner,
            **lists[partner.id],
            contacts=[ContactOut.of(person) for person in contacts[partner.id]],
        )
        for partner in partners
    ]


def partner_out(session: Session, partner: Partner) -> PartnerOut:
    return partner_answers(session, [partner])[0]
