"""What the API of catalogue takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime

import attrs
from sqlmodel import Session

from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.catalogue.services import (
    terms_of,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class OfferOut(Answer):
    id: int
    key: str
    partner_id: int
    title: str
    description: str
    working_field: str | None
    legal_domain: str | None
    target_groups: list[str]
    problem_areas: list[str]
    social_areas: list[str]
    capacity: int | None
    access_conditions: str
    active: bool
    updated_at: datetime
    version: int


@attrs.frozen
class NeedOut(Answer):
    id: int
    title: str
    target_group: str
    problem_area: str
    social_area: str
    people: int
    period_start: date
    period_end: date
    source: str
    working_field: str | None
    note: str
    recorded_by: str
    version: int


@attrs.frozen
class CoverageOut:
    need: NeedOut
    status: str
    offer_ids: list[int]
    capacity: int
    unknown_capacity: int


def offer_answers(session: Session, offers: list[Offer]) -> list[OfferOut]:
    terms = terms_of(session, [offer.id for offer in offers])
    return [OfferOut.of(offer, **terms[offer.id]) for offer in offers]
