"""Backup and restore of a deployment's database, the same for SQLite and PostgreSQL.

A backup is a zip file: ``manifest.json`` (format, deployment, time, the schema revision of
each migration history, rows per table) and ``tables/<table>.jsonl`` with one JSON object per
row; only its owner may read it (0600), and where the deployment names ``[backup]
recipients`` it is encrypted to them with age. Being independent of the database, it also
moves a deployment from SQLite to PostgreSQL.

Restoring builds the schema at the backup's revisions, inserts every row in the order of the
foreign keys, sets PostgreSQL's id sequences past the highest id, and then migrates to the
current heads — so a backup made by an older release restores into a newer one.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pyrage
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from netzwerker import schema
from netzwerker.clock import utcnow
from netzwerker.deployment import Deployment
from netzwerker.errors import Refused

FORMAT = 1
VERSION_PREFIX = schema.CORE_VERSION_TABLE
BATCH = 1000


@attrs.frozen
class Summary:
    """What a backup holds or a restore wrote: rows per table and the schema revisions."""

    path: Path
    rows: dict[str, int]
    versions: dict[str, list[str]]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot store {type(value).__name__} in a backup")


def _aware(text: str) -> datetime:
    """A time for a column with time zone; SQLite's times are UTC without one."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _decoder(column: sa.Column[Any]) -> Any:
    """How to turn the JSON text of a column's value back into its Python value."""
    kind = column.type
    if isinstance(kind, sa.DateTime) and kind.timezone:
        return _aware
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat
    if isinstance(kind, sa.Date):
        return date.fromisoformat
    if isinstance(kind, sa.Time):
        return time.fromisoformat
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float):
        return Decimal
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode
    return None


#: Tables the database derives from others by triggers; a restore rebuilds them.
DERIVED = frozenset({"task_tally"})


def _tables(connection: Connection) -> tuple[list[sa.Table], list[sa.Table]]:
    """The data tables in foreign-key order, and the migration version tables."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    data: list[sa.Table] = []
    versions: list[sa.Table] = []
    for table in metadata.sorted_tables:
        if table.name in DERIVED:
            continue
        (versions if table.name.startswith(VERSION_PREFIX) else data).append(table)
    return data, versions


def _versions(connection: Connection, tables: list[sa.Table]) -> dict[str, list[str]]:
    return {
        table.name: sorted(row[0] for row in connection.execute(sa.select(table.c.version_num)))
        for table in tables
    }


def _private(path: Path) -> io.BufferedWriter:
    """A new file only its owner may read and write (0600): a backup holds identities,
    password hashes and token digests."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file was there before
    return io.BufferedWriter(io.FileIO(descriptor, "wb"))


def backup(deployment: Deployment, target: Path) -> Summary:
    """Write every row of the deployment's database to ``target`` (a zip file)."""
    engine = deployment.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    rows: dict[str, int] = {}
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (
        engine.connect().execution_options(**options) as connection,
        connection.begin(),
        _private(partial) as file,
    ):
        data, version_tables = _tables(connection)
        versions = _versions(connection, version_tables)
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in data:
                order = list(table.primary_key.columns) or list(table.columns)
                with archive.open(f"tables/{table.name}.jsonl", "w") as out:
                    count = 0
                    for row in connection.execute(sa.select(table).order_by(*order)):
                        line = json.dumps(dict(row._mapping), default=_encode, ensure_ascii=False)
                        out.write(line.encode("utf-8") + b"\n")
                        count += 1
                rows[table.name] = count
            manifest = {
                "format": FORMAT,
                "deployment": deployment.name,
                "created_at": utcnow().isoformat(),
                "database": engine.dialect.name,
                "versions": versions,
                "rows": rows,
            }
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    recipients = deployment.config.backup.recipients
    if recipients:
        sealed = target if target.name.endswith(".age") else target.with_name(target.name + ".age")
        _seal(partial, sealed, recipients)
        target = sealed
    else:
        partial.replace(target)  # a backup that is there is complete
    return Summary(target, rows, versions)


def _seal(plain: Path, target: Path, recipients: list[str]) -> None:
    """Encrypt ``plain`` to the age ``recipients`` as ``target``; the plain file goes."""
    keys = [pyrage.x25519.Recipient.from_str(recipient) for recipient in recipients]
    partial = target.with_name(target.name + ".partial")
    try:
        with plain.open("rb") as reader, _private(partial) as writer:
            pyrage.encrypt_io(reader, writer, keys)
        partial.replace(target)
    finally:
        plain.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


