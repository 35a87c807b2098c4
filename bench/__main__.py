"""``uv run python -m bench``: the benchmark of the server and the command line.

For each database and scale: a synthetic deployment with every plugin (``bench.generate``),
the floor of each endpoint (``bench.floor``), then the real server under wrk: one connection
for latency, several for throughput. Then the command line's costs. Results go to
``bench/results/latest.json`` and ``latest.md``; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa

from bench import commands
from bench.endpoints import ENDPOINTS
from bench.floor import capture, replay
from bench.generate import SCALES
from bench.load import SLOW_MS, drive, one_by_one, wrk_path
from bench.mail import mail_costs
from bench.report import into_readme, markdown
from bench.server import start
from bench.setup import database_url, prepare, write_configuration

HERE = Path(__file__).resolve().parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scales", nargs="+", default=["S", "M"], choices=list(SCALES))
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--seconds", type=float, default=5, help="per endpoint and run")
    parser.add_argument("--connections", type=int, default=16, help="for the throughput run")
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL") or POSTGRES,
                        help="a server where the benchmark may create databases")  # fmt: skip
    parser.add_argument("--only", nargs="+", choices=[e.key for e in ENDPOINTS],
                        help="these endpoints only")  # fmt: skip
    parser.add_argument("--no-commands", action="store_true", help="skip the command costs")
    parser.add_argument("--no-server", action="store_true",
                        help="only the command line and the mails")  # fmt: skip
    parser.add_argument("--output", type=Path, default=HERE / "results")
    parser.add_argument("--readme", action="store_true", help="put the table into README.md")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    options = parser.parse_args()
    # The floor sends one request per endpoint through the application in this process.
    logging.getLogger("netzwerker").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not options.no_server:
        wrk_path()
    today = date.today()
    endpoints = [e for e in ENDPOINTS if not options.only or e.key in options.only]
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(options.postgres if "postgresql" in options.databases else None),
        "settings": {
            "seconds": options.seconds,
            "connections": options.connections,
            "scales": options.scales,
            "databases": options.databases,
        },
        "runs": [],
        "commands": [],
    }
    for database in options.databases:
        for scale_name in [] if options.no_server else options.scales:
            results["runs"].append(run(database, scale_name, endpoints, options, today=today))
    if not options.no_commands:
        for database in options.databases:
            results["commands"].append(command_costs(database, options, today=today))
    options.output.mkdir(parents=True, exist_ok=True)
    (options.output / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (options.output / "latest.md").write_text(table)
    if options.readme:
        into_readme(table, HERE.parent / "README.md")
    print(table)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(
    database: str, scale_name: str, endpoints: list[Any], options: Any, *, today: date
) -> dict[str, Any]:
    scale = SCALES[scale_name]
    folder = options.work / f"{database}-{scale.name.lower()}"
    say(f"{database} {scale.name}: generating")
    began = time.perf_counter()
    bench = prepare(folder, database, scale, today=today, postgres=options.postgres)
    generated_in = round(time.perf_counter() - began, 1)
    say(f"{database} {scale.name}: {bench.generated.counts} in {generated_in} s; floors")
    statements = capture(bench, endpoints)
    floors = {
        e.key: replay(
            bench.deployment.engine, statements[e.key], write=e.write, seconds=options.seconds
        )
        for e in endpoints
    }
    bench.deployment.engine.dispose()
    # A first start leaves the bytecode of every module the server imports, as the first
    # start after an installation does; the second start is the one measured.
    start(folder, folder / "server.log").stop()
    server = start(folder, folder / "server.log")
    say(f"{database} {scale.name}: server ready in {server.startup_seconds} s")
    measured = {}
    try:
        for endpoint in endpoints:
            floor = floors[endpoint.key]
            slow = floor.p50_ms > SLOW_MS
            settle = 0.5 if endpoint.write else 0  # the last writes of a run land first
            if slow:
                # wrk would see few answers within its time; one by one, each is counted.
                latency = load = one_by_one(
                    server.port, bench.token, endpoint.lines(bench),
                    seconds=options.seconds, tag=f"s{time.monotonic_ns()}",
                )  # fmt: skip
            else:
                # A second of warm-up first: caches, the pool, the statement cache.
                drive(
                    server.port, bench.token, endpoint.lines(bench),
                    connections=1, seconds=1, tag=f"w{time.monotonic_ns()}",
                )  # fmt: skip
                time.sleep(settle)
                latency = drive(
                    server.port, bench.token, endpoint.lines(bench),
                    connections=1, seconds=options.seconds, tag=f"l{time.monotonic_ns()}",
                )  # fmt: skip
                time.sleep(settle)
                load = drive(
                    server.port, bench.token, endpoint.lines(bench),
                    connections=options.connections, seconds=options.seconds,
                    tag=f"t{time.monotonic_ns()}",
                )  # fmt: skip
            measured[endpoint.key] = {
                "title": endpoint.title,
                "write": endpoint.write,
                "statements": len(statements[endpoint.key]),
                "one_by_one": slow,
                "latency": attrs.asdict(latency),
                "load": attrs.asdict(load),
                "floor": attrs.asdict(floor),
                "ratio": round(latency.p50_ms / floor.p50_ms, 1) if floor.p50_ms else None,
            }
            say(
                f"{database} {scale.name} {endpoint.key}: {load.rps} rps, p50 {latency.p50_ms}"
                f" ms, p99 {latency.p99_ms} ms, floor {floor.p50_ms} ms"
                + (f", {latency.failures + load.failures} failed" if latency.failures
                   or load.failures else "")
            )  # fmt: skip
        peak = server.peak_mb()
    finally:
        server.stop()
    return {
        "database": database,
        "scale": scale.name,
        "rows": bench.generated.counts,
        "generated_seconds": generated_in,
        "startup_seconds": server.startup_seconds,
        "server_peak_mb": peak,
        "endpoints": measured,
    }


def command_costs(database: str, options: Any, *, today: date) -> dict[str, Any]:
    """check, migrate and import of 1,000 partners and 50,000 tasks in a fresh deployment,
    then the weekly digests of its partners."""
    folder = options.work / f"{database}-import"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    write_configuration(folder, database_url(database, "import", folder, options.postgres))
    with (folder / "deployment.toml").open("a", encoding="utf-8") as configuration:
        configuration.write(commands.IMPORTS)
    commands.write_files(folder, 1_000, 50_000, today=today)
    say(f"{database}: command costs")
    costs = []
    for arguments in (("check",), ("migrate",), ("import",)):
        cost = commands.run_command(*arguments, folder=folder)
        say(f"{database} {cost.command}: {cost.seconds} s, {cost.peak_mb} MB")
        costs.append({"command": cost.command, "seconds": cost.seconds, "peak_mb": cost.peak_mb})
    say(f"{database}: weekly digests")
    digests = mail_costs(folder, today=today)
    say(
        f"{database} digests: {digests['digests']} written in {digests['write_seconds']} s, "
        f"sent at {digests['mails_per_second']} mails/s, peak {digests['send_peak_mb']} MB"
    )
    return {
        "database": database,
        "partners": 1_000,
        "tasks": 50_000,
        "costs": costs,
        "digests": digests,
    }


def machine(postgres: str | None) -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    found = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    if postgres:
        engine = sa.create_engine(sa.make_url(postgres).set(drivername="postgresql+psycopg"))
        with engine.connect() as connection:
            found["postgresql"] = connection.execute(sa.text("SHOW server_version")).scalar()
        engine.dispose()
    return found


if __name__ == "__main__":
    main()
