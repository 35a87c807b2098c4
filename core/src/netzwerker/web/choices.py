"""What the pages' filters and forms offer, and names for ids: one query each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from netzwerker.domain.fields.services import working_fields
from netzwerker.domain.partners.models import Partner


def field_choices(session: Session) -> list[tuple[str, str]]:
    """Working fields as ``(key, name)``, by name."""
    return sorted(((f.key, f.name) for f in working_fields(session)), key=lambda f: f[1])


def partner_choices(session: Session) -> list[tuple[int, str]]:
    """Active partners as ``(id, name)``, by name."""
    query = sa.select(Partner.id, Partner.name).where(Partner.active).order_by(Partner.name)
    return [(row[0], row[1]) for row in session.execute(query)]


def names(session: Session, model: Any, ids: Iterable[int | None]) -> dict[int, str]:
    """``{id: name}`` of the records of ``model`` (a partner, a person…) with these ids."""
    wanted = {ident for ident in ids if ident is not None}
    if not wanted:
        return {}
    query = sa.select(model.id, model.name).where(model.id.in_(wanted))
    return {row[0]: row[1] for row in session.execute(query)}
