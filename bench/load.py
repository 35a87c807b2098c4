"""Driving a running server with wrk from a second process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import attrs

from bench.stats import Figures, figures

SCRIPT = Path(__file__).with_name("requests.lua")


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian's package)")
    return found


def drive(
    port: int, token: str, lines: list[str], *, connections: int, seconds: float, tag: str
) -> Figures:
    """``connections`` keep requests in flight for ``seconds``; wrk reports what came back."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as requests:
        requests.write("\n".join(lines) + "\n")
    try:
        environment = {
            **os.environ,
            "BENCH_TOKEN": token,
            "BENCH_REQUESTS": requests.name,
            "BENCH_TAG": tag,
            "BENCH_THREADS": "1",
        }
        result = subprocess.run(
            [wrk_path(), "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
             "-s", str(SCRIPT), f"http://127.0.0.1:{port}"],
            env=environment, capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        Path(requests.name).unlink()
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    raw = json.loads(line.removeprefix("BENCH "))
    return Figures(
        requests=raw["requests"],
        rps=round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        p50_ms=round(raw["p50_us"] / 1000, 3),
        p99_ms=round(raw["p99_us"] / 1000, 3),
        failures=raw["non_2xx"] + raw["socket_errors"],
    )


#: An endpoint whose floor takes longer than this is measured one request after another.
SLOW_MS = 50.0


def one_by_one(port: int, token: str, lines: list[str], *, seconds: float, tag: str) -> Figures:
    """Requests in turn, at least three, for endpoints too slow for a timed wrk run."""
    latencies: list[float] = []
    failures = 0
    began = time.perf_counter()
    while len(latencies) < 3 or time.perf_counter() - began < seconds:
        method, path, body = lines[len(latencies) % len(lines)].split("\t", 2)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=body.replace("{n}", f"{tag}-{len(latencies)}").encode() if body else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method=method,
        )
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                answer.read()
        except urllib.error.HTTPError:
            failures += 1
        latencies.append(time.perf_counter() - start)
    return attrs.evolve(figures(latencies, time.perf_counter() - began), failures=failures)
