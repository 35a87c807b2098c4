"""The migrations create the schema the models describe; plugins migrate on their own."""

from __future__ import annotations

from datetime import date

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
