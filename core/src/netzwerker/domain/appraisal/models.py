"""Ratings of offers and proposed measures, and the resources spent on offers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.domain.projects.models import Money

Hours = sa.Numeric(10, 1, asdecimal=True)


class Rating(SQLModel, table=True):
    """One criterion's score for an offer (quality) or a proposed measure, a project
    (priority), on a day; a later rating of the same criterion supersedes it."""

    __table_args__ = (
        sa.UniqueConstraint(
            "subject", "subject_id", "criterion", "rated_on", name="uq_rating_subject_day"
        ),
        sa.Index("ix_rating_subject", "subject", "subject_id"),
    )

    id: int = Field(default=None, primary_key=True)
    subject: str = Field(max_length=20, description="'offer' or 'project'")
    subject_id: int
    criterion: str = Field(max_length=60)
    score: int
    rated_on: date
    note: str = ""
    rated_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow)


class OfferResource(SQLModel, table=True):
    """Money and staff hours a provider spends on an offer in a year (Mittel- und
    Ressourceneinsatz), by source (the funding body, the city's budget line)."""

    __tablename__ = "offer_resource"
    __table_args__ = (
        sa.UniqueConstraint(
            "offer_id", "partner_id", "year", "source", name="uq_offer_resource_source"
        ),
    )

    id: int = Field(default=None, primary_key=True)
    offer_id: int = Field(foreign_key="offer.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    year: int = Field(index=True)
    money: Decimal = Field(default=Decimal(0), sa_type=Money)
    staff_hours: Decimal = Field(default=Decimal(0), sa_type=Hours)
    source: str = Field(default="", max_length=200)
    note: str = ""
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow)
