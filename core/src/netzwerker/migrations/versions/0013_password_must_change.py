"""A one-time password an admin hands out must be replaced at the next sign-in.

Revision ID: 0013_password_must_change
Revises: 0012_plugin_choices
Create Date: 2026-12-03 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_password_must_change"
down_revision: str | None = "0012_plugin_choices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.add_column(
            sa.Column(
                "password_must_change", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.drop_column("password_must_change")
