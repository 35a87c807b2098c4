"""Tasks with accountability: RACI parties, a status machine, an append-only history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow
from netzwerker.db import version_column
from netzwerker.domain.tasks.workflow import OPEN_STATUSES

_task_version = version_column()
#: The condition of the partial index ``ix_task_open_due``; queries state it with the
#: statuses written out (``queries.is_open``), so that the planners can match it.
OPEN_CONDITION = sa.text(f"status IN ({', '.join(repr(status) for status in OPEN_STATUSES)})")


class Task(SQLModel, table=True):
    """Who promised what by when.

    Exactly one responsible partner (and optionally one of its people); exactly one
    accountable party, a coordinator (a person) or a circle; consulted and informed partners
    in :class:`TaskParty`. ``status`` moves only through :data:`TASK_WORKFLOW`.
    """

    __table_args__ = (
        sa.CheckConstraint(
            "(accountable_person_id IS NULL) <> (accountable_circle_id IS NULL)",
            name="task_one_accountable_party",
        ),
        # Open tasks by due date, with what the report groups them by (index-only reads).
        sa.Index(
            "ix_task_open_work",
            "status",
            "due_date",
            "responsible_partner_id",
            "working_field",
            "accountable_person_id",
            "accountable_circle_id",
            "escalated_due",
        ),
        # Open tasks in due-date order: a page of overdue or upcoming work is read in order,
        # without sorting every open task first.
        sa.Index(
            "ix_task_open_due",
            "due_date",
            "id",
            sqlite_where=OPEN_CONDITION,
            postgresql_where=OPEN_CONDITION,
        ),
        # The network's tasks due in a period, for its indicators and the evaluation.
        sa.Index(
            "ix_task_due", "due_date", "status", "completed_on", "escalated_due", "working_field"
        ),
        # A working field's tasks due in a period, for its indicators and its report.
        sa.Index(
            "ix_task_field_due",
            "working_field",
            "due_date",
            "status",
            "completed_on",
            "escalated_due",
        ),
    )

    id: int = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    description: str = ""
    working_field: str = Field(foreign_key="working_field.key", index=True, max_length=60)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    origin: str = Field(default="", max_length=300)
    responsible_partner_id: int = Field(foreign_key="partner.id", index=True)
    responsible_person_id: int | None = Field(default=None, foreign_key="person.id")
    accountable_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    accountable_circle_id: int | None = Field(default=None, foreign_key="circle.id", index=True)
    due_date: date
    status: str = Field(default="proposed", max_length=20)
    status_reason: str = ""
    committed_at: datetime | None = None
    completed_on: date | None = None
    #: The due date for which the task was last handed to its accountable party or the
    #: network; set by a trigger on ``escalation`` (migration ``0007_task_tally``).
    escalated_due: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int | None = Field(default=None, sa_column=_task_version)

    __mapper_args__ = {"version_id_col": _task_version}


class TaskParty(SQLModel, table=True):
    """A partner consulted on, or informed about, a task (the C and I of RACI)."""

    __tablename__ = "task_party"

    task_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), primary_key=True
        )
    )
    partner_id: int = Field(foreign_key="partner.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=20, description="'consulted' or 'informed'")


class TaskEvent(SQLModel, table=True):
    """One entry of a task's history: who did what, when and why. Never updated or deleted."""

    __tablename__ = "task_event"
    __table_args__ = (sa.UniqueConstraint("task_id", "seq", name="uq_task_event_task_seq"),)

    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    seq: int
    at: datetime
    actor: str = Field(max_length=200)
    action: str = Field(max_length=30)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    reason: str = ""
    changes: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class Escalation(SQLModel, table=True):
    """A step ``netzwerker escalate`` took for a task, once per task, step and due date."""

    __table_args__ = (
        sa.UniqueConstraint("task_id", "step", "due_date", name="uq_escalation_task_step_due"),
    )

    id: int = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    step: str = Field(max_length=20, description="reminder, overdue, accountable or network")
    due_date: date
    fired_on: date
    at: datetime = Field(default_factory=utcnow)


class TaskTally(SQLModel, table=True):
    """How many tasks there are in each state, per responsible partner, working field and
    accountable party: proposed, committed, in progress, blocked, done on time, done late,
    done without a day, declined, cancelled.

    Kept by database triggers (migration ``0007_task_tally``) whatever writes a task, so the
    accountability report reads these lines and the overdue tasks instead of every task. No
    accountable person or circle is 0 here.
    """

    __tablename__ = "task_tally"

    responsible_partner_id: int = Field(primary_key=True)
    working_field: str = Field(primary_key=True, max_length=60)
    accountable_person_id: int = Field(primary_key=True)
    accountable_circle_id: int = Field(primary_key=True)
    proposed: int
    committed: int
    in_progress: int
    blocked: int
    done_on_time: int
    done_late: int
    done_undated: int
    declined: int
    cancelled: int
