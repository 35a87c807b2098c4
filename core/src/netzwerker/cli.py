"""``netzwerker``: the command line an IT team runs a deployment with.

Commands only translate: they parse arguments, call services, and print results or problems.
Every problem is printed as ``path: reason`` and makes the exit code 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from netzwerker import __version__, schema
from netzwerker.config import DeploymentConfig, DeploymentInfo, PluginConfig
from netzwerker.deployment import Deployment, assemble, load_problems
from netzwerker.domain.tasks.report import render_report
from netzwerker.errors import Conflict, InvalidInput, NotFound, Problem, Refused, TransitionRefused
from netzwerker.plugins import call_each, installed_plugins, load_plugins, new_plugin_manager

F = TypeVar("F", bound=Callable[..., Any])

#: The deployment folder every command takes; ``NETZWERKER_DEPLOYMENT`` can name it instead.
deployment_argument = click.argument(
    "deployment",
    type=click.Path(file_okay=False, path_type=str),
    envvar="NETZWERKER_DEPLOYMENT",
    default=".",
)

date_option_type = click.DateTime(["%Y-%m-%d"])


def fail(problems: Iterable[Problem | str], heading: str | None = None) -> NoReturn:
    """Print problems to stderr and exit 1."""
    if heading:
        click.secho(heading, err=True, fg="red", bold=True)
    for problem in problems:
        click.echo(f"  {problem}" if heading else str(problem), err=True)
    sys.exit(1)


def open_deployment(folder: str | Path, *, migrated: bool = True) -> Deployment:
    """Load a deployment for a command; print every problem and exit when it has any."""
    deployment, problems = load_problems(folder)
    if problems or deployment is None:
        fail(problems, f"{folder}: the deployment has {len(problems)} problem(s):")
    if migrated:
        behind = schema.pending(deployment)
        if behind:
            fail(
                [f"schema of {', '.join(behind)} is not current: run 'netzwerker migrate {folder}'"]
            )
    return deployment


def _as_date(value: datetime | None, deployment: Deployment) -> date:
    return value.date() if value else deployment.today()


class NetzwerkerGroup(click.Group):
    """The root command: clear messages instead of tracebacks, plugin commands on demand.

    Plugins' commands (``register_commands``) are loaded only when a name the core does not
    know is asked for, or for the command list: core commands never import a plugin, so a
    broken package cannot break ``netzwerker check``.
    """

    plugin_commands_loaded = False

    def _load_plugin_commands(self) -> None:
        if not self.plugin_commands_loaded:
            self.plugin_commands_loaded = True
            manager, _ = load_plugins(installed_plugins(), new_plugin_manager())
            manager.hook.register_commands(cli=self)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            fail(exc.problems, f"{len(exc.problems)} problem(s):")
        except (NotFound, Conflict, Refused, TransitionRefused) as exc:
            fail([str(exc)])


@click.group(cls=NetzwerkerGroup)
@click.version_option(__version__, prog_name="netzwerker")
def cli() -> None:
    """netzwerker: the network of a jobcenter's partners, and who promised what by when."""


# --------------------------------------------------------------------------------------------
# Setting up
# --------------------------------------------------------------------------------------------


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Jobcenter Musterstadt", help="name of the jobcenter")
@click.option("--region", default="", help="region it serves, e.g. 'Landkreis Mayen-Koblenz'")
@click.option("--plugin", "plugins", multiple=True, help="plugin to enable (repeatable)")
def init(folder: Path, name: str, region: str, plugins: Sequence[str]) -> None:
    """Create a new deployment folder whose configuration passes 'check'."""
    from netzwerker.scaffold import scaffold_deployment

    try:
        written = scaffold_deployment(folder, name=name, region=region, plugins=list(plugins))
    except FileExistsError as exc:
        fail([str(exc)])
    for path in written:
        click.echo(f"created {path}")
    click.echo(f"next: netzwerker check {folder} && netzwerker migrate {folder}")


@cli.command()
@deployment_argument
def check(deployment: str) -> None:
    """Validate configuration, plugins, their settings and the data files to import."""
    from netzwerker.checking import check_deployment

    problems = check_deployment(Path(deployment))
    if problems:
        fail(problems, f"{deployment}: {len(problems)} problem(s):")
    click.echo(f"{deployment}: OK")


