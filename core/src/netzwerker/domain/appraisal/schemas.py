"""What the API of appraisal takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from decimal import Decimal

import attrs

from netzwerker.domain.appraisal.services import (
    Appraisal,
)


@attrs.frozen
class AppraisalOut:
    id: int
    title: str
    partner: str
    scores: dict[str, int]
    score: float | None
    complete: bool
    rank: int | None
    state: str
    capacity: int | None
    money: Decimal
    staff_hours: Decimal
    money_per_place: Decimal | None

    @classmethod
    def of(cls, appraisal: Appraisal) -> AppraisalOut:
        return cls(**attrs.asdict(appraisal), money_per_place=appraisal.money_per_place)


@attrs.frozen
class RatedOut:
    subject: str
    subject_id: int
    criteria: list[str]


@attrs.frozen
class SpentOut:
    offer_id: int
    partner_id: int
    year: int
    money: Decimal
    staff_hours: Decimal
    source: str
