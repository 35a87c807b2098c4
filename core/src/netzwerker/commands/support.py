"""What every command uses, the core's and the plugins': the deployment argument, loading
a deployment with every problem printed, the actor a command acts as, and printing problems.

A plugin's commands import these::

    from netzwerker.commands.support import cli_actor, deployment_argument, fail, open_deployment

Commands only translate: they parse arguments, call services, and print results or problems.
Every problem is printed as ``path: reason`` and makes the exit code 1.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import click

from netzwerker import schema
from netzwerker.deployment import Deployment, load_problems
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Problem

#: The deployment folder every command takes; ``NETZWERKER_DEPLOYMENT`` can name it instead.
deployment_argument = click.argument(
    "deployment",
    type=click.Path(file_okay=False, path_type=str),
    envvar="NETZWERKER_DEPLOYMENT",
    default=".",
)

#: Days on the command line: ``--today 2026-11-30``.
date_option_type = click.DateTime(["%Y-%m-%d"])

host_option = click.option(
    "--host", default="127.0.0.1", show_default=True, help="address to bind (0.0.0.0: all)"
)
port_option = click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))


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


def as_date(value: datetime | None, deployment: Deployment) -> date:
    """A day option's date, or the deployment's today."""
    return value.date() if value else deployment.today()


def cli_actor() -> Actor:
    """Who acts on the command line: an operator, recorded under the operating-system user."""
    import getpass

    try:
        return Actor.operator(f"cli:{getpass.getuser()}")
    except (KeyError, OSError):
        return Actor.operator("cli")
