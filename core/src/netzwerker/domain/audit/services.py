"""Recording and reading the audit log."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: object = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an entry in the same transaction as the change it records."""
    event = AuditEvent(
        at=utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        changes=changes,
    )
    session.add(event)
    return event


def audit_log(
    session: Session,
    *,
    actor: Actor,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditEvent]:
    """Entries, newest first (``audit.read``)."""
    permissions.authorize(actor, permissions.AUDIT_READ)
    query = select(AuditEvent)
    if object_type is not None:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    query = query.order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)
    return list(session.exec(query))
