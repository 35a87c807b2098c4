"""``demo``: the example deployment with sample data, served."""

from __future__ import annotations

from pathlib import Path

import click

from netzwerker.commands.support import (
    host_option,
    open_deployment,
    port_option,
)


@click.command()
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


COMMANDS = [demo]
