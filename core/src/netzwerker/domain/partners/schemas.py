"""What the API answers about partners."""

from __future__ import annotations

from datetime import datetime

import attrs

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
