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
    lines += targets(results)
    if results.get("commands_when", results["when"]) != results["when"]:
        lines.append(f"The command line and the digests measured {results['commands_when']}.")
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
    for block in results["commands"]:
        digests = block.get("digests")
        if digests:
            lines.append(
                f"Weekly digests on {block['database']}, every one of {digests['partners']:,} "
                f"partners chose them: `mail digest` wrote {digests['digests']:,} in "
                f"{digests['write_seconds']:.1f} s, {digests['write_peak_mb']:.0f} MB; "
                f"`mail send` handed them to a local relay in {digests['send_seconds']:.1f} s "
                f"({digests['mails_per_second']:.0f} mails/s, the process's start included), "
                f"{digests['send_peak_mb']:.0f} MB."
            )
    timed = []
    for block in results["commands"]:
        digests = block.get("digests")
        if digests:
            seconds = digests["write_seconds"] + digests["send_seconds"]
            held = digests["digests"] >= 1000 and seconds < 30
            timed.append(f"{block['database']} {seconds:.1f} s ({'held' if held else 'missed'})")
    if timed:
        lines.append(
            f"1,000 weekly digests written and sent (target: under 30 s): {', '.join(timed)}."
        )
    return "\n".join(lines).rstrip() + "\n"


#: The targets at scale M (the benchmark's issue), each: what, which endpoints, the figure,
#: the bound, whether the figure must stay below it, which databases.
TARGETS = [
    ("Start page data and accountability report, p50 under 10 ms",
     ("overview", "accountability", "accountability_fields"), "p50_ms", 10, True, None),
    ("Overdue tasks, one page: at least 2,000 requests/s", ("overdue",), "rps", 2000, False,
     None),
    ("Task transition: at least 500 requests/s on PostgreSQL", ("transition",), "rps", 500,
     False, "postgresql"),
    ("No endpoint's p99 over 100 ms", None, "p99_ms", 100, True, None),
]  # fmt: skip


def _figure(endpoint: dict[str, Any], figure: str) -> float:
    return float(endpoint["load" if figure == "rps" else "latency"][figure])


def targets(results: dict[str, Any]) -> list[str]:
    """Each target at scale M, per database: the worst figure and whether the target holds."""
    runs = {run["database"]: run for run in results["runs"] if run["scale"] == "M"}
    if not runs:
        return []
    lines = ["**Targets at M**", "", "| target | " + " | ".join(runs) + " |",
             "|---|" + "---|" * len(runs)]  # fmt: skip
    for title, keys, figure, bound, below, only in TARGETS:
        cells = [title]
        for database, run in runs.items():
            chosen = {k: v for k, v in run["endpoints"].items() if keys is None or k in keys}
            if (only and database != only) or not chosen:
                cells.append("–")
                continue
            values = {k: _figure(v, figure) for k, v in chosen.items()}
            worst = max(values, key=values.get) if below else min(values, key=values.get)  # type: ignore[arg-type]
            value = values[worst]
            held = value < bound if below else value >= bound
            shown = f"{value:.0f}" if figure == "rps" else _ms(value)
            unit = " req/s" if figure == "rps" else " ms"
            where = f" ({run['endpoints'][worst]['title']})" if len(values) > 1 else ""
            cells.append(f"{'held' if held else 'missed'}: {shown}{unit}{where}")
        lines.append("| " + " | ".join(cells) + " |")
    startups = ", ".join(f"{db} {run['startup_seconds']:.2f} s" for db, run in runs.items())
    lines += ["", f"Server start-up at M (target: under 2 s): {startups}."]
    imports = ", ".join(
        f"{block['database']} {cost['seconds']:.1f} s"
        for block in results["commands"]
        for cost in block["costs"]
        if cost["command"] == "import"
    )
    if imports:
        lines.append(f"Import of 1,000 partners and 50,000 tasks (target: under 20 s): {imports}.")
    return [*lines, ""]


START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def into_readme(table: str, readme: Path) -> None:
    """Put the table between the README's two markers, replacing the one before."""
    text = readme.read_text(encoding="utf-8")
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    readme.write_text(f"{before}{START}\n{table}{END}{after}", encoding="utf-8")
