"""Escalation and the accountability report: transparency instead of sanctions."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from netzwerker import hookimpl
from netzwerker.cli import cli
from netzwerker.config import EscalationConfig
from netzwerker.contributions import Period
from netzwerker.domain.tasks.escalation import escalate
from netzwerker.domain.tasks.report import accountability_report
from netzwerker.domain.tasks.services import TaskDraft, create_task, task_history, transition_task
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import OPERATOR, sample_network

TODAY = date(2026, 6, 15)


@pytest.fixture
def network(deployment):
    with deployment.transaction() as session:
        return sample_network(session)


def add_task(session, network, due_in: int, *, partner=None, field="health", circle=False, fate=()):
    task = create_task(
        session,
        TaskDraft(
            title=f"Aufgabe fällig in {due_in}",
            working_field=field,
            responsible_partner_id=(partner or network.counselling).id,
            due_date=TODAY + timedelta(days=due_in),
            accountable_person_id=None if circle else network.coordinator.id,
            accountable_circle_id=network.circle.id if circle else None,
        ),
        actor="test",
    )
    for action, day in fate:
        reason = "Grund" if action in ("decline", "block", "cancel") else ""
        transition_task(
            session,
            task.id,
            action,
            actor=Actor.operator("test"),
            today=TODAY + timedelta(days=day),
            reason=reason,
        )
    return task


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    @hookimpl
    def task_due_soon(self, task, days_left):
        self.calls.append(("due_soon", task.id, days_left))

    @hookimpl
    def task_overdue(self, task, days_overdue):
        self.calls.append(("overdue", task.id, days_overdue))

    @hookimpl
    def task_escalated(self, task, level, days_overdue):
        self.calls.append((level, task.id, days_overdue))


def test_escalation_steps_fire_once(deployment, network) -> None:
    recorder = Recorder()
    deployment.manager.register(recorder, name="recorder")
    with deployment.transaction() as session:
        soon = add_task(session, network, 2).id
        later = add_task(session, network, 10).id
        late = add_task(session, network, -3).id
        very_late = add_task(session, network, -20).id
        done = add_task(session, network, -20, fate=[("commit", -30), ("complete", -25)]).id
    config = EscalationConfig(
        remind_days_before_due=3, escalate_days_after_due=7, report_days_after_due=14
    )
    with deployment.transaction() as session:
        result = escalate(session, config, today=TODAY)
    assert result.counts == {"reminder": 1, "overdue": 2, "accountable": 1, "network": 1}
    assert sorted(recorder.calls) == sorted(
        [
            ("due_soon", soon, 2),
            ("overdue", late, 3),
            ("overdue", very_late, 20),
            ("accountable", very_late, 20),
            ("network", very_late, 20),
        ]
    )
    with deployment.transaction() as session:
        again = escalate(session, config, today=TODAY)
    assert again.total == 0, "a second run on the same day changes nothing"
    assert len(recorder.calls) == 5
    with deployment.session() as session:
        actions = [e.action for e in task_history(session, very_late, actor=OPERATOR)]
        assert actions == [
            "create",
            "escalation:overdue",
            "escalation:accountable",
            "escalation:network",
        ]
        assert [e.action for e in task_history(session, later, actor=OPERATOR)] == ["create"]
        assert [e.action for e in task_history(session, done, actor=OPERATOR)][-1] == "complete"
    # A week later, the late task reaches the accountable party too.
    with deployment.transaction() as session:
        week = escalate(session, config, today=TODAY + timedelta(days=4))
    assert week.counts["accountable"] == 1


def test_switched_off_steps(deployment, network) -> None:
    with deployment.transaction() as session:
        add_task(session, network, 1)
        add_task(session, network, -30)
    config = EscalationConfig(
        remind_days_before_due=-1, escalate_days_after_due=-1, report_days_after_due=-1
    )
    with deployment.transaction() as session:
        assert escalate(session, config, today=TODAY).counts == {"overdue": 1}


def test_report_counts_per_partner_field_and_accountable(deployment, network) -> None:
    with deployment.transaction() as session:
        add_task(session, network, 5)  # open, awaiting
        add_task(session, network, -5, fate=[("commit", -10)])  # overdue
        add_task(session, network, -5, fate=[("commit", -10), ("complete", -6)])  # on time
        add_task(session, network, -5, fate=[("commit", -10), ("complete", -1)])  # late
        add_task(session, network, 5, fate=[("decline", -1)])  # declined
        add_task(session, network, -20, partner=network.clinic, circle=True)  # overdue, escalated
        add_task(
            session,
            network,
            3,
            partner=network.clinic,
            field="debt",
            circle=True,
            fate=[("cancel", 0)],
        )
    with deployment.transaction() as session:
        escalate(session, EscalationConfig(), today=TODAY)
    with deployment.session() as session:
        by_partner = {r.key: r for r in accountability_report(session, by="partner", today=TODAY)}
        by_field = {
            r.key: r for r in accountability_report(session, by="working_field", today=TODAY)
        }
        by_accountable = {
            r.key: r for r in accountability_report(session, by="accountable", today=TODAY)
        }
        in_june = accountability_report(
            session, by="partner", today=TODAY, period=Period(date(2026, 6, 1), date(2026, 6, 30))
        )
    counselling = by_partner["suchtberatung"]
    assert (
        counselling.total,
        counselling.open,
        counselling.awaiting_commitment,
        counselling.overdue,
        counselling.done_on_time,
        counselling.done_late,
        counselling.declined,
    ) == (5, 1, 1, 1, 1, 1, 1)
    assert counselling.on_time_rate == round(1 / 3, 4)
    clinic = by_partner["klinik"]
    assert (clinic.total, clinic.overdue, clinic.escalated, clinic.cancelled) == (2, 1, 1, 1)
    assert clinic.on_time_rate == 0.0
    assert by_field["health"].total == 6 and by_field["debt"].total == 1
    assert by_field["health"].label == "Gesundheit"
    assert by_accountable["circle:suchtarbeitskreis"].label == "Kreis: Suchtarbeitskreis"
    assert by_accountable[f"person:{network.coordinator.id}"].label == "Sabine Netz"
    assert by_accountable["circle:suchtarbeitskreis"].total == 2
    assert sum(r.total for r in in_june) == 6  # the task due on 26 May is outside


def test_acceptance_report_shows_overdue_per_partner_after_escalate(deployment, network) -> None:
    with deployment.transaction() as session:
        add_task(session, network, -10, fate=[("commit", -20)])
        add_task(session, network, -10, partner=network.clinic)
    runner = CliRunner()
    folder = str(deployment.folder)
    escalated = runner.invoke(cli, ["escalate", folder, "--today", TODAY.isoformat()])
    assert escalated.exit_code == 0, escalated.output
    assert "overdue: 2" in escalated.output and "accountable: 2" in escalated.output
    table = runner.invoke(cli, ["report", folder, "--today", TODAY.isoformat()])
    assert table.exit_code == 0, table.output
    rows = {line[:24].strip(): line[24:].split() for line in table.output.splitlines()[1:]}
    # gesamt, offen, ohne Zusage, überfällig, pünktlich, verspätet, abgelehnt, eskaliert, Termintreue
    assert rows["Suchtberatung Teststadt"] == ["1", "0", "0", "1", "0", "0", "0", "1", "0", "%"]
    assert rows["Fachklinik Teststadt"] == ["1", "0", "1", "1", "0", "0", "0", "1", "0", "%"]
    header = table.output.splitlines()[0]
    assert "überfällig" in header and "eskaliert" in header
    as_json = json.loads(
        runner.invoke(
            cli, ["report", folder, "--format", "json", "--today", TODAY.isoformat()]
        ).output
    )
    overdue = {row["key"]: (row["overdue"], row["escalated"]) for row in as_json["rows"]}
    assert overdue == {"klinik": (1, 1), "suchtberatung": (1, 1)}
    as_csv = runner.invoke(
        cli,
        ["report", folder, "--format", "csv", "--by", "accountable", "--today", TODAY.isoformat()],
    ).output
    (row,) = list(csv.DictReader(io.StringIO(as_csv)))
    assert (row["label"], row["overdue"]) == ("Sabine Netz", "2")


def test_report_rejects_an_inverted_period(deployment, network) -> None:
    result = CliRunner().invoke(
        cli, ["report", str(deployment.folder), "--from", "2026-06-30", "--to", "2026-06-01"]
    )
    assert result.exit_code == 1
    assert "--to: period ends (2026-06-01) before it starts (2026-06-30)" in result.output


def test_csv_cells_cannot_run_formulas(deployment, network) -> None:
    from netzwerker.domain.tasks.report import ReportRow, render_report

    row = ReportRow("evil", '=HYPERLINK("x")', 1, 0, 0, 0, 0, 0, 0, 0, 0)
    assert "'=HYPERLINK" in render_report([row], "csv", "partner")


def test_core_indicators(deployment, network) -> None:
    indicators = deployment.registry.indicators
    on_time_rate = indicators["tasks_on_time_rate"].value.measure
    overdue_tasks = indicators["tasks_overdue"].value.measure
    with deployment.transaction() as session:
        add_task(session, network, -5, fate=[("commit", -10), ("complete", -6)])
        add_task(session, network, -5)
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    with deployment.session() as session:
        assert on_time_rate(session, period, {"today": TODAY}) == 50.0
        assert overdue_tasks(session, period, {"today": TODAY, "working_field": "debt"}) == 0
        assert overdue_tasks(session, period, {"today": TODAY}) == 1
        indicator = deployment.registry.indicators["health_waiting_too_long"].value
        assert indicator.measure(session, period, {"today": TODAY + timedelta(days=30)}) == 1


def test_the_overview_counts_everything_and_lists_the_most_urgent(deployment, network) -> None:
    """At any size the start page shows whole figures and the most urgent tasks and partners:
    the partner with most overdue tasks first, the most overdue task first."""
    from netzwerker.domain.tasks.overview import LISTED, overview

    with deployment.transaction() as session:
        for days in range(LISTED + 5):
            add_task(session, network, -1 - days)
        add_task(session, network, -3, partner=network.clinic)
        add_task(session, network, 2, partner=network.clinic)
        add_task(session, network, 3, partner=network.clinic, fate=[("commit", 0)])
        escalate(session, EscalationConfig(), today=TODAY)
    with deployment.session() as session:
        seen = overview(session, deployment, today=TODAY, actor=OPERATOR)
    assert seen.overdue_count == LISTED + 6 and seen.partners_overdue == 2
    # Each task is listed once: a proposal under "awaiting", a commitment under "this week".
    assert seen.due_this_week_count == 2 and [t.due_date for t in seen.due_this_week] == [
        TODAY + timedelta(days=3)
    ]
    assert seen.awaiting_commitment == LISTED + 7
    assert [t.due_date for t in seen.awaiting] == [TODAY + timedelta(days=2)]
    assert len(seen.most_overdue) == LISTED
    assert seen.most_overdue[0].due_date == TODAY - timedelta(days=LISTED + 5)
    counselling, clinic = seen.overdue_by_partner
    assert (counselling.partner_key, counselling.overdue) == ("suchtberatung", LISTED + 5)
    # Its task is not among the most overdue: the page links to all of them instead.
    assert (clinic.overdue, clinic.tasks) == (1, [])
    assert counselling.tasks == seen.most_overdue
    # Escalated to the accountable party (7 days overdue and more), counted whole.
    assert seen.escalated_count == LISTED + 5 - 6
    marked = [t for t in seen.most_overdue if t.escalation in ("accountable", "network")]
    assert marked == [t for t in seen.most_overdue if t.days_overdue >= 7]


@pytest.mark.parametrize("form", ["compute", "query"])
def test_a_failing_indicator_spoils_only_its_own_reading(deployment, network, form) -> None:
    """A report reads its indicators together; a plugin's computation or query that fails
    (here a statement the database refuses, which on PostgreSQL aborts the transaction)
    becomes a reading with its error, and every other reading is still computed, those
    asked together with the failing query included."""
    import sqlalchemy as sa

    from netzwerker.contributions import Indicator
    from netzwerker.deployment import Contributed
    from netzwerker.domain.indicators.services import compute_readings

    missing = sa.select(sa.func.count()).select_from(sa.table("no_such_table"))
    if form == "compute":
        indicator = Indicator(
            "broken", "Kaputt", "Anzahl", compute=lambda session, *_: session.scalar(missing)
        )
    else:
        indicator = Indicator("broken", "Kaputt", "Anzahl", query=lambda *_: missing)
    deployment.registry.indicators["broken"] = Contributed(indicator, "test")
    with deployment.transaction() as session:
        add_task(session, network, -3, fate=[("commit", -10), ("complete", -5)])
    with deployment.session() as session:
        readings = compute_readings(
            session,
            deployment,
            Period(TODAY - timedelta(days=30), TODAY),
            keys=["broken", "tasks_on_time_rate", "referral_wait_days"],
            today=TODAY,
        )
    by_key = {reading.indicator: reading for reading in readings}
    assert by_key["broken"].value is None and "no_such_table" in by_key["broken"].error
    assert by_key["tasks_on_time_rate"].value == 100 and not by_key["tasks_on_time_rate"].error
    assert by_key["referral_wait_days"].value is None and not by_key["referral_wait_days"].error


def test_an_indicator_is_computed_or_queried_not_both() -> None:
    from netzwerker.contributions import Indicator

    with pytest.raises(ValueError, match="compute or query, not both"):
        Indicator("twice", "Doppelt", "Anzahl", compute=lambda *_: 1, query=lambda *_: None)
    assert Indicator("by_hand", "Von Hand", "Anzahl").manual


def test_a_page_of_overdue_tasks_is_read_in_order_not_sorted(deployment, network) -> None:
    """Once ``migrate`` or ``import`` has told SQLite's planner what the data is like, a page
    of overdue tasks (and each list of the start page) reads open tasks in due-date order from
    their partial index, instead of sorting all of them for the first fifty. (PostgreSQL
    keeps its own statistics and decides by them.)"""
    import sqlalchemy as sa
    from sqlalchemy.dialects import sqlite

    from netzwerker.db import refresh_statistics
    from netzwerker.domain.tasks.models import Task
    from netzwerker.domain.tasks.overview import task_lines
    from netzwerker.domain.tasks.queries import TaskFilter, overdue

    if deployment.engine.dialect.name != "sqlite":
        pytest.skip("the plan asked for is SQLite's")
    with deployment.transaction() as session:
        done = [add_task(session, network, -day, fate=[("commit", -90), ("complete", -90)])
                for day in range(1, 120)]  # fmt: skip
        for day in range(1, 12):
            add_task(session, network, -day)
    assert len(done) == 119
    refresh_statistics(deployment.engine)
    page = (
        sa.select(Task)
        .where(*TaskFilter(overdue=True).clauses(TODAY))
        .order_by(Task.due_date, Task.id)
        .limit(50)
    )
    statements = [page, sa.select(Task.id).where(overdue(TODAY)).order_by(Task.due_date, Task.id)]
    with deployment.engine.connect() as connection:
        for statement in statements:
            sql = str(
                statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            plan = " ".join(
                row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
            )
            assert "ix_task_open_due" in plan and "TEMP B-TREE" not in plan, plan
    with deployment.session() as session:
        assert len(task_lines(session, overdue(TODAY), today=TODAY)) == 11
