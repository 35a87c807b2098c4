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
from netzwerker.clock import utcnow
from netzwerker.config import DeploymentConfig, DeploymentInfo, PluginConfig
from netzwerker.db import refresh_statistics
from netzwerker.deployment import Deployment, assemble, load_problems
from netzwerker.domain.tasks.report import render_report
from netzwerker.domain.users.permissions import Actor
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
    loaded = open_deployment(deployment, migrated=False)
    lines, result = schema.migrate(loaded)
    for line in lines:
        click.echo(f"schema {line}")
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
    """Import data files: partners (CSV or XLSX) and network files (TOML), each whole or
    nothing of it.

    Without FILES, the data files listed under [[imports]] in deployment.toml are imported,
    in their order. docs/data-files.md describes both kinds.
    """
    from netzwerker.datafiles import (
        in_file,
        kind_of,
        listed_files,
        load_data_file,
        read_data_file,
    )

    loaded = open_deployment(deployment)
    chosen = [(path, kind_of(path)) for path in files] or listed_files(loaded)
    if not chosen:
        fail(["nothing to import: name a file, or list [[imports]] in deployment.toml"])
    for path, kind in chosen:
        try:
            data = read_data_file(loaded, path, kind)
            with (
                loaded.transaction() as session,
                click.progressbar(length=data.entries, label=path.name, file=sys.stderr) as bar,
            ):
                result = load_data_file(
                    session, loaded, data, actor=cli_actor(), progress=bar.update
                )
        except InvalidInput as exc:
            problems = in_file(path, exc.problems)
            fail(problems, f"{path}: nothing imported, {len(problems)} problem(s):")
        click.echo(f"{path}: {result.summary()}")
    refresh_statistics(loaded.engine)


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


@cli.command()
@deployment_argument
@click.option("--from", "start", type=date_option_type, help="first day (default: 1 January)")
@click.option("--to", "end", type=date_option_type, help="last day (default: today)")
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


@cli.command("research-export")
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


# --------------------------------------------------------------------------------------------
# Serving, users and tokens
# --------------------------------------------------------------------------------------------

host_option = click.option(
    "--host", default="127.0.0.1", show_default=True, help="address to bind (0.0.0.0: all)"
)
port_option = click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))


@cli.command()
@deployment_argument
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the zip file to write (default: <deployment>/backups/<time>.zip)",
)
def backup(deployment: str, output: Path | None) -> None:
    """Write every row of the database to a zip file (SQLite and PostgreSQL alike)."""
    from netzwerker.backup import backup as write_backup

    loaded = open_deployment(deployment)
    summary = write_backup(loaded, output or _backup_file(loaded, loaded.folder.name))
    click.echo(f"{summary.path}: {summary.total} rows in {len(summary.rows)} tables")


def _backup_file(deployment: Deployment, name: str) -> Path:
    """``<deployment>/backups/<name>-<UTC time>.zip``."""
    folder = deployment.folder / "backups"
    folder.mkdir(exist_ok=True)
    return folder / f"{name}-{utcnow().strftime('%Y%m%d-%H%M%S')}.zip"


@cli.command()
@deployment_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="delete what the database holds first")
def restore(deployment: str, file: Path, replace: bool) -> None:
    """Restore a backup into the deployment's database, then migrate it to the current schema.

    A database that holds data is refused unless --replace is given; then what it holds is
    backed up first, into <deployment>/backups/before-restore-<time>.zip.
    """
    from netzwerker.backup import backup as write_backup
    from netzwerker.backup import read_manifest
    from netzwerker.backup import restore as read_backup

    loaded = open_deployment(deployment, migrated=False)
    read_manifest(file)  # refuse what is no backup before touching anything
    if replace:
        kept = write_backup(loaded, _backup_file(loaded, "before-restore"))
        click.echo(f"what the database held is kept in {kept.path} ({kept.total} rows)")
    summary = read_backup(loaded, file, replace=replace)
    click.echo(f"restored {summary.total} rows in {len(summary.rows)} tables from {file}")


