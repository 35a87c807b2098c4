"""Tables of the health plugin, prefixed ``health_``."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class HealthTraining(SQLModel, table=True):
    """A training for jobcenter staff on a health topic (e.g. alcohol in counselling talks)."""

    __tablename__ = "health_training"

    id: int = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    topic: str = Field(default="", max_length=200)
    held_on: date = Field(index=True)
    participants: int = 0
    online: bool = False
    trainer_partner_id: int | None = Field(default=None, foreign_key="partner.id")
