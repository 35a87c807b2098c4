"""The tally of tasks that the accountability report reads instead of every task, the due
date a task was last escalated for, and the indexes from which the report and the
indicators read overdue tasks and periods.

The database keeps, in triggers, whatever writes a task, how many tasks there are per
responsible partner, working field and accountable party in each state: proposed,
committed, in progress, blocked, done on time, done late, done without a day, declined,
cancelled. None of these depends on the day; only whether an open task is overdue does, so
the report adds the overdue ones, read through ``ix_task_open_work``, to the tally.

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

KEY = ("responsible_partner_id", "working_field", "accountable_person_id",
       "accountable_circle_id")  # fmt: skip
#: The tally's columns: each task is counted in the one its state names.
STATES = ("proposed", "committed", "in_progress", "blocked", "done_on_time", "done_late",
          "done_undated", "declined", "cancelled")  # fmt: skip
OPEN_WORK = ["status", "due_date", "responsible_partner_id", "working_field",
             "accountable_person_id", "accountable_circle_id", "escalated_due"]  # fmt: skip
FIELD_DUE = ["working_field", "due_date", "status", "completed_on", "escalated_due"]
#: Escalation steps that hand a task to its accountable party or the network.
HANDED_ON = "('accountable', 'network')"
#: A task handed on remembers the due date it was handed on for.
MARK_ESCALATED = "UPDATE task SET escalated_due = NEW.due_date WHERE id = NEW.task_id"
#: The columns whose change can move a task to another line or column of the tally.
WATCHED = "status, completed_on, due_date, responsible_partner_id, working_field, " \
    "accountable_person_id, accountable_circle_id"  # fmt: skip


def _state(row: str) -> str:
    """The tally column that counts ``row`` (NEW, OLD or task)."""
    return (
        f"CASE WHEN {row}.status <> 'done' THEN {row}.status "
        f"WHEN {row}.completed_on IS NULL THEN 'done_undated' "
        f"WHEN {row}.completed_on <= {row}.due_date THEN 'done_on_time' ELSE 'done_late' END"
    )


def _key(row: str) -> str:
    """The tally line of ``row``; no accountable person or circle is 0."""
    return (
        f"{row}.responsible_partner_id, {row}.working_field, "
        f"COALESCE({row}.accountable_person_id, 0), COALESCE({row}.accountable_circle_id, 0)"
    )


def _flags(row: str) -> list[str]:
    """Per tally column, 1 if it is the column of ``row``'s state, else 0."""
    state = _state(row)
    return [f"CASE WHEN {state} = '{name}' THEN 1 ELSE 0 END" for name in STATES]


def _add(row: str) -> str:
    added = ", ".join(f"{name} = task_tally.{name} + excluded.{name}" for name in STATES)
    return (
        f"INSERT INTO task_tally ({', '.join(KEY)}, {', '.join(STATES)}) "
        f"VALUES ({_key(row)}, {', '.join(_flags(row))}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {added}"
    )


def _remove(row: str) -> str:
    pairs = zip(STATES, _flags(row), strict=True)
    taken = ", ".join(f"{name} = {name} - {flag}" for name, flag in pairs)
    return f"UPDATE task_tally SET {taken} WHERE ({', '.join(KEY)}) = ({_key(row)})"


def _triggers(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER task_escalated AFTER INSERT ON escalation "
            f"WHEN NEW.step IN {HANDED_ON} BEGIN {MARK_ESCALATED}; END",
            f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN {_add('NEW')}; END",
            f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN {_remove('OLD')}; END",
            f"CREATE TRIGGER task_tally_update AFTER UPDATE OF {WATCHED} ON task "
            f"BEGIN {_remove('OLD')}; {_add('NEW')}; END",
        ]
    return [
        f"""CREATE FUNCTION task_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN {_remove("OLD")}; END IF;
            IF TG_OP <> 'DELETE' THEN {_add("NEW")}; END IF;
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
        *(sa.Column(name, sa.Integer(), nullable=False) for name in STATES),
        sa.PrimaryKeyConstraint(*KEY),
    )
    op.add_column("task", sa.Column("escalated_due", sa.Date(), nullable=True))
    op.execute(
        "UPDATE task SET escalated_due = (SELECT escalation.due_date FROM escalation "
        f"WHERE escalation.task_id = task.id AND escalation.step IN {HANDED_ON} "
        "ORDER BY escalation.id DESC LIMIT 1)"
    )
    sums = ", ".join(f"sum({flag})" for flag in _flags("task"))
    op.execute(
        f"INSERT INTO task_tally ({', '.join(KEY)}, {', '.join(STATES)}) "
        f"SELECT {_key('task')}, {sums} FROM task GROUP BY {_key('task')}"
    )
    for statement in _triggers(op.get_bind().dialect.name):
        op.execute(statement)
    # The overdue tasks, with what the report groups them by: read from the index alone.
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
        for name in ("tally_insert", "tally_delete", "tally_update", "escalated"):
            op.execute(f"DROP TRIGGER task_{name}")
    op.drop_table("task_tally")
    with op.batch_alter_table("task") as batch_op:
        batch_op.drop_column("escalated_due")
