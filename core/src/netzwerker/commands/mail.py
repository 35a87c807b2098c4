"""``netzwerker mail test|send|digest``: trying the relay of ``[mail]``, sending the outbox
and writing the weekly digests (for cron, beside the sender inside ``netzwerker serve``)."""

from __future__ import annotations

import smtplib
from datetime import datetime

import click

from netzwerker.commands.support import (
    as_date,
    date_option_type,
    deployment_argument,
    fail,
    open_deployment,
)
from netzwerker.validators import EMAIL


@click.group()
def mail() -> None:
    """Mails to partners: the relay's settings tried, the outbox sent."""


@mail.command("test")
@deployment_argument
@click.argument("address")
def mail_test(deployment: str, address: str) -> None:
    """Send one mail to ADDRESS through the relay of [mail], to try the settings."""
    from netzwerker.domain.mail.outbox import send_test

    if not EMAIL.match(address):
        fail([f"ADDRESS: not an e-mail address: {address!r}"])
    opened = open_deployment(deployment, migrated=False)
    try:
        send_test(opened, address)
    except (smtplib.SMTPException, OSError) as exc:
        relay = f"{opened.config.mail.host}:{opened.config.mail.port}"
        fail([f"the relay {relay} did not take the mail: {exc}"])
    click.echo(f"sent to {address} through {opened.config.mail.host}:{opened.config.mail.port}")


@mail.command("send")
@deployment_argument
def mail_send(deployment: str) -> None:
    """Send the mails that are due from the outbox; those the relay refuses for now wait."""
    from netzwerker.domain.mail.outbox import deliver

    done = deliver(open_deployment(deployment))
    click.echo(f"{done.sent} sent, {done.deferred} to try again later, {done.failed} failed")
    if done.failed:
        raise SystemExit(1)


@mail.command("digest")
@deployment_argument
@click.option("--today", type=date_option_type, help="write the digests as of this day")
def mail_digest(deployment: str, today: datetime | None) -> None:
    """Write this week's digests to those who chose them (once a week; the sender inside
    netzwerker serve does it on [mail] digest_weekday)."""
    from netzwerker.domain.mail.digest import write_digests

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        written = write_digests(session, loaded, as_date(today, loaded))
    click.echo(f"{written} digests written")


COMMANDS = [mail]
