"""What the API answers about partners."""

from __future__ import annotations

from datetime import datetime

import attrs

from netzwerker.domain.partners.models import Partner, Person


@attrs.frozen
class ContactOut:
    id: int
    name: str
    role: str
    email: str
    phone: str
    active: bool

    @classmethod
    def of(cls, person: Person) -> ContactOut:
        return cls(person.id, person.name, person.role, person.email, person.phone, person.active)  # type: ignore[arg-type]


@attrs.frozen
class PartnerOut:
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

    @classmethod
    def of(
        cls, partner: Partner, lists: dict[str, list[str]], contacts: list[Person]
    ) -> PartnerOut:
        return cls(
            id=partner.id,  # type: ignore[arg-type]
            key=partner.key,
            name=partner.name,
            kind=partner.kind,
            region=partner.region,
            social_area=partner.social_area,
            email=partner.email,
            phone=partner.phone,
            website=partner.website,
            address=partner.address,
            description=partner.description,
            active=partner.active,
            legal_domains=lists["legal_domains"],
            working_fields=lists["working_fields"],
            contacts=[ContactOut.of(person) for person in contacts],
            created_at=partner.created_at,
            updated_at=partner.updated_at,
            version=partner.version,  # type: ignore[arg-type]
        )


@attrs.frozen
class ImportOut:
    file: str
    created: int
    updated: int
