"""Pseudonymised cases, the people working on them, consent, and referrals.

A case record holds no name or address: a pseudonym, target groups and who works on it.
Identifiers a deployment must keep live in :class:`CaseIdentity`, which only the roles the
deployment names may read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_case_version = version_column()
_consent_version = version_column()
_referral_version = version_column()


class Case(SQLModel, table=True):
    """A person's or household's case, known by its pseudonym."""

    __tablename__ = "case_record"

    id: int = Field(default=None, primary_key=True)
    pseudonym: str = Field(unique=True, max_length=60)
    kind: str = Field(default="person", max_length=20, description="person or household")
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    opened_on: date
    closed_on: date | None = Field(default=None, index=True)
    note: str = ""
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_case_version)

    __mapper_args__ = {"version_id_col": _case_version}


class CaseTargetGroup(SQLModel, table=True):
    __tablename__ = "case_target_group"

    case_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True
        )
    )
    target_group: str = Field(primary_key=True, max_length=120)


class CaseWorker(SQLModel, table=True):
    """A coach or integration scout working on a case from ``since`` until ``until``."""

    __tablename__ = "case_worker"
    __table_args__ = (sa.Index("ix_case_worker_load", "person_id", "until"),)

    id: int = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    role: str = Field(max_length=20, description="coach or scout")
    since: date
    until: date | None = None


class CaseIdentity(SQLModel, table=True):
    """Direct identifiers of a case, kept apart; every read is audited."""

    __tablename__ = "case_identity"

    case_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True
        )
    )
    name: str = Field(default="", max_length=200)
    birth_date: date | None = None
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=60)
    email: str = Field(default="", max_length=200)
    customer_number: str = Field(default="", max_length=60, description="Kundennummer / BG-Nr.")
    updated_at: datetime = Field(default_factory=utcnow)


class Consent(SQLModel, table=True):
    """A person's consent that ``partner_id`` may receive ``categories`` of data about the
    case, for ``purpose``, from ``given_on`` until ``valid_until`` (or revocation)."""

    __table_args__ = (sa.Index("ix_consent_case_partner", "case_id", "partner_id"),)

    id: int = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    categories: list[str] = Field(default_factory=list, sa_type=JSON)
    purpose: str = Field(max_length=300)
    given_on: date
    valid_until: date | None = None
    revoked_on: date | None = None
    revoked_reason: str = ""
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_consent_version)

    __mapper_args__ = {"version_id_col": _consent_version}


class Referral(SQLModel, table=True):
    """A referral of a case from one partner to another (Verweisberatung), closed-loop:
    sent → accepted → first contact → closed, or declined with a reason, or withdrawn.

    A referral along a service chain names its chain instance and step.
    """

    __table_args__ = (
        sa.Index("ix_referral_to_status", "to_partner_id", "status"),
        sa.Index("ix_referral_from_status", "from_partner_id", "status"),
        # Referrals sent, and reached with their wait, in a period: the indicators' ranges.
        sa.Index("ix_referral_sent_at", "sent_at"),
        sa.Index("ix_referral_first_contact", "first_contact_at", "sent_at"),
    )

    id: int = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case_record.id", index=True)
    from_partner_id: int = Field(foreign_key="partner.id")
    to_partner_id: int = Field(foreign_key="partner.id")
    offer_id: int | None = Field(default=None, foreign_key="offer.id")
    chain_instance_id: int | None = Field(default=None, foreign_key="chain_instance.id", index=True)
    step: int | None = None
    consent_id: int = Field(foreign_key="consent.id")
    data_categories: list[str] = Field(default_factory=list, sa_type=JSON)
    message: str = ""
    status: str = Field(default="sent", max_length=20)
    reason: str = ""
    outcome: str = Field(default="", max_length=300)
    sent_at: datetime
    accepted_at: datetime | None = None
    first_contact_at: datetime | None = None
    closed_at: datetime | None = None
    declined_at: datetime | None = None
    withdrawn_at: datetime | None = None
    sent_by: str = Field(max_length=200)
    details: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    version: int | None = Field(default=None, sa_column=_referral_version)

    __mapper_args__ = {"version_id_col": _referral_version}
