"""Workflow instances are called workflow runs: a *case* is a pseudonymised person's, a *run*
one subject moving through a plugin's workflow. The table, its history's column and their
indexes take the new name; the rows stay as they are.

Revision ID: 0011_workflow_runs
Revises: 0010_open_task_order
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

from alembic import op

from netzwerker.db import append_only_statements

revision: str = "0011_workflow_runs"
down_revision: str | None = "0010_open_task_order"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Indexes whose names follow the table's or the column's: ``(old, new, table, columns)``.
INDEXES = [
    ("ix_workflow_instance_partner_id", "ix_workflow_run_partner_id", ["partner_id"]),
    ("ix_workflow_instance_person_id", "ix_workflow_run_person_id", ["person_id"]),
    ("ix_workflow_instance_step_due_on", "ix_workflow_run_step_due_on", ["step_due_on"]),
    (
        "ix_workflow_instance_workflow_state",
        "ix_workflow_run_workflow_state",
        ["workflow", "state"],
    ),
]
EVENT_INDEX = ("ix_workflow_event_instance_id", "ix_workflow_event_run_id")
UNIQUE = ("uq_workflow_event_instance_seq", "uq_workflow_event_run_seq")


def _rename(
    old_table: str, new_table: str, old_column: str, new_column: str, forward: bool
) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    # Both databases rename tables and columns in place, and keep the foreign keys that point
    # to them (the projects' and the plugins' tables) and the history's triggers.
    op.execute(f"ALTER TABLE {old_table} RENAME TO {new_table}")
    op.execute(f"ALTER TABLE workflow_event RENAME COLUMN {old_column} TO {new_column}")
    indexes = [(a, b, columns) for a, b, columns in INDEXES]
    event = EVENT_INDEX
    unique = UNIQUE
    if not forward:
        indexes = [(b, a, columns) for a, b, columns in INDEXES]
        event, unique = event[::-1], unique[::-1]
    if postgresql:
        for old, new, _ in indexes:
            op.execute(f"ALTER INDEX {old} RENAME TO {new}")
        op.execute(f"ALTER INDEX {event[0]} RENAME TO {event[1]}")
        op.execute(f"ALTER TABLE workflow_event RENAME CONSTRAINT {unique[0]} TO {unique[1]}")
        return
    # SQLite renames no index: each is made again under its new name. A unique constraint
    # is part of its table: the history is copied into a table that names it anew, and its
    # triggers, which went with the old table, are made again.
    for old, new, columns in indexes:
        op.drop_index(old, table_name=new_table)
        op.create_index(new, new_table, columns)
    with op.batch_alter_table("workflow_event", recreate="always") as batch_op:
        batch_op.drop_index(event[0])
        batch_op.drop_constraint(unique[0], type_="unique")
        batch_op.create_unique_constraint(unique[1], [new_column, "seq"])
        batch_op.create_index(event[1], [new_column])
    for statement in append_only_statements("sqlite", "workflow_event", "workflow history"):
        op.execute(statement)


def upgrade() -> None:
    _rename("workflow_instance", "workflow_run", "instance_id", "run_id", forward=True)


def downgrade() -> None:
    _rename("workflow_run", "workflow_instance", "run_id", "instance_id", forward=False)
