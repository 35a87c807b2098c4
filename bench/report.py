"""The results as a short Markdown table, per database, the scales side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    lines = [
        f"Measured {results['when']} on {machine['cpu']} ({machine['cores']} cores, "
        f"{machine['memory_gb']} GB), {machine['system']}, Python {machine['python']}, "
        f"SQLite {machine['sqlite']}"
        + (f", PostgreSQL {machine['postgresql']}" if "postgresql" in machine else "")
        + f"; wrk for {results['settings']['seconds']} s per figure, latency with one "
        f"connection, throughput with {results['settings']['connections']}.",
        "",
    ]
    for database in results["settings"]["databases"]:
        runs = [run for run in results["runs"] if run["database"] == database]
        if not runs:
            continue
        header = ["endpoint", "SQL"]
        for run in runs:
            header += [f"{run['scale']} req/s", f"{run['scale']} p50 ms",
                       f"{run['scale']} p99 ms", f"{run['scale']} × floor"]  # fmt: skip
        lines += [f"**{database}**", "", "| " + " | ".join(header) + " |",
                  "|" + "---|" * len(header)]  # fmt: skip
        for key, first in runs[0]["endpoints"].items():
            cells = [first["title"], str(first["statements"])]
            for run in runs:
                figures = run["endpoints"].get(key)
                if figures is None:
                    cells += ["", "", "", ""]
                    continue
                failed = figures["latency"]["failures"] + (
                    0 if figures.get("one_by_one") else figures["load"]["failures"]
                )
                rps = figures["load"]["rps"]
                cells += [
                    (f"{rps:.0f}" if rps >= 10 else f"{rps:.1f}")
                    + ("¹" if figures.get("one_by_one") else "")
                    + (f" ({failed} failed)" if failed else ""),
                    _ms(figures["latency"]["p50_ms"]),
                    _ms(figures["latency"]["p99_ms"]),
                    f"{figures['ratio']:.1f}" if figures["ratio"] is not None else "",
                ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        lines.append(
            "¹ one request after another (its floor alone is over 50 ms). "
            "Server: "
            + "; ".join(
                f"{run['scale']} start-up {run['startup_seconds']:.2f} s, peak memory "
                f"{run['server_peak_mb']:.0f} MB"
                for run in runs
            )
            + "."
        )
        lines.append("")
    for block in results["commands"]:
        lines.append(
            f"Command line on {block['database']}, {block['partners']:,} partners and "
            f"{block['tasks']:,} tasks: "
            + "; ".join(
                f"`{cost['command']}` {cost['seconds']:.1f} s, {cost['peak_mb']:.0f} MB"
                for cost in block["costs"]
            )
            + "."
        )
    return "\n".join(lines).rstrip() + "\n"


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def into_readme(table: str, readme: Path) -> None:
    """Put the table between the README's two markers, replacing the one before."""
    text = readme.read_text(encoding="utf-8")
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    readme.write_text(f"{before}{START}\n{table}{END}{after}", encoding="utf-8")
