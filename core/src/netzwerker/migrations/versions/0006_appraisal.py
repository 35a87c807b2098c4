"""Ratings of offers and proposed measures; resources spent per offer and provider.

Revision ID: 0006_appraisal
Revises: 0005_survey
Create Date: 2026-11-22 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_appraisal"
down_revision: str | None = "0005_survey"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "subject", "subject_id", "criterion", "rated_on", name="uq_rating_subject_day"
        ),
    )
    op.create_index("ix_rating_subject", "rating", ["subject", "subject_id"])
    op.create_table(
        "offer_resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("money", sa.Numeric(12, 2), nullable=False),
        sa.Column("staff_hours", sa.Numeric(10, 1), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "offer_id", "partner_id", "year", "source", name="uq_offer_resource_source"
        ),
    )
    op.create_index("ix_offer_resource_offer_id", "offer_resource", ["offer_id"])
    op.create_index("ix_offer_resource_partner_id", "offer_resource", ["partner_id"])
    op.create_index("ix_offer_resource_year", "offer_resource", ["year"])


def downgrade() -> None:
    op.drop_table("offer_resource")
    op.drop_index("ix_rating_subject", table_name="rating")
    op.drop_table("rating")
