"""The service catalogue (Leistungskatalog): partners' offers, and the needs they should meet."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_offer_version = version_column()
_need_version = version_column()


class Offer(SQLModel, table=True):
    """A partner's service. Its target groups, problem areas and social areas are
    :class:`OfferTerm` rows; an offer without social areas serves the whole region."""

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    title: str = Field(max_length=300)
    description: str = ""
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    legal_domain: str | None = Field(default=None, max_length=10)
    capacity: int | None = Field(default=None, description="people served per year")
    access_conditions: str = ""
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_offer_version)

    __mapper_args__ = {"version_id_col": _offer_version}


class Dimension(StrEnum):
    """What an :class:`OfferTerm` names: whom an offer serves, for what, where."""

    TARGET_GROUP = "target_group"
    PROBLEM_AREA = "problem_area"
    SOCIAL_AREA = "social_area"


class OfferTerm(SQLModel, table=True):
    """One value of one of an offer's dimensions: a target group, a problem area or a social
    area. ``term`` is the value normalised (:func:`netzwerker.domain.catalogue.services.term`),
    which coverage and overlap compare."""

    __tablename__ = "offer_term"
    __table_args__ = (sa.Index("ix_offer_term_match", "dimension", "term"),)

    offer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
        )
    )
    dimension: str = Field(primary_key=True, max_length=20)
    term: str = Field(primary_key=True, max_length=120)
    value: str = Field(max_length=120)


class Need(SQLModel, table=True):
    """A need the jobcenter (or another source) reports; an empty social area means the
    whole region."""

    id: int = Field(default=None, primary_key=True)
    title: str = Field(default="", max_length=300)
    target_group: str = Field(max_length=120)
    problem_area: str = Field(max_length=120)
    social_area: str = Field(default="", max_length=120)
    #: The three values normalised as :class:`OfferTerm` terms are, for matching in SQL.
    target_group_term: str = Field(max_length=120, index=True)
    problem_area_term: str = Field(max_length=120)
    social_area_term: str = Field(default="", max_length=120)
    people: int
    period_start: date
    period_end: date
    source: str = Field(default="", max_length=200)
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    note: str = ""
    recorded_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_need_version)

    __mapper_args__ = {"version_id_col": _need_version}


class OfferOverlap(SQLModel, table=True):
    """A possible duplicate structure: two active offers of different partners that share a
    target group, a problem area and a social area, with what they share and how much.

    Derived from the offers and kept current by
    :mod:`netzwerker.domain.catalogue.duplicates` whenever an offer is written, so that a
    page of them, the largest overlap first, is read from an index.
    """

    __tablename__ = "offer_overlap"
    __table_args__ = (
        sa.Index("ix_offer_overlap_degree", "degree", "first_offer_id", "second_offer_id"),
        sa.Index("ix_offer_overlap_second", "second_offer_id"),
    )

    first_offer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
        )
    )
    second_offer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
        )
    )
    #: The share of the smaller offer's combinations the other serves too (0 to 1).
    degree: float
    target_groups: list[str] = Field(sa_type=sa.JSON)
    problem_areas: list[str] = Field(sa_type=sa.JSON)
    #: Empty: both serve the whole region.
    social_areas: list[str] = Field(sa_type=sa.JSON)
    explanation: str
