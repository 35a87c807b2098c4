"""What the command line costs: check, migrate and import of a large network, as a user runs
them (``python -m netzwerker …`` in a process of its own), with time and peak memory."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import attrs

from bench.generate import KINDS, PROBLEM_AREAS, TARGET_GROUPS
from bench.server import SERVER_ENVIRONMENT

COORDINATOR = "Sabine Netz"


@attrs.frozen
class CommandCost:
    command: str
    seconds: float
    peak_mb: float
    output: str


#: Runs the command line and, as it exits, prints the process's peak memory (VmHWM, in kB).
#: Not the child's rusage: Linux folds the parent's peak into it at exec.
LAUNCH = """
import atexit, sys

def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK " + line.split()[1] + "\\n")

atexit.register(peak)
from netzwerker.cli import cli
cli(prog_name="netzwerker")
"""


def run_command(*arguments: str, folder: Path) -> CommandCost:
    """One ``netzwerker`` command; its wall time and its peak resident memory."""
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, *arguments, str(folder)],
        capture_output=True,
        text=True,
        env=SERVER_ENVIRONMENT,
    )
    seconds = time.perf_counter() - began
    if result.returncode != 0:
        raise RuntimeError(f"netzwerker {' '.join(arguments)} failed:\n{result.stdout[-3000:]}")
    peaks = [line for line in result.stderr.splitlines() if line.startswith("PEAK ")]
    peak_mb = int(peaks[-1].split()[1]) / 1024
    return CommandCost(" ".join(arguments), round(seconds, 2), round(peak_mb, 1), result.stdout)


def write_files(folder: Path, partners: int, tasks: int, *, today: date, seed: int = 8) -> None:
    """``partners.csv`` and ``network.toml`` with ``tasks`` tasks, most of them done."""
    rng = random.Random(seed)
    rows = ["key;name;kind;working_fields;region;email;contact_name;contact_role"]
    rows.append(
        f"jobcenter;Jobcenter Benchkreis;jobcenter;health, debt;Benchkreis;"
        f"netz@jobcenter.example;{COORDINATOR};Netzwerkerin"
    )
    for number in range(2, partners + 1):
        kind = rng.choice(list(KINDS))
        rows.append(
            f"partner-{number:06d};{KINDS[kind]} {number};{kind};health;Benchkreis;"
            f"info{number}@example.org;;"
        )
    (folder / "partners.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    weights = [1 / rank for rank in range(1, partners + 1)]
    responsible = rng.choices(range(2, partners + 1), weights[1:], k=tasks)
    lines = []
    for number in range(tasks):
        due = today - timedelta(days=rng.randint(-60, 700))
        recorded = due - timedelta(days=rng.randint(20, 90))
        lines += [
            "[[tasks]]",
            f'title = "Zusage {number}: {rng.choice(PROBLEM_AREAS)} für '
            f'{rng.choice(TARGET_GROUPS)}"',
            f'working_field = "{rng.choice(("health", "debt", "migration"))}"',
            f'responsible = "partner-{responsible[number]:06d}"',
            f'accountable = "{COORDINATOR}"',
            f"due_date = {due.isoformat()}",
            f"recorded_on = {recorded.isoformat()}",
        ]
        if due < today and rng.random() < 0.9:
            committed = recorded + timedelta(days=3)
            done = min(today, due + timedelta(days=rng.randint(-10, 5)))
            done = max(done, committed)
            lines.append(
                f'moves = [{{ action = "commit", on = {committed.isoformat()} }}, '
                f'{{ action = "complete", on = {done.isoformat()} }}]'
            )
        lines.append("")
    (folder / "network.toml").write_text("\n".join(lines), encoding="utf-8")


IMPORTS = """
[[imports]]
kind = "partners"
path = "partners.csv"

[[imports]]
kind = "network"
path = "network.toml"
"""
