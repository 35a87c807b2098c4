"""Setting a deployment up and running it: ``init``, ``check``, ``migrate``, ``import``,
``serve``, ``backup`` and ``restore``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from netzwerker import schema
from netzwerker.clock import utcnow
from netzwerker.commands.support import (
    cli_actor,
    deployment_argument,
    fail,
    host_option,
    open_deployment,
    port_option,
)
from netzwerker.db import refresh_statistics
from netzwerker.deployment import Deployment
from netzwerker.errors import InvalidInput


@click.command()
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


@click.command()
@deployment_argument
def check(deployment: str) -> None:
    """Validate configuration, plugins, their settings and the data files to import."""
    from netzwerker.checking import check_deployment

    result = check_deployment(Path(deployment))
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if result.problems:
        fail(result.problems, f"{deployment}: {len(result.problems)} problem(s):")
    waiting = f" ({len(result.warnings)} warning(s))" if result.warnings else ""
    click.echo(f"{deployment}: OK{waiting}")


@click.command()
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


@click.command("import")
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


@click.command()
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


@click.command()
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
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{name}-{utcnow().strftime('%Y%m%d-%H%M%S')}.zip"


@click.command()
@deployment_argument
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="delete what the database holds first")
@click.option(
    "--identity",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the age private key file that opens an encrypted backup",
)
def restore(deployment: str, file: Path, replace: bool, identity: Path | None) -> None:
    """Restore a backup into the deployment's database, then migrate it to the current schema.

    Every row is checked against the schema before one is written; then all are written or
    none. A database that holds data is refused unless --replace is given; then what it
    holds is backed up first, into <deployment>/backups/before-restore-<time>.zip.
    """
    from netzwerker.backup import backup as write_backup
    from netzwerker.backup import read_manifest, readable
    from netzwerker.backup import restore as read_backup

    loaded = open_deployment(deployment, migrated=False)
    with readable(file, identity) as plain:
        read_manifest(plain)  # refuse what is no backup before touching anything
        if replace:
            kept = write_backup(loaded, _backup_file(loaded, "before-restore"))
            click.echo(f"what the database held is kept in {kept.path} ({kept.total} rows)")
        summary = read_backup(loaded, plain, replace=replace)
    click.echo(f"restored {summary.total} rows in {len(summary.rows)} tables from {file}")


COMMANDS = [init, check, migrate, import_, serve, backup, restore]
