"""What an installation holds: its plugins, its permission matrix, and a new plugin's
scaffold."""

from __future__ import annotations

from pathlib import Path

import click

from netzwerker.commands.support import cli_actor, deployment_argument, fail, open_deployment
from netzwerker.config import DeploymentConfig, DeploymentInfo, PluginConfig
from netzwerker.deployment import assemble
from netzwerker.errors import Problem
from netzwerker.plugins import call_each, installed_plugins
from netzwerker.tables import aligned, to_csv


@click.command()
@deployment_argument
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
def permissions(deployment: str, fmt: str) -> None:
    """Who may do what: the permission matrix of the core and the enabled plugins.

    Each action is granted to a role for any record ("any"), for the role's own records
    only ("own": a partner member its partner's, a user its own tokens), or not at all.
    """
    from netzwerker.domain.users.models import Role
    from netzwerker.domain.users.services import matrix_of

    loaded = open_deployment(deployment, migrated=False)
    header = ["permission", "what", *(role.value for role in Role)]
    rows = [
        [item.key, item.what, *(str(item.scope(role) or "-") for role in Role)]
        for item in sorted(matrix_of(loaded), key=lambda item: item.key)
    ]
    click.echo(to_csv(header, rows) if fmt == "csv" else aligned([header, *rows]), nl=False)


@click.command()
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
        shown, problems = loaded, list[Problem]()
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


@click.command("new-plugin")
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


def _switch(deployment: str, name: str, enabled: bool) -> None:
    from netzwerker.domain.fields.plugins import switch_plugin
    from netzwerker.errors import InvalidInput, NotFound

    loaded = open_deployment(deployment)
    try:
        switch_plugin(loaded, name, enabled, actor=cli_actor())
    except InvalidInput as exc:
        fail(exc.problems, f"plugin {name!r} stays as it was:")
    except NotFound:
        fail([f"no plugin {name!r} is installed (see: netzwerker plugins)"])
    state = "enabled" if enabled else "disabled"
    click.echo(f"{name}: {state}; running servers follow within seconds")


@click.command("enable-plugin")
@deployment_argument
@click.argument("name")
def enable_plugin(deployment: str, name: str) -> None:
    """Switch plugin NAME on: its migrations run, its working fields become active, and the
    choice is stored (it wins over deployment.toml) and audited."""
    _switch(deployment, name, True)


@click.command("disable-plugin")
@deployment_argument
@click.argument("name")
def disable_plugin(deployment: str, name: str) -> None:
    """Switch plugin NAME off: everything it recorded stays, its working fields become
    inactive, and the choice is stored (it wins over deployment.toml) and audited."""
    _switch(deployment, name, False)


COMMANDS = [plugins, permissions, new_plugin, enable_plugin, disable_plugin]
