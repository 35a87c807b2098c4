"""The weekly digest: to each address that chose it, what its partner owes the network.

A digest replaces the single mails of the week that it tells again (a task proposed, due,
overdue or changed; a referral that arrived). It is written once per partner, address and
ISO week, so the sender inside ``netzwerker serve`` and ``netzwerker mail digest`` from cron
may both run it on the digest's weekday without doubling it.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.deployment import Deployment
from netzwerker.domain.cases.models import Referral
from netzwerker.domain.mail.compose import Notice, choices_of, notify, public_url
from netzwerker.domain.mail.notices import open_task_counts, partner_addresses
from netzwerker.domain.partners.models import Partner

REASON = (
    "Sie haben gewählt, einmal in der Woche eine Übersicht zu bekommen statt einzelner Nachrichten."
)


def write_digests(session: Session, deployment: Deployment, today: date) -> int:
    """Write this week's digests into the outbox; how many were written."""
    year, week, _ = today.isocalendar()
    waiting = dict(
        session.execute(
            sa.select(col(Referral.to_partner_id), sa.func.count())
            .where(col(Referral.status) == "sent")
            .group_by(col(Referral.to_partner_id))
        ).all()
    )
    written = 0
    for partner in session.exec(
        select(Partner).where(col(Partner.active)).order_by(col(Partner.id))
    ):
        recipients = {r.address.lower(): r for r in partner_addresses(session, partner.id)}
        choices = choices_of(session, recipients)
        readers = [r for address, r in recipients.items() if choices[address] == "digest"]
        if not readers:
            continue
        owed = open_task_counts(session, partner.id, today)
        referrals = waiting.get(partner.id, 0)
        if not any(owed.values()) and not referrals:
            continue
        notice = Notice(
            kind="digest",
            event=f"digest:{partner.id}:{year}-W{week:02d}",
            reason=REASON,
            link="/",
            context={
                **owed,
                "partner": partner.name,
                "today": today,
                "referrals": referrals,
                "base_url": public_url(deployment),
            },
        )
        written += notify(session, notice, readers)
    return written
