"""The floor: the very SQL statements an endpoint runs, replayed through the bare driver.

One request per endpoint goes through the application in this process while a listener on
the engine records each statement with its parameters, the token check included. Replaying
them on one DB-API connection, in a loop, shows what the database alone costs; the ratio of
an endpoint's latency to its floor is what the framework, the ORM and the JSON cost on top.
Statements of a write are replayed in a transaction that is rolled back, so the floor of a
write leaves the data as it was (and pays no commit).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import sqlalchemy as sa
from litestar.testing import TestClient

from bench.endpoints import Endpoint
from bench.setup import BenchDeployment
from bench.stats import Figures, figures
from netzwerker.app import create_app


@attrs.frozen
class Statement:
    sql: str
    parameters: Any
    many: bool


@contextmanager
def recording(engine: sa.Engine) -> Iterator[list[Statement]]:
    statements: list[Statement] = []

    def record(conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, many: bool) -> None:
        statements.append(Statement(sql, parameters, many))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@contextmanager
def rolled_back(engine: sa.Engine, write: bool) -> Iterator[None]:
    """The application's commits become rollbacks: a write is captured, not kept."""
    if not write:
        yield
        return
    dialect = engine.dialect
    dialect.do_commit = dialect.do_rollback  # type: ignore[method-assign]
    try:
        yield
    finally:
        del dialect.do_commit


def capture(bench: BenchDeployment, endpoints: list[Endpoint]) -> dict[str, list[Statement]]:
    """Each endpoint's statements, from its first request line (sent once to warm up)."""
    captured = {}
    headers = {"Authorization": f"Bearer {bench.token}", "Content-Type": "application/json"}
    engine = bench.deployment.engine
    with TestClient(create_app(bench.deployment)) as client:
        for endpoint in endpoints:
            with rolled_back(engine, endpoint.write):
                method, path, body = _parts(endpoint.lines(bench)[0], "warm")
                client.request(method, path, headers=headers, content=body)
                method, path, body = _parts(endpoint.lines(bench)[0], "capture")
                with recording(engine) as statements:
                    answer = client.request(method, path, headers=headers, content=body)
            if answer.status_code >= 400:
                raise RuntimeError(f"{endpoint.key}: {answer.status_code} {answer.text[:300]}")
            captured[endpoint.key] = statements
    return captured


def _parts(line: str, tag: str) -> tuple[str, str, bytes | None]:
    method, path, body = line.split("\t", 2)
    return method, path, body.replace("{n}", tag).encode() if body else None


def replay(
    engine: sa.Engine, statements: list[Statement], *, write: bool, seconds: float
) -> Figures:
    """Run the statements again and again on one driver connection for ``seconds``."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        latencies = []
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            start = time.perf_counter()
            for statement in statements:
                if statement.many:
                    cursor.executemany(statement.sql, statement.parameters)
                else:
                    cursor.execute(statement.sql, statement.parameters)
                if cursor.description is not None:
                    cursor.fetchall()
            if write:
                connection.rollback()
            else:
                connection.commit()
            latencies.append(time.perf_counter() - start)
        return figures(latencies, time.perf_counter() - began)
    finally:
        connection.close()
