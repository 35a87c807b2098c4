"""The service catalogue: offers and needs, and what the database finds between them.

* A need is **covered** by the active offers that serve its target group and problem area in
  its social area (an offer without social areas serves the whole region; a need without
  one concerns the whole region). A need with no such offer is a **gap**; one whose
  offers' known capacity is below the people in need is **short**.
* Two active offers of different partners form a **duplicate structure** when they share a
  target group, a problem area and a social area
  (:mod:`~netzwerker.domain.catalogue.duplicates`, kept current as offers are written).

Values are compared as :func:`term` normalises them (case and spacing do not matter).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.catalogue.duplicates import refresh_overlaps
from netzwerker.domain.catalogue.models import Dimension, Need, Offer, OfferTerm
from netzwerker.domain.catalogue.served import served_offers, serving
from netzwerker.domain.partners.models import LegalDomain, Partner
from netzwerker.domain.references import fetch, field_problems, partner_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem, require_version
from netzwerker.validators import not_blank, not_negative, positive, record_key

#: Which list of an offer draft fills which dimension.
LISTS = {
    "target_groups": Dimension.TARGET_GROUP,
    "problem_areas": Dimension.PROBLEM_AREA,
    "social_areas": Dimension.SOCIAL_AREA,
}


def term(value: str) -> str:
    """A value as coverage compares it: spacing collapsed, case folded."""
    return " ".join(value.split()).casefold()[:120]


@attrs.frozen
class OfferChanges:
    title: str = attrs.field(validator=not_blank)
    partner_id: int
    target_groups: list[str] = attrs.Factory(list)
    problem_areas: list[str] = attrs.Factory(list)
    social_areas: list[str] = attrs.Factory(list)
    description: str = ""
    working_field: str | None = None
    legal_domain: LegalDomain | None = None
    capacity: int | None = attrs.field(default=None, validator=not_negative)
    access_conditions: str = ""
    active: bool = True


@attrs.frozen
class OfferDraft(OfferChanges):
    key: str = attrs.field(kw_only=True, validator=record_key)


EDITABLE_OFFER = tuple(field.name for field in attrs.fields(OfferChanges))


@attrs.frozen
class NeedDraft:
    target_group: str = attrs.field(validator=not_blank)
    problem_area: str = attrs.field(validator=not_blank)
    people: int = attrs.field(validator=positive)
    period_start: date
    period_end: date
    social_area: str = ""
    title: str = ""
    source: str = ""
    working_field: str | None = None
    note: str = ""


EDITABLE_NEED = tuple(field.name for field in attrs.fields(NeedDraft))


@attrs.frozen
class Coverage:
    need: Need
    offer_ids: list[int]
    capacity: int
    unknown_capacity: int
    status: str  # gap, short, covered, unknown


def _offer_problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems = partner_problems(session, values["partner_id"], "partner_id")
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    for name in LISTS:
        for index, value in enumerate(values[name]):
            if not value.strip() or len(value) > 120:
                problems.append(Problem(f"{name}[{index}]", "must be 1 to 120 characters"))
    for name in ("target_groups", "problem_areas"):
        if not values[name]:
            problems.append(Problem(name, "name at least one: coverage depends on it"))
    return problems


def _replace_terms(session: Session, offer: Offer, values: dict[str, Any]) -> None:
    session.execute(sa.delete(OfferTerm).where(col(OfferTerm.offer_id) == offer.id))
    for name, dimension in LISTS.items():
        normalised = {term(value): " ".join(value.split()) for value in values[name]}
        session.add_all(
            OfferTerm(offer_id=offer.id, dimension=dimension, term=key, value=value)
            for key, value in normalised.items()
        )


def create_offer(
    session: Session, draft: OfferDraft, *, actor: Actor, now: datetime | None = None
) -> Offer:
    permissions.authorize(actor, permissions.OFFER_KEEP, partner_id=draft.partner_id)
    now = now or utcnow()
    values = attrs.asdict(draft, recurse=False)
    problems = _offer_problems(session, values)
    if session.scalar(select(Offer.id).where(Offer.key == draft.key)) is not None:
        problems.insert(0, Problem("key", f"an offer {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    columns = {key: value for key, value in values.items() if key not in LISTS}
    if columns["legal_domain"] is not None:
        columns["legal_domain"] = str(columns["legal_domain"])
    offer = Offer(**columns, created_at=now, updated_at=now)
    session.add(offer)
    session.flush()
    _replace_terms(session, offer, values)
    record(
        session,
        actor=actor.username,
        action="offer.create",
        object_type="offer",
        object_id=offer.id,
    )
    refresh_overlaps(session, [offer.id])
    return offer


def get_offer(session: Session, offer_id: int, expected_version: int | None = None) -> Offer:
    return fetch(session, Offer, offer_id, "offer", expected_version)


def offer_values(session: Session, offer_id: int, *, actor: Actor) -> tuple[Offer, dict[str, Any]]:
    """An offer and its changeable values with its terms, for its form (``offer.keep``)."""
    offer = get_offer(session, offer_id)
    permissions.authorize(actor, permissions.OFFER_KEEP, partner_id=offer.partner_id)
    values = {key: getattr(offer, key) for key in EDITABLE_OFFER if key not in LISTS}
    return offer, {**values, **terms_of(session, [offer_id])[offer_id]}


def need_values(session: Session, need_id: int, *, actor: Actor) -> tuple[Need, dict[str, Any]]:
    """A need and its changeable values, for its form (``need.change``)."""
    permissions.authorize(actor, permissions.NEED_CHANGE)
    need = fetch(session, Need, need_id, "need")
    return need, {key: getattr(need, key) for key in EDITABLE_NEED}


def terms_of(session: Session, offer_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Each offer's target groups, problem areas and social areas, in one query."""
    found: dict[int, dict[str, list[str]]] = {
        offer_id: {name: [] for name in LISTS} for offer_id in offer_ids
    }
    by_dimension = {dimension: name for name, dimension in LISTS.items()}
    if offer_ids:
        for row in session.exec(
            select(OfferTerm)
            .where(col(OfferTerm.offer_id).in_(offer_ids))
            .order_by(col(OfferTerm.offer_id), col(OfferTerm.dimension), col(OfferTerm.value))
        ):
            found[row.offer_id][by_dimension[Dimension(row.dimension)]].append(row.value)
    return found


