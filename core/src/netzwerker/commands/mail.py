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


@mail.command("preview")
@deployment_argument
@click.option("--kind", "kinds", multiple=True, help="only this kind of mail (repeatable)")
@click.option("--html", is_flag=True, help="the HTML part instead of the text")
def mail_preview(deployment: str, kinds: tuple[str, ...], html: bool) -> None:
    """Show a made-up sample of each kind of mail as the deployment's templates write it
    (its own in DIR/mail/ or the shipped ones), in Markdown."""
    from netzwerker.config import MAIL_KINDS
    from netzwerker.domain.mail.examples import as_markdown, previews

    unknown = [kind for kind in kinds if kind not in MAIL_KINDS]
    if unknown:
        fail([f"--kind: unknown {kind!r} (one of {', '.join(MAIL_KINDS)})" for kind in unknown])
    shown = previews(open_deployment(deployment, migrated=False), kinds or MAIL_KINDS)
    if html:
        for preview in shown:
            click.echo(preview.html)
        return
    click.echo(as_markdown(shown), nl=False)


COMMANDS = [mail]
