"""Engines and sessions: SQLite by default, PostgreSQL through a URL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url


def normalise_url(url: str) -> URL:
    """``postgresql://`` and ``postgres://`` use psycopg 3, the driver netzwerker installs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine with the settings netzwerker relies on.

    SQLite gets foreign keys (off by default there), WAL so readers never wait for a writer,
    and a busy timeout so concurrent writers queue instead of failing.
    """
    url = normalise_url(str(url)) if isinstance(url, str) else url
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def version_column() -> sa.Column:
    """The optimistic-locking column: a stale write raises StaleDataError (409 in the API)."""
    return sa.Column("version", sa.Integer, nullable=False)