@cli.command()
@deployment_argument
@host_option
@port_option
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def serve(deployment: str, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve the API of a migrated deployment (uvicorn; one JSON log line per request)."""
    from netzwerker.server import serve as run

    loaded = open_deployment(deployment)
    click.echo(f"serving {deployment} on http://{host}:{port} (API page: /schema/swagger)")
    run(loaded, host=host, port=port, workers=workers, log_level=log_level)


@cli.group()
def user() -> None:
    """Users who sign in, and their roles: admin, coordinator, partner_member, viewer."""


@user.command("add")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "coordinator", "partner_member", "viewer"]),
)
@click.option("--partner", help="key of the partner a partner member belongs to")
@click.option("--name", "display_name", default="", help="name shown in the history")
@click.option("--email", default="")
@click.option("--password", "ask_password", is_flag=True, help="ask for a password")
@click.option("--password-stdin", is_flag=True, help="read the password from stdin")
def user_add(
    deployment: str,
    username: str,
    role: str,
    partner: str | None,
    display_name: str,
    email: str,
    ask_password: bool,
    password_stdin: bool,
) -> None:
    """Add a user; without a password it signs in with API tokens only."""
    from netzwerker.domain.users.models import Role
    from netzwerker.domain.users.services import UserDraft, add_user

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif ask_password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    loaded = open_deployment(deployment)
    draft = UserDraft(username, Role(role), display_name, email, partner, password=password)
    with loaded.transaction() as session:
        added = add_user(session, draft, actor=cli_actor())
    click.echo(f"user {added.username} ({added.role}) added")


@user.command("list")
@click.argument("deployment", type=click.Path(file_okay=False))
def user_list(deployment: str) -> None:
    """Every user with role, partner and state."""
    from netzwerker.domain.partners.models import Partner
    from netzwerker.domain.users.services import list_users

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for found in list_users(session, actor=cli_actor()):
            partner = session.get(Partner, found.partner_id) if found.partner_id else None
            state = "active" if found.active else "disabled"
            at = f" @{partner.key}" if partner else ""
            click.echo(f"{found.username}\t{found.role}{at}\t{state}\t{found.display_name}")


@user.command("disable")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
@click.option("--enable", is_flag=True, help="enable the user again")
def user_disable(deployment: str, username: str, enable: bool) -> None:
    """Disable a user: it can no longer sign in, and none of its tokens works."""
    from netzwerker.domain.users.services import find_user, update_user

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        found = find_user(session, username)
        update_user(session, found, {"active": enable}, actor=cli_actor())
    click.echo(f"user {username} {'enabled' if enable else 'disabled'}")


@cli.group()
def token() -> None:
    """API tokens: how machines (and scripts) authenticate."""


@token.command("create")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username")
@click.option("--name", required=True, help="what the token is for, e.g. 'Fachverfahren'")
@click.option(
    "--days", type=click.IntRange(1), help="valid for this many days (default: until revoked)"
)
def token_create(deployment: str, username: str, name: str, days: int | None) -> None:
    """Create a token for a user and print it: it is shown this once."""
    from netzwerker.domain.users.services import create_token, find_user

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        new = create_token(
            session, find_user(session, username), name, actor=cli_actor(), valid_days=days
        )
    click.echo(f"token {new.token.id} for {username}; send it as 'Authorization: Bearer <token>':")
    click.echo(new.secret)


@token.command("list")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("username", required=False)
def token_list(deployment: str, username: str | None) -> None:
    """Tokens (of one user), with their state; never the secret."""
    from netzwerker.domain.users.models import User
    from netzwerker.domain.users.services import find_user, list_tokens

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        owner = find_user(session, username).id if username else None
        for item in list_tokens(session, actor=cli_actor(), user_id=owner):
            holder = session.get(User, item.user_id)
            state = "revoked" if item.revoked_at else "active"
            if item.expires_at and not item.revoked_at:
                state += f" until {item.expires_at:%Y-%m-%d}"
            click.echo(f"{item.id}\t{holder.username}\t{item.hint}…\t{item.name}\t{state}")  # type: ignore[union-attr]


@token.command("revoke")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("token_id", type=int)
def token_revoke(deployment: str, token_id: int) -> None:
    """Revoke a token; requests with it are refused from now on."""
    from netzwerker.domain.users.services import get_token, revoke_token

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        revoke_token(session, get_token(session, token_id), actor=cli_actor())
    click.echo(f"token {token_id} revoked")


@cli.group()
def survey() -> None:
    """The partner survey: how the partners rate the network."""


@survey.command("import")
@click.argument("deployment", type=click.Path(file_okay=False))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def survey_import(deployment: str, file: Path) -> None:
    """Answers from a CSV or XLSX file: survey, partner (key, or empty for an anonymous
    answer), answered_on, exchange, synergies, effectiveness (1-5), comment. Nothing is
    stored unless every row is valid."""
    from netzwerker.domain.survey.importing import import_answers

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        count = import_answers(session, file, today=loaded.today(), actor=cli_actor())
    click.echo(f"{count} answers imported from {file}")


@cli.group()
def template() -> None:
    """Network templates: service chains and circles to carry to another jobcenter."""


@template.command("export")
@deployment_argument
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--chain", "chains", multiple=True, help="a chain's key (default: every active)")
@click.option("--circle", "circles", multiple=True, help="a circle's key (default: every active)")
def template_export(
    deployment: str, output: Path, chains: Sequence[str], circles: Sequence[str]
) -> None:
    """Write chains and circles as a TOML template, partners replaced by their kinds."""
    from netzwerker.domain.network.templates import export_template, write_template

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        made = export_template(
            session, source=loaded.name, today=loaded.today(), chains=chains, circles=circles
        )
    write_template(made, output)
    click.echo(f"{output}: {len(made.chains)} service chains, {len(made.circles)} circles")


@template.command("import")
@deployment_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="KIND=KEY",
    help="the partner to take for a kind this deployment has several of (repeatable)",
)
def template_import(deployment: str, file: Path, partners: Sequence[str]) -> None:
    """Create a template's chains and circles here, each kind resolved to a partner."""
    from netzwerker.domain.network.templates import import_template, read_template

    mapping = {}
    for item in partners:
        kind, _, key = item.partition("=")
        if not kind or not key:
            fail([Problem("--partner", f"expected KIND=KEY, got {item!r}")])
        mapping[kind.strip()] = key.strip()
    loaded = open_deployment(deployment)
    made = read_template(file)
    with loaded.transaction() as session:
        made_here = import_template(session, loaded, made, actor=cli_actor(), partners=mapping)
    click.echo(
        f"created {made_here['chains']} service chains and {made_here['circles']} circles "
        f"from {file}"
    )


def cli_actor() -> Actor:
    """Who acts on the command line: an operator, recorded under the operating-system user."""
    import getpass

    try:
        return Actor.operator(f"cli:{getpass.getuser()}")
    except (KeyError, OSError):
        return Actor.operator("cli")


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
@click.option("--serve/--no-serve", default=True, show_default=True, help="serve it afterwards")
@host_option
@port_option
def demo(deployment: Path, seed: int, serve: bool, host: str, port: int) -> None:
    """Set up the example deployment with sample data and users, then serve it."""
    from netzwerker.demo import run_demo

    run_demo(deployment, seed=seed, echo=click.echo, address=f"http://{host}:{port}")
    if serve:
        from netzwerker.server import serve as run

        run(open_deployment(deployment), host=host, port=port, workers=1)


@cli.command("new-plugin")
@click.argument("name")
@click.option(
    "--path",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="where to write it (default: ./netzwerker-<name>)",
)
def new_plugin(name: str, folder: Path | None) -> None:
    """Scaffold a plugin package NAME that installs, loads and passes its own test."""
    from netzwerker.plugin_template import scaffold_plugin

    target = folder or Path(f"netzwerker-{name.replace('_', '-')}")
    try:
        written = scaffold_plugin(name, target)
    except (ValueError, FileExistsError) as exc:
        fail([str(exc)])
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: pip install -e {target} && pytest {target / 'tests'}")


def _add_engine_commands() -> None:
    from netzwerker import engine_commands, network_commands

    for command in [*engine_commands.COMMANDS, *network_commands.COMMANDS]:
        cli.add_command(command)


_add_engine_commands()


def main() -> None:
    cli()
