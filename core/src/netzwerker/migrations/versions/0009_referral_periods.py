"""Indexes from which the indicators count the referrals sent and reached in a period, and
the waits until the first contact, instead of reading every referral.

Revision ID: 0009_referral_periods
Revises: 0008_offer_overlap
Create Date: 2026-12-01 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_referral_periods"
down_revision: str | None = "0008_offer_overlap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_referral_sent_at", "referral", ["sent_at"])
    op.create_index("ix_referral_first_contact", "referral", ["first_contact_at", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_referral_first_contact", table_name="referral")
    op.drop_index("ix_referral_sent_at", table_name="referral")
