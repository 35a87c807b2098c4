"""What the API of circles takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime

import attrs
from sqlmodel import Session

from netzwerker.domain.circles.models import Circle
from netzwerker.domain.circles.services import (
    members_of,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class CircleOut(Answer):
    id: int
    key: str
    name: str
    working_field: str | None
    lead_partner_id: int | None
    description: str
    founded_on: date | None
    active: bool
    partners: list[int]
    people: list[int]
    created_at: datetime
    updated_at: datetime
    version: int


def circle_answers(session: Session, circles: list[Circle]) -> list[CircleOut]:
    members = members_of(session, [circle.id for circle in circles])
    return [
        CircleOut.of(
            circle,
            partners=members[circle.id].partners,
            people=members[circle.id].people,
        )
        for circle in circles
    ]
