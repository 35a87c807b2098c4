"""``netzwerker transnational …``: the transnational plugin's commands."""

from __future__ import annotations

from datetime import datetime

import click

from netzwerker.commands.support import date_option_type, deployment_argument, open_deployment
from netzwerker.domain.indicators.services import period_of
from netzwerker_transnational.indicators import by_country


@click.group()
def transnational() -> None:
    """Transnationaler Austausch: participants abroad."""


@transnational.command("countries")
@deployment_argument
@click.option("--from", "start", type=date_option_type, help="first day (default: 1 January)")
@click.option("--to", "end", type=date_option_type, help="last day (default: today)")
def countries(deployment: str, start: datetime | None, end: datetime | None) -> None:
    """Participants who went abroad, per country."""
    loaded = open_deployment(deployment)
    period = period_of(start and start.date(), end and end.date(), loaded.today())
    with loaded.session() as session:
        for code, count in by_country(session, period):
            click.echo(f"{code}  {count:>4}")
