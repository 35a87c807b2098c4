"""Coordination circles (Koordinierungskreise, Arbeitskreise)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Circle(SQLModel, table=True):
    """A circle of partners; it can be the accountable party of a task."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200)
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    lead_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    description: str = ""