def update_offer(
    session: Session,
    offer_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Offer:
    """Change an offer (``offer.keep``: a partner member its own partner's, and only to
    its own partner)."""
    offer = get_offer(session, offer_id)
    permissions.authorize(actor, permissions.OFFER_KEEP, partner_id=offer.partner_id)
    if "partner_id" in changes:
        permissions.authorize(actor, permissions.OFFER_KEEP, partner_id=changes["partner_id"])
    require_version("offer", offer_id, offer.version, expected_version)
    current: dict[str, Any] = {
        key: getattr(offer, key) for key in EDITABLE_OFFER if key not in LISTS
    }
    current.update(terms_of(session, [offer_id])[offer_id])
    values = {**current, **changes}
    problems = _offer_problems(session, values)
    if problems:
        raise InvalidInput(problems)
    for key in EDITABLE_OFFER:
        if key not in LISTS:
            value = values[key]
            setattr(offer, key, str(value) if key == "legal_domain" and value else value)
    offer.updated_at = utcnow()
    if set(changes) & set(LISTS):
        _replace_terms(session, offer, values)
    record(
        session,
        actor=actor.username,
        action="offer.update",
        object_type="offer",
        object_id=offer_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"offer {offer_id}")
    refresh_overlaps(session, [offer_id])
    return offer


@attrs.frozen
class OfferFilter:
    partner_id: int | None = None
    working_field: str | None = None
    target_group: str | None = None
    problem_area: str | None = None
    social_area: str | None = None
    legal_domain: str | None = None
    active: bool | None = True

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        for column, value in (
            (Offer.partner_id, self.partner_id),
            (Offer.working_field, self.working_field),
            (Offer.legal_domain, self.legal_domain),
            (Offer.active, self.active),
        ):
            if value is not None:
                clauses.append(col(column) == value)
        for dimension, value in (
            (Dimension.TARGET_GROUP, self.target_group),
            (Dimension.PROBLEM_AREA, self.problem_area),
            (Dimension.SOCIAL_AREA, self.social_area),
        ):
            if value is not None:
                clauses.append(_serves(Offer.id, dimension, term(value)))
        return clauses


def _serves(offer_id: Any, dimension: str, value: Any) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        col(OfferTerm.offer_id) == offer_id,
        col(OfferTerm.dimension) == dimension,
        col(OfferTerm.term) == value,
    )


def find_offers(
    session: Session, offer_filter: OfferFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[Offer], int]:
    clauses = offer_filter.clauses()
    return page_of(session, Offer, clauses, [Offer.title, Offer.id], limit=limit, offset=offset)


# Needs ------------------------------------------------------------------------------------


def _need_problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    if values["people"] < 1:  # a change skips the draft's validators
        problems.append(Problem("people", "must be at least 1"))
    if values["period_end"] < values["period_start"]:
        problems.append(Problem("period_end", "ends before the period starts"))
    for name in ("target_group", "problem_area", "social_area"):
        if len(values[name]) > 120:
            problems.append(Problem(name, "at most 120 characters"))
    return problems


