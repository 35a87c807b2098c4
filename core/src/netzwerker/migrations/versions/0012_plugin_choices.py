"""Plugins switched on and off, and their settings, chosen in the web interface.

Revision ID: 0012_plugin_choices
Revises: 0011_workflow_runs
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_plugin_choices"
down_revision: str | None = "0011_workflow_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plugin_choice",
        sa.Column("name", sa.String(length=80), primary_key=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False, unique=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("plugin_choice")
