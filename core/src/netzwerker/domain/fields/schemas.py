"""What the API of fields takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date

import attrs

from netzwerker.http.answers import Answer


@attrs.frozen
class WorkingFieldOut(Answer):
    key: str
    name: str
    description: str
    source: str
    active: bool


@attrs.frozen
class GoalOut(Answer):
    id: int
    key: str
    working_field: str
    title: str
    description: str
    indicator: str
    target: float | None
    period_start: date
    period_end: date
    status: str
    source: str
    version: int
