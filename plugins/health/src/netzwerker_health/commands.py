"""``netzwerker health …``: the health plugin's commands."""

from __future__ import annotations

from datetime import datetime

import click
from sqlmodel import select

from netzwerker.cli import deployment_argument, open_deployment
from netzwerker.domain.partners.services import get_partner
from netzwerker.errors import NotFound
from netzwerker_health.models import HealthTraining


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
    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        trainer_id = None
        if trainer_key:
            try:
                trainer_id = get_partner(session, trainer_key).id
            except NotFound as exc:
                raise click.BadParameter(str(exc), param_hint="--trainer") from None
        training = HealthTraining(
            title=title,
            topic=topic,
            held_on=held_on.date(),
            participants=participants,
            online=online,
            trainer_partner_id=trainer_id,
        )
        session.add(training)
        session.flush()
        click.echo(f"training {training.id} recorded: {title} ({training.held_on})")


@health.command("trainings")
@deployment_argument
def list_trainings(deployment: str) -> None:
    """List the health trainings held."""
    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for training in session.exec(select(HealthTraining).order_by(HealthTraining.held_on)):
            click.echo(
                f"{training.held_on}  {training.participants:>4} Teilnehmende  {training.title}"
            )
