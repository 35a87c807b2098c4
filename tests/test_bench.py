"""The benchmark's generator and floor: deterministic data that keeps the services'
invariants, and the SQL of a request replayed through the bare driver."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import attrs
import sqlalchemy as sa

from bench.endpoints import ENDPOINTS
from bench.floor import capture, replay
from bench.generate import SCALES, generate
from bench.report import markdown
from bench.setup import BenchDeployment
from netzwerker.contributions import Period
from netzwerker.deployment import load
from netzwerker.domain.tasks.report import GROUPINGS, accountability_report
from netzwerker.domain.tasks.services import TaskDraft, create_task
from netzwerker.domain.users.models import Role
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.users.services import UserDraft, add_user, create_token
from netzwerker.schema import migrate
from netzwerker.testing import ALL_PLUGINS_CONFIG, scratch_database

TINY = attrs.evolve(
    SCALES["S"], name="T", partners=30, tasks=400, cases=40, referrals=120, conferences=4,
    offers=30, needs=10,
)  # fmt: skip
TODAY = date(2026, 6, 15)


def rows(deployment, sql: str) -> list[tuple]:
    with deployment.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def test_the_generator_is_deterministic_and_keeps_the_invariants(make_deployment, tmp_path) -> None:
    first = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    generated = generate(first.engine, TINY, today=TODAY, seed=3)
    assert generated.counts["task"] == 400 and generated.counts["referral"] == 120
    # Same seed, same day, another database: the same rows.
    with scratch_database(tmp_path, "again") as url:
        second = load(first.folder, database_url=url)
        migrate(second)
        assert generate(second.engine, TINY, today=TODAY, seed=3) == generated
        for table in ("task", "task_event", "referral", "registration", "offer_term"):
            query = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert rows(second, query) == rows(first, query), table
        second.dispose()
    # Every task has a history from its proposal to its status.
    assert rows(
        first,
        """SELECT count(*) FROM task WHERE status <> (
        SELECT to_status FROM task_event e WHERE e.task_id = task.id
        ORDER BY seq DESC LIMIT 1)""",
    ) == [(0,)]
    # Escalations belong to tasks open past their due date.
    assert rows(
        first,
        f"""SELECT count(*) FROM escalation JOIN task ON task.id = task_id
        WHERE task.status IN ('done', 'declined', 'cancelled')
           OR task.due_date >= '{TODAY}'""",
    ) == [(0,)]
    # A referral goes to a partner the case consented to.
    assert rows(
        first,
        """SELECT count(*) FROM referral JOIN consent ON consent.id = consent_id
        WHERE consent.partner_id <> referral.to_partner_id
           OR consent.case_id <> referral.case_id""",
    ) == [(0,)]
    # Seats taken are the registrations that hold one.
    assert rows(
        first,
        """SELECT count(*) FROM conference WHERE seats_taken <> (
        SELECT count(*) FROM registration r WHERE r.conference_id = conference.id
        AND r.status = 'registered')""",
    ) == [(0,)]
    # The tally the triggers kept while the rows went in gives the counted report.
    with first.session() as session:
        for by in GROUPINGS:
            assert accountability_report(session, by=by, today=TODAY) == accountability_report(
                session, by=by, today=TODAY, period=Period(date.min, date.max)
            )
        # New records follow the generated ones (PostgreSQL's sequences were moved on).
        task = create_task(
            session,
            TaskDraft(
                title="Neu", working_field="health", responsible_partner_id=2,
                due_date=TODAY + timedelta(days=3), accountable_person_id=1,
            ),
            actor="test",
        )  # fmt: skip
        assert task.id == 401


def test_the_floor_replays_the_statements_of_a_request(make_deployment, caplog) -> None:
    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    generated = generate(deployment.engine, TINY, today=deployment.today(), seed=3)
    with deployment.transaction() as session:
        user = add_user(
            session, UserDraft("koordination", Role.COORDINATOR), actor=Actor.operator("test")
        )
        token = create_token(session, user, "bench", actor=Actor.operator("test")).secret
    bench = BenchDeployment(deployment.folder, deployment, generated, token)
    chosen = [e for e in ENDPOINTS if e.key in ("accountability", "transition")]
    caplog.set_level(logging.WARNING)
    statements = capture(bench, chosen)
    assert any("user_account" in s.sql for s in statements["accountability"]), "the token"
    assert any(s.sql.startswith("UPDATE task") for s in statements["transition"])
    # The captured write was rolled back: the task is still in progress.
    first_task = generated.tasks_in_progress[0]
    assert rows(deployment, f"SELECT status FROM task WHERE id = {first_task}") == [
        ("in_progress",)
    ]
    for endpoint in chosen:
        floor = replay(
            deployment.engine, statements[endpoint.key], write=endpoint.write, seconds=0.05
        )
        assert floor.requests >= 1 and floor.p50_ms > 0
    assert rows(deployment, f"SELECT status FROM task WHERE id = {first_task}") == [
        ("in_progress",)
    ]


def test_the_table_shows_each_scale_beside_the_other() -> None:
    figures = {"requests": 10, "rps": 250.0, "p50_ms": 3.0, "p99_ms": 9.0, "failures": 0}
    run = {
        "database": "sqlite", "startup_seconds": 1.5, "server_peak_mb": 150.0,
        "endpoints": {"overdue": {
            "title": "Overdue tasks", "statements": 4, "one_by_one": False,
            "latency": figures, "load": {**figures, "failures": 2},
            "floor": figures, "ratio": 12.0,
        }},
    }  # fmt: skip
    results = {
        "when": "2026-11-23T03:00:00+00:00",
        "machine": {
            "cpu": "CPU",
            "cores": 2,
            "memory_gb": 4,
            "system": "Linux",
            "python": "3.11",
            "sqlite": "3.40",
        },
        "settings": {"seconds": 5, "connections": 16, "databases": ["sqlite"]},
        "runs": [{**run, "scale": "S"}, {**run, "scale": "M"}],
        "commands": [],
    }
    table = markdown(results)
    assert "| endpoint | SQL | S req/s | S p50 ms | S p99 ms | S × floor | M req/s |" in table
    assert "| Overdue tasks | 4 | 250 (2 failed) | 3.00 | 9.00 | 12.0 | 250 (2 failed) |" in table
    # The targets at M: each held or missed, with the figure that decides it.
    assert "| Overdue tasks, one page: at least 2,000 requests/s | missed: 250 req/s |" in table
    assert "| No endpoint's p99 over 100 ms | held: 9.00 ms |" in table