def _need_terms(values: dict[str, Any]) -> dict[str, str]:
    return {
        f"{name}_term": term(values[name])
        for name in ("target_group", "problem_area", "social_area")
    }


def record_need(
    session: Session, draft: NeedDraft, *, actor: Actor, now: datetime | None = None
) -> Need:
    permissions.authorize(actor, permissions.NEED_RECORD)
    values = attrs.asdict(draft)
    problems = _need_problems(session, values)
    if problems:
        raise InvalidInput(problems)
    need = Need(
        **values,
        **_need_terms(values),  # type: ignore[arg-type]
        recorded_by=actor.username,
        created_at=now or utcnow(),
    )
    session.add(need)
    session.flush()
    record(
        session, actor=actor.username, action="need.create", object_type="need", object_id=need.id
    )
    return need


def update_need(
    session: Session,
    need_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Need:
    permissions.authorize(actor, permissions.NEED_CHANGE)
    need = fetch(session, Need, need_id, "need", expected_version)
    values = {**{key: getattr(need, key) for key in EDITABLE_NEED}, **changes}
    problems = _need_problems(session, values)
    if problems:
        raise InvalidInput(problems)
    for key, value in {**values, **_need_terms(values)}.items():
        setattr(need, key, value)
    record(
        session,
        actor=actor.username,
        action="need.update",
        object_type="need",
        object_id=need_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"need {need_id}")
    return need


def _period_clauses(
    period_start: date | None, period_end: date | None
) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = []
    if period_end is not None:
        clauses.append(col(Need.period_start) <= period_end)
    if period_start is not None:
        clauses.append(col(Need.period_end) >= period_start)
    return clauses


def find_needs(
    session: Session,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    working_field: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Need], int]:
    clauses = _period_clauses(period_start, period_end)
    if working_field is not None:
        clauses.append(col(Need.working_field) == working_field)
    return page_of(
        session,
        Need,
        clauses,
        [col(Need.period_start).desc(), col(Need.id)],
        limit=limit,
        offset=offset,
    )


# Coverage ---------------------------------------------------------------------------------


def coverage(
    session: Session,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    working_field: str | None = None,
    only_uncovered: bool = False,
) -> list[Coverage]:
    """Every need of the period with the offers that meet it, gaps first.

    An active offer meets a need when it serves the need's target group and problem area, in
    the need's social area or in the whole region (an offer without social areas); a need
    without a social area is met by an offer anywhere."""
    clauses = _period_clauses(period_start, period_end)
    if working_field is not None:
        clauses.append(col(Need.working_field) == working_field)
    needs = session.scalars(select(Need).where(*clauses)).all()
    offers = served_offers(session)
    groups, problems = (
        serving(offers, Dimension.TARGET_GROUP),
        serving(offers, Dimension.PROBLEM_AREA),
    )
    areas = serving(offers, Dimension.SOCIAL_AREA)
    region_wide = {
        offer_id for offer_id, offer in offers.items() if not offer.terms_of(Dimension.SOCIAL_AREA)
    }
    found = []
    for need in needs:
        meeting = groups.get(need.target_group_term, set()) & problems.get(
            need.problem_area_term, set()
        )
        if need.social_area_term:
            meeting &= areas.get(need.social_area_term, set()) | region_wide
        capacities = [offers[offer_id].capacity for offer_id in meeting]
        capacity = sum(value for value in capacities if value is not None)
        unknown = capacities.count(None)
        if not meeting:
            status = "gap"
        elif capacity >= need.people:
            status = "covered"
        elif unknown:
            status = "unknown"
        else:
            status = "short"
        if not (only_uncovered and status == "covered"):
            found.append(Coverage(need, sorted(meeting), capacity, unknown, status))
    found.sort(key=lambda item: (len(item.offer_ids), item.need.period_start, item.need.id))
    return found


def offer_lines(session: Session, offer_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """``{offer id: (title, partner name, partner key)}``, in one query."""
    wanted = set(offer_ids)
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(col(Offer.id), col(Offer.title), col(Partner.name), col(Partner.key))
        .join(Partner, col(Partner.id) == col(Offer.partner_id))
        .where(col(Offer.id).in_(wanted))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


def offer_choices(session: Session) -> list[tuple[int, str, str]]:
    """The active offers as a form offers them: ``(id, title, partner name)``, grouped by
    partner."""
    rows = session.execute(
        sa.select(col(Offer.id), col(Offer.title), col(Partner.name))
        .join(Partner, col(Partner.id) == col(Offer.partner_id))
        .where(col(Offer.active))
        .order_by(col(Partner.name), col(Offer.title))
    )
    return [(row[0], row[1], row[2]) for row in rows]
