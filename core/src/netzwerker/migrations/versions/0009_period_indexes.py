"""Indexes from which the indicators and the evaluation read a period: the referrals sent and
reached in it with their waits, the tasks due in it network-wide, and the attendance of the
conferences held in it, instead of reading every row.

Revision ID: 0009_period_indexes
Revises: 0008_offer_overlap
Create Date: 2026-12-01 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_period_indexes"
down_revision: str | None = "0008_offer_overlap"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_referral_sent_at": ("referral", ["sent_at"]),
    "ix_referral_first_contact": ("referral", ["first_contact_at", "sent_at"]),
    "ix_task_due": ("task", ["due_date", "status", "completed_on", "escalated_due",
                             "working_field"]),
    "ix_registration_attendance": ("registration", ["conference_id", "status",
                                                    "checked_in_at"]),
}  # fmt: skip


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in reversed(INDEXES.items()):
        op.drop_index(name, table_name=table)
