"""What the API of indicators takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from netzwerker.contributions import Indicator
from netzwerker.deployment import Contributed
from netzwerker.domain.indicators.services import (
    GoalReading,
    Reading,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class IndicatorOut:
    key: str
    label: str
    unit: str
    working_field: str | None
    manual: bool
    target: float | None
    aggregate: str
    higher_is_better: bool
    description: str
    source: str

    @classmethod
    def of(cls, contributed: Contributed[Indicator]) -> IndicatorOut:
        indicator = contributed.value
        return cls(
            indicator.key,
            indicator.label,
            indicator.unit,
            indicator.working_field,
            indicator.manual,
            indicator.target,
            indicator.aggregate,
            indicator.higher_is_better,
            indicator.description,
            contributed.source,
        )


@attrs.frozen
class IndicatorReportOut:
    period_start: date
    period_end: date
    scope: str
    readings: list[Reading]
    goals: list[GoalReading]


@attrs.frozen
class ComputeRequest:
    """Compute and store the indicators for a period, one value per month, quarter or year."""

    start: date
    end: date
    every: str | None = None
    working_field: str | None = None
    partner_id: int | None = None
    indicators: list[str] = attrs.Factory(list)


@attrs.frozen
class ComputedOut:
    stored: int
    readings: list[Reading]


@attrs.frozen
class ValueIn:
    """A manual indicator's value for a period, e.g. funds acquired in a quarter."""

    start: date
    end: date
    value: float
    working_field: str | None = None
    partner_id: int | None = None
    note: str = ""


@attrs.frozen
class ValueOut(Answer):
    id: int
    indicator: str
    scope: str
    period_start: date
    period_end: date
    value: float | None
    source: str
    note: str
    recorded_by: str
    recorded_at: datetime
