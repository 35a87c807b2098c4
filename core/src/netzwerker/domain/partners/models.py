"""Partners (Netzwerkpartner) and their contact people."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

ROMAN_BOOKS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIV")

#: Rechtskreise: the books of the social code a partner works in (SGB XIII was never enacted).
#: The seeds name II, III, V, VIII, IX and XII; partners also work in pension (VI) or care (XI).
LegalDomain = StrEnum(  # type: ignore[misc]
    "LegalDomain", {f"SGB_{numeral}": f"SGB {numeral}" for numeral in ROMAN_BOOKS}
)


_partner_version = version_column()


class Partner(SQLModel, table=True):
    """An organisation in the network. Deactivated, never deleted while tasks reference it."""

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=60)
    region: str = Field(default="", max_length=200)
    social_area: str = Field(default="", max_length=200, index=True)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=60)
    website: str = Field(default="", max_length=300)
    address: str = Field(default="", max_length=300)
    description: str = ""
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_partner_version)

    __mapper_args__ = {"version_id_col": _partner_version}


class PartnerLegalDomain(SQLModel, table=True):
    __tablename__ = "partner_legal_domain"

    partner_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
        )
    )
    legal_domain: str = Field(primary_key=True, max_length=10)


class PartnerWorkingField(SQLModel, table=True):
    __tablename__ = "partner_working_field"

    partner_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("partner.id", ondelete="CASCADE"), primary_key=True
        )
    )
    working_field: str = Field(foreign_key="working_field.key", primary_key=True, max_length=60)


class Person(SQLModel, table=True):
    """A contact person of a partner; the jobcenter's coordinators are people of its own entry."""

    id: int = Field(default=None, primary_key=True)
    partner_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("partner.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    name: str = Field(max_length=200)
    role: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=60)
    active: bool = True
