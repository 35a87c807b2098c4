"""Possible duplicate structures (Doppelstrukturen), kept current as offers change.

Two active offers of different partners form a duplicate structure when they share a target
group, a problem area and a social area (an offer without social areas serves the whole
region, so it shares every area). The degree of overlap is the share of the smaller offer's
combinations (target group × problem area × social area) that the other offer serves too.

Comparing every pair of offers takes seconds in a large catalogue, so the pairs are stored
in ``offer_overlap``: :func:`refresh_overlaps` recomputes the pairs of the offers a write
touched (creating or changing an offer calls it), :func:`rebuild_overlaps` all of them (after
a bulk load). Reading a page of them, the largest overlap first, is then an index scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from netzwerker.domain.catalogue.models import Dimension, Offer, OfferOverlap
from netzwerker.domain.catalogue.served import ServedBy, any_of, served_offers, serving

TARGET_GROUP = Dimension.TARGET_GROUP
PROBLEM_AREA = Dimension.PROBLEM_AREA
SOCIAL_AREA = Dimension.SOCIAL_AREA


@attrs.frozen
class Overlap:
    """Two offers of different partners that serve the same people for the same problem in
    the same area: a possible duplicate structure."""

    first_offer_id: int
    second_offer_id: int
    target_groups: list[str]
    problem_areas: list[str]
    social_areas: list[str]  # empty: both serve the whole region
    degree: float
    explanation: str


def compare(first_id: int, first: ServedBy, second_id: int, second: ServedBy) -> Overlap | None:
    """The overlap of two offers, or None when they are no duplicate structure."""
    if first.partner_id == second.partner_id:
        return None
    shared = {
        dimension: sorted(first.terms_of(dimension).keys() & second.terms_of(dimension).keys())
        for dimension in (TARGET_GROUP, PROBLEM_AREA, SOCIAL_AREA)
    }
    if not shared[TARGET_GROUP] or not shared[PROBLEM_AREA]:
        return None
    area_a, area_b = len(first.terms_of(SOCIAL_AREA)), len(second.terms_of(SOCIAL_AREA))
    if area_a and area_b and not shared[SOCIAL_AREA]:
        return None
    # An offer without social areas serves the whole region, so it serves every area of
    # the other offer: compare both on the other's areas.
    if not area_a or not area_b:
        areas_a = areas_b = shared_areas = area_a or area_b or 1
    else:
        areas_a, areas_b, shared_areas = area_a, area_b, len(shared[SOCIAL_AREA])

    def size(offer: ServedBy, areas: int) -> int:
        return len(offer.terms[TARGET_GROUP]) * len(offer.terms[PROBLEM_AREA]) * areas

    common = len(shared[TARGET_GROUP]) * len(shared[PROBLEM_AREA]) * shared_areas
    degree = round(common / min(size(first, areas_a), size(second, areas_b)), 2)
    values = {
        dimension: sorted(first.terms[dimension][term] for term in terms)
        for dimension, terms in shared.items()
    }
    if not area_a and not area_b:
        where = "beide im ganzen Gebiet"
    elif not area_a or not area_b:
        where = "eines im ganzen Gebiet, das andere in einem Teil davon"
    else:
        where = "Sozialraum " + ", ".join(values[SOCIAL_AREA])
    explanation = (
        f"Gleiche Zielgruppe: {', '.join(values[TARGET_GROUP])}; "
        f"gleiche Problemlage: {', '.join(values[PROBLEM_AREA])}; {where}. "
        f"{round(100 * degree)} % der Kombinationen des kleineren Angebots deckt auch das "
        "andere ab."
    )
    return Overlap(
        first_id,
        second_id,
        values[TARGET_GROUP],
        values[PROBLEM_AREA],
        values[SOCIAL_AREA],
        degree,
        explanation,
    )


def find_overlaps(
    offers: Mapping[int, ServedBy], touched: Iterable[int] | None = None
) -> Iterator[Overlap]:
    """Every overlap among ``offers`` (or only those of the ``touched`` ones), each pair once
    with the smaller id first. Candidates share a target group and a problem area, found
    through an index of both rather than by comparing every pair."""
    with_group, with_problem = serving(offers, TARGET_GROUP), serving(offers, PROBLEM_AREA)
    chosen = set(offers if touched is None else touched) & offers.keys()
    for offer_id in sorted(chosen):
        offer = offers[offer_id]
        candidates = any_of(with_group, offer.terms_of(TARGET_GROUP))
        candidates &= any_of(with_problem, offer.terms_of(PROBLEM_AREA))
        for other_id in sorted(candidates):
            # Each pair once: from its smaller id, unless only the larger one was touched.
            if other_id == offer_id or (other_id in chosen and other_id < offer_id):
                continue
            first_id, second_id = sorted((offer_id, other_id))
            found = compare(first_id, offers[first_id], second_id, offers[second_id])
            if found is not None:
                yield found


def _store(database: Session | sa.Connection, found: Iterable[Overlap]) -> int:
    rows = [attrs.asdict(overlap) for overlap in found]
    if rows:
        database.execute(sa.insert(OfferOverlap), rows)
    return len(rows)


def refresh_overlaps(session: Session, offer_ids: Sequence[int]) -> int:
    """Recompute the stored overlaps of the offers just created or changed; how many they
    have now. Costs what those offers' candidates cost, not what the catalogue does."""
    session.flush()
    session.execute(
        sa.delete(OfferOverlap).where(
            sa.or_(
                OfferOverlap.first_offer_id.in_(offer_ids),  # type: ignore[attr-defined]
                OfferOverlap.second_offer_id.in_(offer_ids),  # type: ignore[attr-defined]
            )
        )
    )
    return _store(session, find_overlaps(served_offers(session, offer_ids), offer_ids))


def rebuild_overlaps(database: Session | sa.Connection) -> int:
    """Recompute every stored overlap (after offers were written in bulk); how many."""
    database.execute(sa.delete(OfferOverlap))
    return _store(database, find_overlaps(served_offers(database)))


def overlaps(
    session: Session,
    *,
    working_field: str | None = None,
    minimum_degree: float = 0.0,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Overlap], int]:
    """A page of the possible duplicate structures, the largest overlap first, and how many
    there are in all. With a working field, both offers belong to it."""
    clauses: list[Any] = [OfferOverlap.degree >= minimum_degree]
    if working_field is not None:
        first, second = aliased(Offer), aliased(Offer)
        clauses += [
            sa.exists().where(
                col(first.id) == col(OfferOverlap.first_offer_id),
                col(first.working_field) == working_field,
            ),
            sa.exists().where(
                col(second.id) == col(OfferOverlap.second_offer_id),
                col(second.working_field) == working_field,
            ),
        ]
    total = session.scalar(sa.select(sa.func.count()).select_from(OfferOverlap).where(*clauses))
    query = (
        sa.select(OfferOverlap)
        .where(*clauses)
        .order_by(
            col(OfferOverlap.degree).desc(),
            col(OfferOverlap.first_offer_id),
            col(OfferOverlap.second_offer_id),
        )
        .limit(limit)
        .offset(offset)
    )
    page = [
        Overlap(**{field.name: getattr(row, field.name) for field in attrs.fields(Overlap)})
        for row in session.scalars(query)
    ]
    return page, total or 0