@cli.command()
@deployment_argument
def migrate(deployment: str) -> None:
    """Bring the database schema up to date and store working fields and goals."""
    from netzwerker.domain.fields.services import sync_reference_data

    loaded = open_deployment(deployment, migrated=False)
    for line in schema.upgrade(loaded):
        click.echo(f"schema {line}")
    with loaded.transaction() as session:
        result = sync_reference_data(session, loaded)
    click.echo(
        f"working fields: {len(loaded.registry.working_fields)} active "
        f"({result.fields_added} new, {result.fields_deactivated} deactivated); "
        f"goals: {result.goals_written}"
    )


@cli.command()
@click.argument(
    "deployment", type=click.Path(file_okay=False), envvar="NETZWERKER_DEPLOYMENT", required=False
)
def plugins(deployment: str | None) -> None:
    """List installed plugins, which the deployment enables, and what each contributes."""
    loaded = open_deployment(deployment, migrated=False) if deployment else None
    enabled = loaded.config.enabled_plugins if loaded else []
    for plugin in installed_plugins().values():
        state = "enabled" if plugin.name in enabled else "installed"
        click.echo(f"{plugin.name} {plugin.version} ({plugin.distribution}) [{state}]")
        if plugin.summary:
            click.echo(f"  {plugin.summary}")
        shown, problems = loaded, []
        if shown is None or plugin.name not in enabled:
            # On its own, with default settings: what it would contribute if enabled.
            alone = DeploymentConfig(
                DeploymentInfo(name="-"), plugins={plugin.name: PluginConfig()}
            )
            shown, problems = assemble(Path("."), alone)
        for problem in problems:
            click.secho(f"  problem: {problem.message}", fg="red")
        if problems:
            continue
        for kind, keys in shown.registry.contributions_of(plugin.name).items():
            if keys:
                click.echo(f"  {kind.replace('_', ' ')}: {', '.join(keys)}")
        if plugin.name in dict(call_each(shown.manager, "register_migrations")):
            click.echo("  migrations: yes")


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@cli.command("import")
@deployment_argument
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
def import_(deployment: str, files: Sequence[Path]) -> None:
    """Import partner files (CSV or XLSX): each whole, or nothing of it.

    Without FILES, the data files listed under [[imports]] in deployment.toml are imported.
    """
    from netzwerker.domain.partners.importing import import_partners, parse_partners

    loaded = open_deployment(deployment)
    paths = list(files) or [loaded.folder / item.path for item in loaded.config.imports]
    if not paths:
        fail(["nothing to import: name a file, or list [[imports]] in deployment.toml"])
    for path in paths:
        try:
            rows = parse_partners(path, loaded.registry)
        except InvalidInput as exc:
            fail(exc.problems, f"{path}: nothing imported, {len(exc.problems)} problem(s):")
        with (
            loaded.transaction() as session,
            click.progressbar(length=len(rows), label=f"{path.name}", file=sys.stderr) as bar,
        ):
            result = import_partners(session, rows, progress=bar.update)
        click.echo(f"{path}: {result.created} partners created, {result.updated} updated")


@cli.command()
@deployment_argument
@click.option("--today", type=date_option_type, help="judge due dates as of this day")
def escalate(deployment: str, today: datetime | None) -> None:
    """Remind, mark overdue and escalate open tasks once (idempotent; run it from cron)."""
    from netzwerker.domain.tasks.escalation import escalate as run

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        result = run(session, loaded.config.escalation, today=_as_date(today, loaded))
    for step, count in result.counts.items():
        click.echo(f"{step}: {count}")


@cli.command()
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
        today=_as_date(today, deployment),
        period=report_period(
            start.date() if start else None, end.date() if end else None, end_name="--to"
        ),
        working_field=working_field,
    )


# --------------------------------------------------------------------------------------------
# Demo
# --------------------------------------------------------------------------------------------


@cli.command()
@click.argument(
    "deployment",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("deployments/example"),
)
@click.option("--seed", default=2026, show_default=True, help="seed of the sample data")
def demo(deployment: Path, seed: int) -> None:
    """Set up the example deployment with sample data and show the accountability report."""
    from netzwerker.demo import run_demo

    run_demo(deployment, seed=seed, echo=click.echo)


def main() -> None:
    cli()
