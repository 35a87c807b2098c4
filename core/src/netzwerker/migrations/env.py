"""Alembic environment shared by the core and every plugin's revisions.

``netzwerker migrate`` runs it with a connection, the history's version table and its revision
folder in ``config.attributes``; see :mod:`netzwerker.schema`.
"""

import sqlmodel
from alembic import context

from netzwerker import models  # noqa: F401  (every core table in the metadata)

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=sqlmodel.SQLModel.metadata,
    version_table=config.attributes["version_table"],
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
