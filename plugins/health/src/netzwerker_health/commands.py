"""``netzwerker health …``: the health plugin's commands."""

from __future__ import annotations

from datetime import datetime

import click

from netzwerker.commands.support import cli_actor, deployment_argument, open_deployment
from netzwerker_health import services


@click.group()
def health() -> None:
    """Arbeitsfeld Gesundheit: staff trainings."""


@health.command("add-training")
@deployment_argument
@click.option("--title", required=True, help="e.g. 'Alkohol im Beratungsgespräch'")
@click.option("--held-on", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--participants", type=click.IntRange(min=0), default=0)
@click.option("--topic", default="")
@click.option("--online", is_flag=True)
@click.option("--trainer", "trainer_key", default=None, help="key of the partner that trains")
def add_training(
    deployment: str,
    title: str,
    held_on: datetime,
    participants: int,
    topic: str,
    online: bool,
    trainer_key: str | None,
) -> None:
    """Record a health training for jobcenter staff."""

    draft = services.TrainingDraft(title, held_on.date(), participants, topic, online, trainer_key)
    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        training = services.add_training(session, draft, actor=cli_actor())
        click.echo(f"training {training.id} recorded: {title} ({training.held_on})")


@health.command("trainings")
@deployment_argument
def list_trainings(deployment: str) -> None:
    """List the health trainings held."""
    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for training in services.trainings(session):
            click.echo(
                f"{training.held_on}  {training.participants:>4} Teilnehmende  {training.title}"
            )
