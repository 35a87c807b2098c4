"""The time series of indicator values: computed ones as stored, manual ones as entered."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow


class IndicatorValue(SQLModel, table=True):
    """The value of one indicator for one period and scope.

    ``scope`` is ``""`` for the whole network, else e.g. ``working_field=health`` or
    ``partner_id=3``. ``source`` says whether the core computed it or a coordinator entered it;
    computing again replaces a computed value, entering again replaces a manual one.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        sa.UniqueConstraint(
            "indicator",
            "scope",
            "period_start",
            "period_end",
            "source",
            name="uq_indicator_value_period",
        ),
        sa.Index("ix_indicator_value_series", "indicator", "scope", "period_start"),
    )

    id: int = Field(default=None, primary_key=True)
    indicator: str = Field(max_length=80)
    scope: str = Field(default="", max_length=120)
    period_start: date
    period_end: date
    value: float | None = None
    source: str = Field(max_length=10, description="'computed' or 'manual'")
    note: str = ""
    recorded_by: str = Field(default="", max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow)
