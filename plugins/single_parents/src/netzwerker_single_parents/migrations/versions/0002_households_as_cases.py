"""Households become core cases (kind household), so the core's caseloads count them.

Existing households get a case each, with their coach as its case worker; a household whose
coaching has ended gets a closed case.

Revision ID: single_parents_0002
Revises: single_parents_0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "single_parents_0002"
down_revision: str | None = "single_parents_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("single_parents_household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_single_parents_household_case_id", ["case_id"])
        batch_op.create_foreign_key(
            "fk_single_parents_household_case_id", "case_record", ["case_id"], ["id"]
        )
    connection = op.get_bind()
    households = connection.execute(
        sa.text(
            "SELECT h.id, h.reference, h.coach_person_id, h.created_at, w.closed_at "
            "FROM single_parents_household h "
            "JOIN workflow_run w ON w.id = h.coaching_id WHERE h.case_id IS NULL"
        )
    ).all()
    field = connection.execute(
        sa.text("SELECT key FROM working_field WHERE key = 'single_parents'")
    ).scalar()
    for household_id, reference, coach, created_at, closed_at in households:
        opened = _day(created_at)
        case_id = connection.execute(
            sa.text(
                "INSERT INTO case_record (pseudonym, kind, working_field, opened_on, closed_on, "
                "note, created_by, created_at, updated_at, version) VALUES (:pseudonym, "
                "'household', :field, :opened, :closed, '', 'migration', :at, :at, 1) "
                "RETURNING id"
            ),
            {
                "pseudonym": reference,
                "field": field,
                "opened": opened,
                "closed": _day(closed_at) if closed_at else None,
                "at": created_at,
            },
        ).scalar_one()
        connection.execute(
            sa.text(
                "INSERT INTO case_worker (case_id, person_id, role, since) "
                "VALUES (:case_id, :person, 'coach', :since)"
            ),
            {"case_id": case_id, "person": coach, "since": opened},
        )
        connection.execute(
            sa.text("UPDATE single_parents_household SET case_id = :case_id WHERE id = :id"),
            {"case_id": case_id, "id": household_id},
        )


def _day(moment: object) -> object:
    """A stored timestamp's date (SQLite hands back text, PostgreSQL a datetime)."""
    if isinstance(moment, str):
        return moment[:10]
    return moment.date()  # type: ignore[attr-defined]


def downgrade() -> None:
    with op.batch_alter_table("single_parents_household", schema=None) as batch_op:
        batch_op.drop_constraint("fk_single_parents_household_case_id", type_="foreignkey")
        batch_op.drop_constraint("uq_single_parents_household_case_id", type_="unique")
        batch_op.drop_column("case_id")
