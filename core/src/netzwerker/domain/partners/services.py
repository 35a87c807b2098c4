"""Partners: keeping the directory, never losing a partner that tasks still reference."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from netzwerker.clock import utcnow
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Task, TaskParty
from netzwerker.errors import NotFound, Refused


def get_partner(session: Session, key: str) -> Partner:
    partner = session.exec(select(Partner).where(Partner.key == key)).first()
    if partner is None:
        raise NotFound("partner", key)
    return partner


def set_partner_active(session: Session, key: str, active: bool) -> Partner:
    """Deactivate (or reactivate) a partner: it keeps its history and tasks."""
    partner = get_partner(session, key)
    partner.active = active
    partner.updated_at = utcnow()
    session.flush()
    return partner


def delete_partner(session: Session, key: str) -> None:
    """Delete a partner that no task references; otherwise refuse and advise deactivating."""
    partner = get_partner(session, key)
    references = session.exec(
        select(sa.func.count())
        .select_from(Task)
        .where(
            (Task.responsible_partner_id == partner.id)
            | Task.id.in_(select(TaskParty.task_id).where(TaskParty.partner_id == partner.id))
            | Task.accountable_person_id.in_(
                select(Person.id).where(Person.partner_id == partner.id)
            )
        )
    ).one()
    if references:
        raise Refused(
            f"partner {key!r} is named in {references} task(s) and cannot be deleted; "
            "deactivate it instead"
        )
    session.delete(partner)
    session.flush()
