"""Workflow runs and the history of their transitions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column

_run_version = version_column()


class WorkflowRun(SQLModel, table=True):
    """A workflow run: one subject (a request, a household's coaching, a project) moving
    through a contributed :class:`Workflow`. (A *case* is a pseudonymised person's, see
    :mod:`netzwerker.domain.cases`; a run may be about one.)

    ``subject`` is a reference or pseudonym (``BG-2026-014``, ``project:praevention``), never
    a person's name. ``partner_id`` is the partner responsible for the current step and
    ``person_id`` the person who owns the run (a coach, a scout, a coordinator).
    ``step_due_on`` is when the current step should be over (the workflow's ``max_days``).
    """

    __tablename__ = "workflow_run"
    __table_args__ = (sa.Index("ix_workflow_run_workflow_state", "workflow", "state"),)

    id: int = Field(default=None, primary_key=True)
    workflow: str = Field(max_length=80)
    state: str = Field(max_length=60)
    subject: str = Field(max_length=200)
    working_field: str | None = Field(default=None, foreign_key="working_field.key", max_length=60)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    priority: int = 0
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    started_at: datetime = Field(default_factory=utcnow)
    state_since: datetime = Field(default_factory=utcnow)
    step_due_on: date | None = Field(default=None, index=True)
    closed_at: datetime | None = None
    created_by: str = Field(default="", max_length=200)
    version: int | None = Field(default=None, sa_column=_run_version)

    __mapper_args__ = {"version_id_col": _run_version}


class WorkflowEvent(SQLModel, table=True):
    """One transition of a run: who moved it, when, why. Never updated or deleted.

    The start of a run is its first event (``action = "start"``, no ``from_state``).
    """

    __tablename__ = "workflow_event"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "seq", name="uq_workflow_event_run_seq"),
        sa.Index("ix_workflow_event_to_state", "to_state", "run_id"),
    )

    id: int = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="workflow_run.id", index=True)
    seq: int
    at: datetime
    actor: str = Field(max_length=200)
    action: str = Field(max_length=60)
    from_state: str | None = Field(default=None, max_length=60)
    to_state: str = Field(max_length=60)
    reason: str = ""
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    changes: dict[str, Any] | None = Field(default=None, sa_type=JSON)
