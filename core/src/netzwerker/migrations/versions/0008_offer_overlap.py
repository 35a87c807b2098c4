"""The possible duplicate structures of the catalogue, stored as offers change, so that a
page of them is read from an index instead of comparing every pair of offers per request.

Revision ID: 0008_offer_overlap
Revises: 0007_task_tally
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from netzwerker.domain.catalogue.duplicates import rebuild_overlaps

revision: str = "0008_offer_overlap"
down_revision: str | None = "0007_task_tally"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offer_overlap",
        sa.Column("first_offer_id", sa.Integer(), nullable=False),
        sa.Column("second_offer_id", sa.Integer(), nullable=False),
        sa.Column("degree", sa.Float(), nullable=False),
        sa.Column("target_groups", sa.JSON(), nullable=False),
        sa.Column("problem_areas", sa.JSON(), nullable=False),
        sa.Column("social_areas", sa.JSON(), nullable=False),
        sa.Column("explanation", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["first_offer_id"], ["offer.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["second_offer_id"], ["offer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("first_offer_id", "second_offer_id"),
    )
    op.create_index(
        "ix_offer_overlap_degree", "offer_overlap", ["degree", "first_offer_id", "second_offer_id"]
    )
    op.create_index("ix_offer_overlap_second", "offer_overlap", ["second_offer_id"])
    rebuild_overlaps(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_offer_overlap_second", table_name="offer_overlap")
    op.drop_index("ix_offer_overlap_degree", table_name="offer_overlap")
    op.drop_table("offer_overlap")
