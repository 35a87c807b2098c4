"""The tally of closed tasks that the accountability report reads instead of every task,
the due date a task was last escalated for, and the indexes from which the report and the
indicators read open tasks and periods.

Closed tasks (done, declined, cancelled) never change their outcome with the passing days,
so the database keeps their count per responsible partner, working field, accountable party
and outcome current itself, in triggers, whatever writes the task. The report counts only
the open tasks (found through ``ix_task_status_due_date``) and adds the tally.

Revision ID: 0007_task_tally
Revises: 0006_appraisal
Create Date: 2026-11-23 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_task_tally"
down_revision: str | None = "0006_appraisal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSED = "('done', 'declined', 'cancelled')"
KEY = ("responsible_partner_id", "working_field", "accountable_person_id",
       "accountable_circle_id", "outcome")  # fmt: skip
OPEN_WORK = ["status", "due_date", "responsible_partner_id", "working_field",
             "accountable_person_id", "accountable_circle_id", "escalated_due"]  # fmt: skip
#: Escalation steps that hand a task to its accountable party or the network.
HANDED_ON = "('accountable', 'network')"
#: A task handed on remembers the due date it was handed on for.
MARK_ESCALATED = "UPDATE task SET escalated_due = NEW.due_date WHERE id = NEW.task_id"
FIELD_DUE = ["working_field", "due_date", "status", "completed_on"]
#: The columns whose change can move a closed task to another line of the tally.
WATCHED = "status, completed_on, due_date, responsible_partner_id, working_field, " \
    "accountable_person_id, accountable_circle_id"  # fmt: skip


def _values(row: str) -> str:
    """The tally key of ``row`` (NEW or OLD); no accountable person or circle is 0."""
    outcome = (
        f"CASE WHEN {row}.status = 'done' AND {row}.completed_on <= {row}.due_date "
        f"THEN 'done_on_time' WHEN {row}.status = 'done' AND {row}.completed_on > {row}.due_date "
        f"THEN 'done_late' ELSE {row}.status END"
    )
    return (
        f"{row}.responsible_partner_id, {row}.working_field, "
        f"COALESCE({row}.accountable_person_id, 0), COALESCE({row}.accountable_circle_id, 0), "
        f"{outcome}"
    )


def _add(row: str) -> str:
    return (
        f"INSERT INTO task_tally ({', '.join(KEY)}, tasks) VALUES ({_values(row)}, 1) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET tasks = task_tally.tasks + 1"
    )


def _remove(row: str) -> str:
    return f"UPDATE task_tally SET tasks = tasks - 1 WHERE ({', '.join(KEY)}) = ({_values(row)})"


def _triggers(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER task_escalated AFTER INSERT ON escalation "
            f"WHEN NEW.step IN {HANDED_ON} BEGIN {MARK_ESCALATED}; END",
            f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task "
            f"WHEN NEW.status IN {CLOSED} BEGIN {_add('NEW')}; END",
            f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task "
            f"WHEN OLD.status IN {CLOSED} BEGIN {_remove('OLD')}; END",
            f"CREATE TRIGGER task_tally_update_old AFTER UPDATE OF {WATCHED} ON task "
            f"WHEN OLD.status IN {CLOSED} BEGIN {_remove('OLD')}; END",
            f"CREATE TRIGGER task_tally_update_new AFTER UPDATE OF {WATCHED} ON task "
            f"WHEN NEW.status IN {CLOSED} BEGIN {_add('NEW')}; END",
        ]
    return [
        f"""CREATE FUNCTION task_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND OLD.status IN {CLOSED} THEN {_remove("OLD")}; END IF;
            IF TG_OP <> 'DELETE' AND NEW.status IN {CLOSED} THEN {_add("NEW")}; END IF;
            RETURN NULL;
        END $$""",
        f"CREATE TRIGGER task_tally_change AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} "
        f"ON task FOR EACH ROW EXECUTE FUNCTION task_tally_change()",
        f"""CREATE FUNCTION task_escalated() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.step IN {HANDED_ON} THEN {MARK_ESCALATED}; END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER task_escalated AFTER INSERT ON escalation "
        "FOR EACH ROW EXECUTE FUNCTION task_escalated()",
    ]


def upgrade() -> None:
    op.create_table(
        "task_tally",
        sa.Column("responsible_partner_id", sa.Integer(), nullable=False),
        sa.Column("working_field", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("accountable_person_id", sa.Integer(), nullable=False),
        sa.Column("accountable_circle_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY),
    )
    op.add_column("task", sa.Column("escalated_due", sa.Date(), nullable=True))
    op.execute(
        "UPDATE task SET escalated_due = (SELECT escalation.due_date FROM escalation "
        f"WHERE escalation.task_id = task.id AND escalation.step IN {HANDED_ON} "
        "ORDER BY escalation.id DESC LIMIT 1)"
    )
    columns = _values("task")
    op.execute(
        f"INSERT INTO task_tally ({', '.join(KEY)}, tasks) SELECT {columns}, count(*) FROM task "
        f"WHERE task.status IN {CLOSED} GROUP BY {columns}"
    )
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)
    # The open tasks, with what the report groups them by: read from the index alone.
    op.drop_index("ix_task_status_due_date", table_name="task")
    op.create_index("ix_task_open_work", "task", OPEN_WORK)
    # A working field's tasks due in a period, for its indicators: from the index alone.
    op.create_index("ix_task_field_due", "task", FIELD_DUE)


def downgrade() -> None:
    op.drop_index("ix_task_field_due", table_name="task")
    op.drop_index("ix_task_open_work", table_name="task")
    op.create_index("ix_task_status_due_date", "task", ["status", "due_date"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER task_escalated ON escalation")
        op.execute("DROP FUNCTION task_escalated()")
        op.execute("DROP TRIGGER task_tally_change ON task")
        op.execute("DROP FUNCTION task_tally_change()")
    else:
        for name in ("tally_insert", "tally_delete", "tally_update_old", "tally_update_new",
                     "escalated"):  # fmt: skip
            op.execute(f"DROP TRIGGER task_{name}")
    op.drop_table("task_tally")
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_column("escalated_due")
