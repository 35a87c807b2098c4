"""Service chains (Produktionsnetzwerke, Unterstützungsketten) and their instances per case."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_chain_version = version_column()
_instance_version = version_column()


class ServiceChain(SQLModel, table=True):
    """A binding, ordered chain of services across providers for one target group."""

    __tablename__ = "service_chain"

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    name: str = Field(max_length=200)
    target_group: str = Field(max_length=120)
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    description: str = ""
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_chain_version)

    __mapper_args__ = {"version_id_col": _chain_version}


class ChainStep(SQLModel, table=True):
    """Step ``position`` (from 1) of a chain: a partner's offer in a legal domain, when a
    person is handed over to it, and how long they may wait for it at most."""

    __tablename__ = "chain_step"
    __table_args__ = (sa.UniqueConstraint("chain_id", "position", name="uq_chain_step_position"),)

    id: int = Field(default=None, primary_key=True)
    chain_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("service_chain.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    position: int
    title: str = Field(max_length=300)
    partner_id: int = Field(foreign_key="partner.id")
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    legal_domain: str = Field(max_length=10)
    handover_criteria: str = ""
    max_wait_days: int | None = None


class ChainAgreement(SQLModel, table=True):
    """A partner's agreement to a chain: who agreed for it, and when."""

    __tablename__ = "chain_agreement"

    chain_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("service_chain.id", ondelete="CASCADE"), primary_key=True
        )
    )
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    agreed_on: date
    agreed_by: str = Field(max_length=200, description="who signed for the partner")
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow)


class ChainInstance(SQLModel, table=True):
    """A case following a chain; ``step`` is the position it has reached. Each step is
    entered by a referral to the step's partner."""

    __tablename__ = "chain_instance"

    id: int = Field(default=None, primary_key=True)
    chain_id: int = Field(foreign_key="service_chain.id", index=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    step: int
    status: str = Field(
        default="active", max_length=20, description="active, completed, dropped_out"
    )
    started_at: datetime
    ended_at: datetime | None = None
    reason: str = ""
    started_by: str = Field(max_length=200)
    version: int | None = Field(default=None, sa_column=_instance_version)

    __mapper_args__ = {"version_id_col": _instance_version}
