"""Working fields (Arbeitsfelder) and their goals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_goal_version = version_column()


class WorkingFieldRecord(SQLModel, table=True):
    """A working field as stored: contributed by a plugin or declared in the configuration.

    Records are never deleted; a field whose plugin is disabled becomes inactive and keeps
    its tasks and goals.
    """

    __tablename__ = "working_field"

    key: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=200)
    description: str = ""
    source: str = Field(max_length=80, description="'config' or 'plugin:<name>'")
    active: bool = True


class PluginChoice(SQLModel, table=True):
    """Whether a plugin is enabled, and its settings, as an admin chose them in the web
    interface or on the command line. ``deployment.toml`` gives the initial set; a stored
    choice wins over it. ``revision`` grows with every choice, so that a server's workers
    notice a change by reading one number."""

    __tablename__ = "plugin_choice"

    name: str = Field(primary_key=True, max_length=80)
    enabled: bool
    #: The plugin's settings as chosen, or None: those of ``deployment.toml``.
    settings: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    revision: int = Field(sa_column=sa.Column(sa.Integer, nullable=False, unique=True))
    changed_by: str = Field(max_length=200)
    changed_at: datetime = Field(default_factory=utcnow)


class Goal(SQLModel, table=True):
    """A goal of a working field: measurable through an indicator, with a target and period."""

    id: int = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    working_field: str = Field(foreign_key="working_field.key", index=True, max_length=60)
    title: str = Field(max_length=300)
    description: str = ""
    indicator: str = Field(default="", max_length=80)
    target: float | None = None
    period_start: date
    period_end: date
    status: str = Field(default="active", max_length=20)
    source: str = Field(default="config", max_length=20, description="'config' or 'api'")
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_goal_version)

    __mapper_args__ = {"version_id_col": _goal_version}
