"""The database schema: Alembic migrations for the core and each enabled plugin.

Each history keeps its own version table (``alembic_version`` for the core,
``alembic_version_<plugin>`` for a plugin), so plugins migrate independently: disabling one
leaves its tables alone, enabling it again continues its history.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from netzwerker.db import refresh_statistics
from netzwerker.deployment import Deployment
from netzwerker.plugins import call_each

if TYPE_CHECKING:
    from netzwerker.domain.fields.services import SyncResult

MIGRATIONS = Path(__file__).parent / "migrations"
CORE_VERSION_TABLE = "alembic_version"


@attrs.frozen
class History:
    """One migration history: the core's or a plugin's."""

    owner: str
    versions: Path
    version_table: str


def histories(deployment: Deployment) -> list[History]:
    """The core's history first, then those of the enabled plugins that ship migrations."""
    found = [History("core", MIGRATIONS / "versions", CORE_VERSION_TABLE)]
    for plugin, folder in call_each(deployment.manager, "register_migrations"):
        found.append(History(plugin, Path(folder), f"{CORE_VERSION_TABLE}_{plugin}"))
    return found


def _config(history: History, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", str(history.versions))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    config.attributes["version_table"] = history.version_table
    return config


def upgrade(deployment: Deployment) -> list[str]:
    """Bring every history to its head; returns a line per history for the command line."""
    lines = []
    with deployment.engine.begin() as connection:
        for history in histories(deployment):
            before = _current(connection, history)
            command.upgrade(_config(history, connection), "heads")
            after = _current(connection, history)
            state = "up to date" if before == after else f"{before or 'empty'} -> {after}"
            lines.append(f"{history.owner}: {state}")
    return lines


def migrate(deployment: Deployment) -> tuple[list[str], SyncResult]:
    """What ``netzwerker migrate`` does: every history to its head, then the working fields
    and goals of the deployment stored. Returns :func:`upgrade`'s lines and what was stored."""
    from netzwerker.domain.fields.services import sync_reference_data

    lines = upgrade(deployment)
    with deployment.transaction() as session:
        stored = sync_reference_data(session, deployment)
    refresh_statistics(deployment.engine)
    return lines, stored


def upgrade_to(deployment: Deployment, revisions: dict[History, list[str]]) -> None:
    """Bring each of these histories to the given revisions (a backup's), not to its head."""
    with deployment.engine.begin() as connection:
        for history, wanted in revisions.items():
            for revision in wanted:
                command.upgrade(_config(history, connection), revision)


def _current(connection: Connection, history: History) -> str:
    context = MigrationContext.configure(connection, opts={"version_table": history.version_table})
    return ",".join(sorted(context.get_current_heads()))


@functools.cache
def _heads(history: History) -> str:
    """The head revisions of a history's scripts; they change only with the installation."""
    return ",".join(sorted(ScriptDirectory.from_config(_config(history)).get_heads()))


def pending(deployment: Deployment) -> list[str]:
    """The histories whose database state is behind their head (empty: the schema is current)."""
    with deployment.engine.connect() as connection:
        return [
            history.owner
            for history in histories(deployment)
            if _current(connection, history) != _heads(history)
        ]
