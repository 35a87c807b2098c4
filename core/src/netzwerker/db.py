"""Engines and sessions: SQLite by default, PostgreSQL through a URL."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session

from netzwerker.errors import InvalidInput, Problem


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
    if url.database not in (None, "", ":memory:") and "poolclass" not in kwargs:
        # The most recently used connection first: its cache (SQLite's is per connection)
        # is warm, and idle ones beyond the pool's size close.
        kwargs = {"pool_use_lifo": True, **kwargs}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def check_lengths(session: Session, *_: Any) -> None:
    """``before_flush``: refuse a text longer than its column, naming the field, before the
    database sees it: SQLite would store it whole, PostgreSQL refuse it without a name.
    Nothing of the transaction is written."""
    problems: list[Problem] = []
    for instance in [*session.new, *session.dirty]:
        for key, length in _text_limits(type(instance)):  # type: ignore[arg-type]
            value = getattr(instance, key, None)
            if isinstance(value, str) and len(value) > length:
                problems.append(Problem(key, f"at most {length:,} characters, got {len(value):,}"))
    if problems:
        raise InvalidInput(problems)


@cache
def _text_limits(model: type) -> tuple[tuple[str, int], ...]:
    """The mapped text attributes of ``model`` that have a length, with it."""
    mapper: Any = sa.inspect(model, raiseerr=False)
    if mapper is None:
        return ()
    limits = []
    for attribute in mapper.column_attrs:
        kind = attribute.columns[0].type
        # SQLModel's text columns are a type wrapping SQLAlchemy's String.
        text = kind if isinstance(kind, sa.String) else getattr(kind, "impl_instance", None)
        if isinstance(text, sa.String) and text.length:
            limits.append((attribute.key, text.length))
    return tuple(limits)


def conflict_insert(dialect: str) -> Any:
    """``insert`` with ``on_conflict_do_nothing``/``on_conflict_do_update`` for the database
    ``dialect`` names (PostgreSQL's, else SQLite's): how a row is written once, or counted up,
    by two workers at once without a race."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def refresh_statistics(engine: Engine) -> None:
    """Tell the query planner what the data is like now (``ANALYZE``), after a migration or a
    bulk load. SQLite keeps no statistics until asked; without them it may, say, sort every
    open task for a page of fifty instead of reading them in order from the index made for
    that. (PostgreSQL's autovacuum refreshes them too, but only some minutes later.)"""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def insert_rows(
    connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many rows at once; their new ids, in the rows' order.

    On PostgreSQL the ids are taken from the table's sequence ahead and written with the rows:
    an insert without ``RETURNING`` goes to psycopg as one statement in a pipeline, where with
    ``RETURNING`` the rows become pages of thousands of parameters that cost more to build and
    parse than to store. SQLite's ``INSERT … RETURNING`` gives the ids cheaply."""
    if connection.dialect.name != "postgresql":
        returning = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(connection.execute(returning, rows).scalars())
    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
    series = sa.func.generate_series(1, len(rows)).table_valued("n").render_derived()
    ids = list(
        connection.scalars(
            sa.select(sa.func.nextval(sequence)).select_from(series).order_by(series.c.n)
        )
    )
    connection.execute(
        sa.insert(table), [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)]
    )
    return ids


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads straight from the mapped file instead of a copy per connection.
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()
    dbapi_connection.create_aggregate("median", 1, Median)


class Median:
    """SQLite's ``median(x)`` aggregate (PostgreSQL has ``percentile_cont``): the middle
    value, or the mean of the two middle ones; NULLs are left out, no values give NULL."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


def version_column() -> sa.Column:
    """The optimistic-locking column: a stale write raises StaleDataError (409 in the API)."""
    return sa.Column("version", sa.Integer, nullable=False)


def append_only_statements(dialect: str, table: str, what: str) -> list[str]:
    """SQL that makes the database itself refuse UPDATE and DELETE on ``table``.

    For migrations: ``for sql in append_only_statements(...): op.execute(sql)``.
    """
    message = f"{what} is append-only"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            for verb in ("update", "delete")
        ]
    return [
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
    ]


def drop_append_only_statements(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return []  # the triggers go with the table
    return [
        f"DROP TRIGGER {table}_append_only ON {table}",
        f"DROP FUNCTION {table}_append_only()",
    ]


def contains_text(columns: list[Any], text: str) -> sa.ColumnElement[bool]:
    """Any of ``columns`` contains ``text``, case-insensitively; ``%``, ``_`` and ``\\`` in
    the text are matched literally."""
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.or_(*(column.ilike(f"%{escaped}%", escape="\\") for column in columns))


def next_in_history(
    session: Any, seq_column: Any, at_column: Any, owner: sa.ColumnElement[bool], now: Any
) -> tuple[int, Any]:
    """The number and time of the next entry of an append-only history (task or workflow).

    Numbered without gaps; the time never goes backwards, even if the clock does.
    """
    # No autoflush: the owner's pending change is flushed by the caller, which turns a stale
    # version into a Conflict.
    with session.no_autoflush:
        last_seq, last_at = session.execute(
            sa.select(sa.func.max(seq_column), sa.func.max(at_column)).where(owner)
        ).one()
    return (last_seq or 0) + 1, max(now, last_at) if last_at else now


def flush_or_conflict(session: Any, what: str) -> None:
    """Write pending changes; a stale version means someone else changed ``what`` first."""
    from netzwerker.errors import Conflict

    try:
        session.flush()
    except sa.orm.exc.StaleDataError:
        raise Conflict(f"{what} was changed meanwhile") from None


def page_of(
    session: Any,
    model: type,
    clauses: list[Any],
    order_by: list[Any],
    *,
    limit: int,
    offset: int,
) -> tuple[list[Any], int]:
    """One page of ``model``'s records matching ``clauses``, and how many match in all:
    the two queries every list endpoint makes."""
    total = session.scalar(sa.select(sa.func.count()).select_from(model).where(*clauses))
    query: sa.Select[Any] = (
        sa.select(model).where(*clauses).order_by(*order_by).limit(limit).offset(offset)
    )
    return list(session.scalars(query)), total or 0
