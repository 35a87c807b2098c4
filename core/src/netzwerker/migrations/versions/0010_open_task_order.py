"""Open tasks in due-date order (a partial index): the start page's lists and a page of
overdue tasks read the first tasks in order instead of sorting every open one.

Revision ID: 0010_open_task_order
Revises: 0009_period_indexes
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_open_task_order"
down_revision: str | None = "0009_period_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The open statuses as they were when this revision was written (``Task``'s index says it).
OPEN_CONDITION = sa.text("status IN ('proposed', 'committed', 'in_progress', 'blocked')")


def upgrade() -> None:
    op.create_index(
        "ix_task_open_due",
        "task",
        ["due_date", "id"],
        sqlite_where=OPEN_CONDITION,
        postgresql_where=OPEN_CONDITION,
    )


def downgrade() -> None:
    op.drop_index("ix_task_open_due", table_name="task")
