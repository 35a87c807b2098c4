"""The partner survey: each partner's rating of the network per round.

Revision ID: 0005_survey
Revises: 0004_network
Create Date: 2026-11-22 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_survey"
down_revision: str | None = "0004_network"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("exchange", sa.Integer(), nullable=False),
        sa.Column("synergies", sa.Integer(), nullable=False),
        sa.Column("effectiveness", sa.Integer(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("exchange BETWEEN 1 AND 5", name="ck_survey_exchange"),
        sa.CheckConstraint("synergies BETWEEN 1 AND 5", name="ck_survey_synergies"),
        sa.CheckConstraint("effectiveness BETWEEN 1 AND 5", name="ck_survey_effectiveness"),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey", "partner_id", name="uq_survey_answer_partner"),
    )
    op.create_index("ix_survey_answer_survey", "survey_answer", ["survey"])
    op.create_index("ix_survey_answer_answered_on", "survey_answer", ["answered_on"])


def downgrade() -> None:
    op.drop_index("ix_survey_answer_answered_on", table_name="survey_answer")
    op.drop_index("ix_survey_answer_survey", table_name="survey_answer")
    op.drop_table("survey_answer")
