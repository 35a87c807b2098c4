"""A partner's page: its entry, contacts and offers, the tasks it is responsible for, and its
record of kept commitments."""

from __future__ import annotations

from datetime import date

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.partners.services import contacts_of, get_partner, partner_lists
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.overview import TaskLine, task_lines
from netzwerker.domain.tasks.queries import visible_to
from netzwerker.domain.tasks.report import ReportRow, accountability_report
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor

#: How many of a partner's tasks its page lists (the first due first).
LISTED_TASKS = 100


@attrs.frozen
class PartnerRecord:
    partner: Partner
    #: ``legal_domains`` and ``working_fields``.
    lists: dict[str, list[str]]
    contacts: list[Person]
    offers: list[Offer]
    #: The tasks it is responsible for that the reader may read.
    tasks: list[TaskLine]
    record: ReportRow | None
    #: Whether the reader may keep the partner's contact data, and its contacts.
    may_edit: bool
    may_keep_contacts: bool
    may_keep_offers: bool


def partner_record(session: Session, key: str, *, actor: Actor, today: date) -> PartnerRecord:
    partner = get_partner(session, key)
    where = [col(Task.responsible_partner_id) == partner.id]
    visible = visible_to(actor)
    if visible is not None:
        where.append(visible)
    offers = sa.select(Offer).where(col(Offer.partner_id) == partner.id).order_by(col(Offer.title))
    report = accountability_report(session, by="partner", today=today, partner_id=partner.id)
    return PartnerRecord(
        partner=partner,
        lists=partner_lists(session, [partner.id])[partner.id],
        contacts=contacts_of(session, [partner.id])[partner.id],
        offers=list(session.scalars(offers)),
        tasks=task_lines(session, *where, today=today, limit=LISTED_TASKS),
        record=report[0] if report else None,
        may_edit=permissions.allows(actor, permissions.PARTNER_KEEP, partner_id=partner.id),
        may_keep_contacts=permissions.allows(
            actor, permissions.PARTNER_CONTACTS, partner_id=partner.id
        ),
        may_keep_offers=permissions.allows(actor, permissions.OFFER_KEEP, partner_id=partner.id),
    )
