"""Failed sign-ins counted per account and address, and per address; the moment before
which a user's browser sessions no longer count; when a token was last used; the browser
sessions themselves, in the database.

Revision ID: 0016_sign_in_throttle
Revises: 0015_mail_choices
Create Date: 2026-12-07 23:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016_sign_in_throttle"
down_revision: str | None = "0015_mail_choices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "web_session",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("web_session") as table:
        table.create_index("ix_web_session_expires_at", ["expires_at"], unique=False)
    with op.batch_alter_table("user_account") as table:
        table.add_column(
            sa.Column("sessions_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("api_token") as table:
        table.add_column(
            sa.Column("last_used_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token") as table:
        table.drop_column("last_used_at")
    with op.batch_alter_table("user_account") as table:
        table.drop_column("sessions_since")
    op.drop_table("web_session")
    op.drop_table("sign_in_throttle")