#: How an age file begins.
AGE_HEADER = b"age-encryption.org/v1"


def is_sealed(source: Path) -> bool:
    with source.open("rb") as file:
        return file.read(len(AGE_HEADER)) == AGE_HEADER


@contextmanager
def readable(source: Path, identity: Path | None = None) -> Iterator[Path]:
    """The backup as a zip file: ``source`` itself, or for an encrypted one its plain
    content in a private temporary folder (deleted afterwards), opened with the age
    private key in the file ``identity``."""
    if not is_sealed(source):
        yield source
        return
    if identity is None:
        raise Refused(f"{source} is encrypted: give its age private key with --identity FILE")
    try:
        lines = identity.read_text(encoding="utf-8").splitlines()
        keys = [
            pyrage.x25519.Identity.from_str(line.strip())
            for line in lines
            if line.strip().startswith("AGE-SECRET-KEY-")
        ]
    except (OSError, UnicodeDecodeError, pyrage.IdentityError) as exc:
        raise Refused(f"{identity}: not an age private key ({type(exc).__name__})") from None
    if not keys:
        raise Refused(f"{identity}: holds no age private key (AGE-SECRET-KEY-…)")
    with tempfile.TemporaryDirectory(prefix="netzwerker-restore-") as folder:
        plain = Path(folder) / "backup.zip"
        with source.open("rb") as reader, _private(plain) as writer:
            try:
                pyrage.decrypt_io(reader, writer, keys)
            except pyrage.DecryptError:
                raise Refused(f"{source}: the key in {identity} does not open it") from None
        yield plain


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        raise Refused(f"{source}: not a netzwerker backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise Refused(f"{source}: backup format {manifest.get('format')!r}, expected {FORMAT}")
    return manifest


def _lines(archive: zipfile.ZipFile, table: str) -> Iterator[dict[str, Any]]:
    with archive.open(f"tables/{table}.jsonl") as lines:
        for line in lines:
            yield json.loads(line)


def _rows(archive: zipfile.ZipFile, table: sa.Table) -> Iterator[list[dict[str, Any]]]:
    decoders = {column.name: _decoder(column) for column in table.columns}
    batch: list[dict[str, Any]] = []
    for number, row in enumerate(_lines(archive, table.name), 1):
        for name, value in row.items():
            decode = decoders.get(name)
            if decode is not None and value is not None:
                try:
                    row[name] = decode(value)
                except (ValueError, ArithmeticError, TypeError):
                    raise Refused(
                        f"table {table.name}, row {number}: column {name} is not "
                        f"a {type(table.c[name].type).__name__.lower()}"
                    ) from None
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


#: What JSON gives for a column's type (besides null).
_JSON_KINDS: list[tuple[type, tuple[type, ...]]] = [
    (sa.Boolean, (bool,)),
    (sa.Integer, (int,)),
    (sa.Float, (int, float)),
    (sa.String, (str,)),
]


def _row_problem(table: sa.Table, row: dict[str, Any]) -> str | None:
    """What makes a decoded row unfit for its table, without naming its values."""
    unknown = sorted(set(row) - set(table.c.keys()))
    if unknown:
        return f"unknown column {unknown[0]}"
    for column in table.columns:
        value = row.get(column.name)
        if value is None:
            if (
                not column.nullable
                and column.server_default is None
                and not (column.primary_key and column.autoincrement)
            ):
                return f"column {column.name} is empty, the schema requires a value"
            continue
        for kind, python in _JSON_KINDS:
            if isinstance(column.type, kind):
                if not isinstance(value, python) or (
                    kind is sa.Integer and isinstance(value, bool)
                ):
                    return f"column {column.name} is not a {kind.__name__.lower()}"
                break
        length = getattr(column.type, "length", None)
        if isinstance(value, str) and length and len(value) > length:
            return (
                f"column {column.name} holds {len(value):,} characters, "
                f"the schema allows {length:,}"
            )
    return None


def check_backup(source: Path, tables: list[sa.Table], manifest: dict[str, Any]) -> None:
    """Read every row of the backup against the schema before a row is written: the first
    unfit row refuses the whole restore, named by table, row and column, never by its data."""
    with zipfile.ZipFile(source) as archive:
        for table in tables:
            if table.name not in manifest["rows"]:
                continue
            number = 0
            for batch in _rows(archive, table):
                for row in batch:
                    number += 1
                    problem = _row_problem(table, row)
                    if problem:
                        raise Refused(f"table {table.name}, row {number}: {problem}")


def _filled(connection: Connection, tables: list[sa.Table]) -> dict[str, int]:
    counts = {
        table.name: connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in tables
    }
    return {name: count for name, count in counts.items() if count}


def _reset_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    """Let PostgreSQL's next id follow the highest restored one."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.scalar(
                sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": f'"{table.name}"', "column": column.name},
            )
            if sequence:
                connection.execute(
                    sa.text(
                        f"SELECT setval('{sequence}', "
                        f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 1), '
                        f'(SELECT MAX("{column.name}") FROM "{table.name}") IS NOT NULL)'
                    )
                )


def _drop_everything(connection: Connection) -> None:
    """Drop every table, version tables too, and on PostgreSQL the trigger functions the
    migrations made (append-only tables, the task tally): dropping a table is not refused
    by them, deleting its rows would be, and the migrations create them again."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    metadata.drop_all(connection)
    if connection.dialect.name == "postgresql":
        functions = connection.execute(
            sa.text(
                "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = current_schema() AND p.prorettype = 'trigger'::regtype"
            )
        ).scalars()
        for function in list(functions):
            connection.execute(sa.text(f'DROP FUNCTION "{function}"()'))


def restore(deployment: Deployment, source: Path, *, replace: bool = False) -> Summary:
    """Restore the backup ``source`` into the deployment's database.

    A database that holds data is refused unless ``replace``: then every table is dropped and
    the schema rebuilt at the backup's revisions (make a backup of it first; the command line
    does).
    """
    manifest = read_manifest(source)
    wanted: dict[str, list[str]] = manifest["versions"]
    histories = {history.version_table: history for history in schema.histories(deployment)}
    unknown = sorted(set(wanted) - set(histories))
    if unknown:
        raise Refused(
            "the backup has schema histories this deployment does not enable: "
            + ", ".join(unknown)
            + " (enable their plugins in deployment.toml first)"
        )
    with deployment.engine.begin() as connection:
        data, version_tables = _tables(connection)
        present = _filled(connection, data)
        if present and not replace:
            raise Refused(
                f"the database holds {sum(present.values())} rows in {len(present)} tables "
                f"({', '.join(sorted(present))}); restore --replace deletes them first"
            )
        current = _versions(connection, version_tables)
        if replace:
            _drop_everything(connection)
            current = {}
    other = {
        name: revisions
        for name, revisions in current.items()
        if revisions and wanted.get(name) and revisions != wanted[name]
    }
    if other:
        raise Refused(
            "the database's schema is at other revisions than the backup's "
            f"({', '.join(f'{name}: {revs}' for name, revs in sorted(other.items()))}); "
            "restore --replace rebuilds it"
        )
    schema.upgrade_to(deployment, {histories[name]: revs for name, revs in wanted.items()})
    try:
        rows = _write_rows(deployment, source, manifest)
    except BaseException:
        # All or nothing: the schema built for the backup goes too, so the database is
        # as empty as before and a second try starts afresh.
        with deployment.engine.begin() as connection:
            _drop_everything(connection)
        raise
    schema.upgrade(deployment)
    return Summary(source, rows, wanted)


def _write_rows(deployment: Deployment, source: Path, manifest: dict[str, Any]) -> dict[str, int]:
    """Every row of the backup, checked first, then written in one transaction. A row the
    database still refuses is named by its table alone: no data reaches the terminal."""
    rows: dict[str, int] = {}
    with deployment.engine.connect() as connection:
        data, _ = _tables(connection)
    by_name = {table.name: table for table in data}
    missing = sorted(set(manifest["rows"]) - set(by_name))
    if missing:
        raise Refused(f"the backup has tables the schema lacks: {', '.join(missing)}")
    check_backup(source, data, manifest)
    with zipfile.ZipFile(source) as archive, deployment.engine.begin() as connection:
        for table in data:
            if table.name not in manifest["rows"]:
                continue
            rows[table.name] = 0
            for batch in _rows(archive, table):
                try:
                    connection.execute(table.insert(), batch)
                except sa.exc.DBAPIError as exc:
                    reason = type(exc.orig).__name__ if exc.orig is not None else "refused"
                    raise Refused(
                        f"table {table.name}: the database refused rows "
                        f"{rows[table.name] + 1} to {rows[table.name] + len(batch)} ({reason})"
                    ) from None
                rows[table.name] += len(batch)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, data)
    return rows
