"""What the weekly digests cost: every partner of a large network chose the digest; the
command line writes this week's digests (``netzwerker mail digest``) and sends them to a
relay in this process (``netzwerker mail send``), each command as a user runs it, with its
wall time (the process's start included) and its peak memory."""

from __future__ import annotations

import re
import socket
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from bench.commands import run_command
from netzwerker.deployment import load
from netzwerker.domain.mail.models import MailPreference
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.queries import is_open
from netzwerker.domain.tasks.services import TaskDraft, create_task


class Sink:
    """A relay that takes every mail and counts it."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def _choose_digests(folder: Path, today: date) -> int:
    """Every partner's address chooses the digest, and every partner owes something (the
    network's file leaves some of the smallest without an open task): so each one gets a
    digest. How many partners chose it."""
    deployment = load(folder)
    try:
        with deployment.transaction() as session:
            emails = session.execute(sa.select(Partner.email).where(Partner.email != ""))
            addresses = {email.lower() for email in emails.scalars()}
            session.execute(
                sa.insert(MailPreference),
                [{"address": address, "choice": "digest"} for address in sorted(addresses)],
            )
            owing = sa.select(Task.responsible_partner_id).where(is_open())
            idle = session.execute(sa.select(Partner.id).where(Partner.id.not_in(owing))).scalars()
            coordinator = session.execute(sa.select(Person.id).limit(1)).scalar_one()
            for partner_id in idle:
                create_task(
                    session,
                    TaskDraft(
                        title="Ansprechperson für das Netzwerk benennen",
                        working_field="health",
                        responsible_partner_id=partner_id,
                        accountable_person_id=coordinator,
                        due_date=today + timedelta(days=14),
                    ),
                    actor="bench",
                )
    finally:
        deployment.dispose()
    return len(addresses)


def mail_costs(folder: Path, *, today: date) -> dict[str, Any]:
    """The digests of a deployment that holds its network already (``command_costs``)."""
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    relay = Controller(sink, hostname="127.0.0.1", port=port)
    relay.start()
    try:
        with (folder / "deployment.toml").open("a", encoding="utf-8") as configuration:
            configuration.write(
                f'\n[mail]\nhost = "127.0.0.1"\nport = {relay.port}\nsecurity = "none"\n'
                'sender = "netzwerk@jobcenter.example"\n'
            )
        partners = _choose_digests(folder, today)
        digest = run_command("mail", "digest", "--today", today.isoformat(), folder=folder)
        written = int(re.search(r"(\d+) digests written", digest.output).group(1))
        send = run_command("mail", "send", folder=folder)
        sent = int(re.search(r"(\d+) sent", send.output).group(1))
    finally:
        relay.stop()
    if sink.received != sent:
        raise RuntimeError(f"the relay took {sink.received} mails, the sender says {sent}")
    return {
        "partners": partners,
        "digests": written,
        "write_seconds": digest.seconds,
        "write_peak_mb": digest.peak_mb,
        "sent": sent,
        "send_seconds": send.seconds,
        "send_peak_mb": send.peak_mb,
        "mails_per_second": round(sent / send.seconds, 1) if send.seconds else None,
    }
