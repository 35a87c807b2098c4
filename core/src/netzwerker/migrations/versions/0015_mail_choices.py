"""Calendar attachments of mails, each address's choice of mails, and calendar feeds.

Revision ID: 0015_mail_choices
Revises: 0014_outbox
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015_mail_choices"
down_revision: str | None = "0014_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as table:
        table.add_column(sa.Column("calendar", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "mail_preference",
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("choice", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (partner_id IS NULL)", name="calendar_feed_one_owner"
        ),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    with op.batch_alter_table("calendar_feed") as table:
        table.create_index("ix_calendar_feed_user_id", ["user_id"], unique=False)
        table.create_index("ix_calendar_feed_partner_id", ["partner_id"], unique=False)


def downgrade() -> None:
    op.drop_table("calendar_feed")
    op.drop_table("mail_preference")
    with op.batch_alter_table("outbox_message") as table:
        table.drop_column("calendar")
