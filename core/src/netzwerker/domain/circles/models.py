"""Coordination circles (Koordinierungskreise, Arbeitskreise) and their members."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_circle_version = version_column()


class Circle(SQLModel, table=True):
    """A circle of partners; it can be the accountable party of a task."""

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200)
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    lead_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    description: str = ""
    founded_on: date | None = Field(default=None, index=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_circle_version)

    __mapper_args__ = {"version_id_col": _circle_version}


class CirclePartner(SQLModel, table=True):
    """A member partner of a circle."""

    __tablename__ = "circle_partner"

    circle_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("circle.id", ondelete="CASCADE"), primary_key=True
        )
    )
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)


class CirclePerson(SQLModel, table=True):
    """A person who takes part in a circle (for a member partner or the jobcenter)."""

    __tablename__ = "circle_person"

    circle_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("circle.id", ondelete="CASCADE"), primary_key=True
        )
    )
    person_id: int = Field(foreign_key="person.id", primary_key=True)
