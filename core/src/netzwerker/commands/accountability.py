"""Who delivers: ``escalate``, ``report``, ``evaluate`` and ``research-export``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from netzwerker.commands.support import (
    as_date,
    cli_actor,
    date_option_type,
    deployment_argument,
    open_deployment,
)
from netzwerker.deployment import Deployment
from netzwerker.domain.tasks.report import render_report


@click.command()
@deployment_argument
@click.option("--today", type=date_option_type, help="judge due dates as of this day")
def escalate(deployment: str, today: datetime | None) -> None:
    """Remind, mark overdue and escalate open tasks once (idempotent; run it from cron)."""
    from netzwerker.domain.tasks.escalation import escalate as run

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        result = run(session, loaded.config.escalation, today=as_date(today, loaded))
    for step, count in result.counts.items():
        click.echo(f"{step}: {count}")


@click.command()
@deployment_argument
@click.option(
    "--by",
    type=click.Choice(["partner", "working_field", "accountable"]),
    default="partner",
    show_default=True,
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--from", "start", type=date_option_type, help="tasks due on or after")
@click.option("--to", "end", type=date_option_type, help="tasks due on or before")
@click.option("--field", "working_field", help="only this working field")
@click.option("--today", type=date_option_type, help="judge due dates as of this day")
def report(
    deployment: str,
    by: str,
    fmt: str,
    start: datetime | None,
    end: datetime | None,
    working_field: str | None,
    today: datetime | None,
) -> None:
    """The accountability report: open, overdue, done on time or late, declined."""
    loaded = open_deployment(deployment)
    with loaded.session() as session:
        rows = _report(session, loaded, by, start, end, working_field, today)
    click.echo(render_report(rows, fmt, by), nl=False)


def _report(
    session: Any,
    deployment: Deployment,
    by: str,
    start: datetime | None,
    end: datetime | None,
    working_field: str | None,
    today: datetime | None,
) -> list[Any]:
    from netzwerker.domain.tasks.report import accountability_report, report_period

    return accountability_report(
        session,
        by=by,
        today=as_date(today, deployment),
        period=report_period(
            start.date() if start else None, end.date() if end else None, end_name="--to"
        ),
        working_field=working_field,
    )


@click.command()
@deployment_argument
@click.option(
    "--from",
    "start",
    type=date_option_type,
    help="first day (default: [deployment] period_start, else 1 January)",
)
@click.option(
    "--to", "end", type=date_option_type, help="last day (default: period_end, else today)"
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html", "csv", "json"]),
    default="markdown",
    show_default=True,
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path))
def evaluate(
    deployment: str, start: datetime | None, end: datetime | None, fmt: str, output: Path | None
) -> None:
    """The evaluation report: what the network achieved in a period, from the stored data."""
    from netzwerker.domain.evaluation.services import evaluation_of
    from netzwerker.web.evaluation import render_evaluation, report_environment

    loaded = open_deployment(deployment)
    evaluation = evaluation_of(
        loaded, start.date() if start else None, end.date() if end else None, actor=cli_actor()
    )
    text = render_evaluation(loaded, evaluation, fmt, report_environment(loaded))
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"{output}: {fmt}, {evaluation.period.start} to {evaluation.period.end}")


@click.command("research-export")
@deployment_argument
@click.option("--from", "start", type=date_option_type, help="first day (default: 1 January)")
@click.option("--to", "end", type=date_option_type, help="last day (default: today)")
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the key of the research ids: the same key links exports (written if missing)",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
def research_export(
    deployment: str,
    start: datetime | None,
    end: datetime | None,
    key_file: Path | None,
    output: Path,
) -> None:
    """A pseudonymised export of cases and referrals for a scientific evaluation: no
    identifiers, no free text, documented columns (README.md in the zip)."""
    import secrets

    from netzwerker.domain.cases.research import research_export as export
    from netzwerker.domain.indicators.services import period_of

    loaded = open_deployment(deployment)
    if key_file is None:
        key = secrets.token_bytes(32)  # unlinkable to any other export
    elif key_file.exists():
        key = key_file.read_bytes()
    else:
        key = secrets.token_bytes(32)
        key_file.write_bytes(key)
        key_file.chmod(0o600)
        click.echo(f"new key written to {key_file}: keep it apart from the exports")
    period = period_of(start.date() if start else None, end.date() if end else None, loaded.today())
    with loaded.session() as session:
        counts = export(session, output, key=key, period=period, deployment=loaded.name)
    rows = ", ".join(f"{name}: {count}" for name, count in counts.items())
    click.echo(f"{output}: {rows}")


COMMANDS = [escalate, report, evaluate, research_export]
