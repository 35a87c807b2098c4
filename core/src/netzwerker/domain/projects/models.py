"""Projects developed from local needs, their partners, target groups and funding."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_project_version = version_column()
_funding_version = version_column()

#: Euro amounts: exact, up to 9,999,999,999.99.
Money = sa.Numeric(12, 2, asdecimal=True)


class Project(SQLModel, table=True):
    """A project of a contributed type; its lifecycle is a workflow instance.

    ``details`` holds the values of the project type's attrs class, validated when written.
    """

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    title: str = Field(max_length=300)
    project_type: str = Field(max_length=80, index=True)
    working_field: str | None = Field(
        default=None, foreign_key="working_field.key", index=True, max_length=60
    )
    description: str = ""
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    start_on: date | None = None
    end_on: date | None = None
    people_reached: int = 0
    lifecycle_id: int = Field(foreign_key="workflow_run.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_project_version)

    __mapper_args__ = {"version_id_col": _project_version}


class ProjectPartner(SQLModel, table=True):
    """A partner in a project, with its role (lead, partner, advisor, funder)."""

    __tablename__ = "project_partner"

    project_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
        )
    )
    partner_id: int = Field(foreign_key="partner.id", primary_key=True, index=True)
    role: str = Field(max_length=20)


class ProjectTargetGroup(SQLModel, table=True):
    __tablename__ = "project_target_group"

    project_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
        )
    )
    target_group: str = Field(primary_key=True, max_length=120)


class FundingApplication(SQLModel, table=True):
    """An application for funds (ESF, state, federal programme…) and what became of it."""

    __tablename__ = "funding_application"

    id: int = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    source: str = Field(max_length=20)
    programme: str = Field(default="", max_length=300)
    requested: Decimal = Field(sa_type=Money)
    granted: Decimal | None = Field(default=None, sa_type=Money)
    status: str = Field(default="planned", max_length=20)
    submitted_on: date | None = None
    decided_on: date | None = Field(default=None, index=True)
    note: str = ""
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_funding_version)

    __mapper_args__ = {"version_id_col": _funding_version}
