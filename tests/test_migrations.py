"""The migrations create the schema the models describe; plugins migrate on their own."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import netzwerker.models  # noqa: F401
import netzwerker_health.models  # noqa: F401
import netzwerker_single_parents.models  # noqa: F401
from netzwerker import schema
from netzwerker.testing import ALL_PLUGINS_CONFIG, MINIMAL_CONFIG, migrate_deployment

VERSION_TABLES = {
    "alembic_version",
    "alembic_version_health",
    "alembic_version_single_parents",
}


def test_migrations_match_the_models(make_deployment) -> None:
    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    with deployment.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    relevant = [d for d in diff if not (d[0] == "remove_table" and d[1].name in VERSION_TABLES)]
    assert relevant == []
    tables = set(sa.inspect(deployment.engine).get_table_names())
    assert set(SQLModel.metadata.tables) | VERSION_TABLES <= tables


def test_schema_is_current_after_migrate_and_not_before(make_deployment) -> None:
    deployment = make_deployment()
    assert schema.pending(deployment) == ["core", "health"]
    assert [line.split(":")[0] for line in schema.upgrade(deployment)] == ["core", "health"]
    assert schema.pending(deployment) == []
    assert schema.upgrade(deployment) == ["core: up to date", "health: up to date"]


def test_disabling_a_plugin_keeps_its_data_and_enabling_continues(make_deployment) -> None:
    deployment = make_deployment(migrate=True)
    with deployment.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO health_training (title, topic, held_on, participants, online) "
                "VALUES ('Alkohol im Beratungsgespräch', '', :day, 12, true)"
            ),
            {"day": date(2026, 3, 1)},
        )
    deployment.dispose()
    without = make_deployment(
        toml=MINIMAL_CONFIG.replace("[plugins.health]", "[plugins.health]\nenabled = false")
    )
    migrate_deployment(without)
    assert schema.pending(without) == []
    with without.engine.connect() as connection:
        fields = dict(connection.execute(sa.text("SELECT key, active FROM working_field")).all())
        assert not fields["health"] and fields["debt"]
        assert connection.execute(sa.text("SELECT count(*) FROM health_training")).scalar() == 1
    without.dispose()
    again = make_deployment(migrate=True)
    with again.engine.connect() as connection:
        assert connection.execute(
            sa.text("SELECT active FROM working_field WHERE key = 'health'")
        ).scalar()
        assert connection.execute(sa.text("SELECT count(*) FROM health_training")).scalar() == 1


def test_existing_households_become_cases_when_the_plugin_upgrades(make_deployment) -> None:
    """single_parents_0002 gives every household a case, its coach a case worker, and a
    household whose coaching ended a closed case."""
    from alembic import command

    from netzwerker.domain.fields.services import sync_reference_data

    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG)
    histories = {history.owner: history for history in schema.histories(deployment)}
    with deployment.engine.begin() as connection:
        for owner, history in histories.items():
            target = "single_parents_0001" if owner == "single_parents" else "heads"
            command.upgrade(schema._config(history, connection), target)
    with deployment.transaction() as session:
        sync_reference_data(session, deployment)
    statements = [
        "INSERT INTO partner (key, name, kind, region, social_area, email, phone, website, "
        "address, description, active, created_at, updated_at, version) VALUES ('anna', "
        "'ANNA', 'charity', '', '', '', '', '', '', '', true, :at, :at, 1)",
        "INSERT INTO person (partner_id, name, role, email, phone, active) "
        "VALUES (1, 'Coach', '', '', '', true)",
    ]
    instance = (
        "INSERT INTO workflow_run (workflow, state, subject, priority, data, started_at, "
        "state_since, closed_at, created_by, version) VALUES ('single_parents_coaching', "
        ":state, :subject, 0, '{}', :at, :at, :closed, 't', 1)"
    )
    household = (
        "INSERT INTO single_parents_household (reference, town, children, coach_person_id, "
        "coaching_id, over_caseload, created_at) VALUES (:subject, 'Ahlen', 1, 1, :coaching, "
        "false, :at)"
    )
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with deployment.engine.begin() as connection:
        for statement in statements:
            connection.execute(sa.text(statement), {"at": at})
        for number, closed in enumerate([None, datetime(2026, 6, 1, tzinfo=UTC)], 1):
            state = "intake" if closed is None else "exit"
            values = {"subject": f"BG-{number}", "at": at, "closed": closed, "state": state}
            connection.execute(sa.text(instance), values)
            connection.execute(sa.text(household), {**values, "coaching": number})
    schema.upgrade(deployment)
    with deployment.engine.connect() as connection:
        cases = connection.execute(
            sa.text(
                "SELECT c.pseudonym, c.kind, c.opened_on, c.closed_on, w.role, w.person_id "
                "FROM single_parents_household h JOIN case_record c ON c.id = h.case_id "
                "JOIN case_worker w ON w.case_id = c.id ORDER BY c.pseudonym"
            )
        ).all()
    assert [(c[0], c[1], str(c[2]), c[3] and str(c[3]), c[4], c[5]) for c in cases] == [
        ("BG-1", "household", "2026-03-02", None, "coach", 1),
        ("BG-2", "household", "2026-03-02", "2026-06-01", "coach", 1),
    ]


def test_workflow_instances_become_runs_and_keep_their_history(make_deployment) -> None:
    """core 0011 renames the table of the runs and the history's column: the rows stay, the
    history is still append-only, and the way back restores the old names."""
    import pytest
    from alembic import command

    deployment = make_deployment(toml=MINIMAL_CONFIG)
    core = next(history for history in schema.histories(deployment) if history.owner == "core")
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with deployment.engine.begin() as connection:
        command.upgrade(schema._config(core, connection), "0010_open_task_order")
        connection.execute(
            sa.text(
                "INSERT INTO workflow_instance (workflow, state, subject, priority, data, "
                "started_at, state_since, created_by, version) VALUES ('health_referral', "
                "'requested', 'F-1', 0, '{}', :at, :at, 't', 1)"
            ),
            {"at": at},
        )
        connection.execute(
            sa.text(
                "INSERT INTO workflow_event (instance_id, seq, at, actor, action, to_state, "
                "reason) VALUES (1, 1, :at, 't', 'start', 'requested', '')"
            ),
            {"at": at},
        )
    schema.upgrade(deployment)
    with deployment.engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT r.subject, e.action FROM workflow_run r JOIN workflow_event e ON e.run_id = r.id"
            )
        ).one()
        assert tuple(row) == ("F-1", "start")
    with (
        pytest.raises(sa.exc.DBAPIError, match="append-only"),
        deployment.engine.begin() as connection,
    ):
        connection.execute(sa.text("UPDATE workflow_event SET reason = 'x'"))
    with deployment.engine.begin() as connection:
        command.downgrade(schema._config(core, connection), "0010_open_task_order")
        assert connection.execute(sa.text("SELECT instance_id FROM workflow_event")).scalar() == 1
