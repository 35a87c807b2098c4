"""Coordination circles: who belongs to them, founded when, led by whom."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.circles.models import Circle, CirclePartner, CirclePerson
from netzwerker.domain.references import fetch, field_problems, partner_problems, person_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem
from netzwerker.validators import not_blank, record_key


@attrs.frozen
class CircleChanges:
    """What may change on a circle (all of the draft but its key)."""

    name: str = attrs.field(validator=not_blank)
    working_field: str | None = None
    lead_partner_id: int | None = None
    description: str = ""
    founded_on: date | None = None
    active: bool = True
    partners: list[int] = attrs.Factory(list)
    people: list[int] = attrs.Factory(list)


@attrs.frozen
class CircleDraft(CircleChanges):
    key: str = attrs.field(kw_only=True, validator=record_key)


EDITABLE = tuple(field.name for field in attrs.fields(CircleChanges))
_MEMBERS = ("partners", "people")


@attrs.frozen
class Members:
    partners: list[int]
    people: list[int]


def _problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    if values["lead_partner_id"] is not None:
        problems.extend(partner_problems(session, values["lead_partner_id"], "lead_partner_id"))
    for path in _MEMBERS:
        if len(set(values[path])) != len(values[path]):
            problems.append(Problem(path, "lists a member twice"))
    for index, partner_id in enumerate(values["partners"]):
        problems.extend(partner_problems(session, partner_id, f"partners[{index}]"))
    for index, person_id in enumerate(values["people"]):
        problems.extend(person_problems(session, person_id, f"people[{index}]"))
    return problems


def _replace_members(session: Session, circle: Circle, values: dict[str, Any]) -> None:
    for model in (CirclePartner, CirclePerson):
        session.execute(sa.delete(model).where(col(model.circle_id) == circle.id))
    # The lead partner is a member, whether or not the list names it.
    partners = dict.fromkeys([*values["partners"], values["lead_partner_id"]])
    session.add_all(
        CirclePartner(circle_id=circle.id, partner_id=partner_id)
        for partner_id in partners
        if partner_id is not None
    )
    session.add_all(
        CirclePerson(circle_id=circle.id, person_id=person_id) for person_id in values["people"]
    )


def create_circle(
    session: Session, draft: CircleDraft, *, actor: Actor, now: datetime | None = None
) -> Circle:
    permissions.authorize(actor, permissions.CIRCLE_FOUND)
    now = now or utcnow()
    values = attrs.asdict(draft, recurse=False)
    problems = _problems(session, values)
    if session.scalar(select(Circle.id).where(Circle.key == draft.key)) is not None:
        problems.insert(0, Problem("key", f"a circle {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    columns = {key: value for key, value in values.items() if key not in _MEMBERS}
    circle = Circle(**columns, created_at=now, updated_at=now)
    session.add(circle)
    session.flush()
    _replace_members(session, circle, values)
    record(
        session,
        actor=actor.username,
        action="circle.create",
        object_type="circle",
        object_id=circle.id,
    )
    session.flush()
    return circle


def get_circle(session: Session, circle_id: int, expected_version: int | None = None) -> Circle:
    return fetch(session, Circle, circle_id, "circle", expected_version)


def update_circle(
    session: Session,
    circle_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Circle:
    permissions.authorize(actor, permissions.CIRCLE_CHANGE)
    circle = get_circle(session, circle_id, expected_version)
    members = members_of(session, [circle_id])[circle_id]
    current = {key: getattr(circle, key) for key in EDITABLE if key not in _MEMBERS}
    values = {**current, **attrs.asdict(members), **changes}
    problems = _problems(session, values)
    if problems:
        raise InvalidInput(problems)
    for key in EDITABLE:
        if key not in _MEMBERS:
            setattr(circle, key, values[key])
    circle.updated_at = now or utcnow()
    if set(changes) & {*_MEMBERS, "lead_partner_id"}:
        _replace_members(session, circle, values)
    record(
        session,
        actor=actor.username,
        action="circle.update",
        object_type="circle",
        object_id=circle_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"circle {circle_id}")
    return circle


def circle_values(
    session: Session, circle_id: int, *, actor: Actor
) -> tuple[Circle, dict[str, Any]]:
    """A circle and its values now, members included, for a form changing it
    (``circle.change``)."""
    permissions.authorize(actor, permissions.CIRCLE_CHANGE)
    circle = get_circle(session, circle_id)
    values = {key: getattr(circle, key) for key in EDITABLE if key not in _MEMBERS}
    values.update(attrs.asdict(members_of(session, [circle_id])[circle_id]))
    return circle, values


def members_of(session: Session, circle_ids: Sequence[int]) -> dict[int, Members]:
    """The member partners and people of each circle, in two queries."""
    members = {circle_id: Members([], []) for circle_id in circle_ids}
    if not circle_ids:
        return members
    for circle_id, partner_id in session.execute(
        select(col(CirclePartner.circle_id), col(CirclePartner.partner_id))
        .where(col(CirclePartner.circle_id).in_(circle_ids))
        .order_by(col(CirclePartner.partner_id))
    ):
        members[circle_id].partners.append(partner_id)
    for circle_id, person_id in session.execute(
        select(col(CirclePerson.circle_id), col(CirclePerson.person_id))
        .where(col(CirclePerson.circle_id).in_(circle_ids))
        .order_by(col(CirclePerson.person_id))
    ):
        members[circle_id].people.append(person_id)
    return members


def find_circles(
    session: Session,
    *,
    working_field: str | None = None,
    partner_id: int | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Circle], int]:
    """Circles by name, and how many match in all."""
    clauses: list[sa.ColumnElement[bool]] = []
    if working_field is not None:
        clauses.append(col(Circle.working_field) == working_field)
    if active is not None:
        clauses.append(col(Circle.active) == active)
    if partner_id is not None:
        clauses.append(
            col(Circle.id).in_(
                select(col(CirclePartner.circle_id)).where(
                    col(CirclePartner.partner_id) == partner_id
                )
            )
        )
    return page_of(session, Circle, clauses, [Circle.name, Circle.id], limit=limit, offset=offset)
