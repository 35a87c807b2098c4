"""The active offers as coverage and duplicate structures compare them: who runs each, its
capacity, and per dimension its terms (normalised) with the values as the partner wrote them.

Both comparisons need every active offer's terms; one query reads them, and the matching
happens in sets (which offers serve this target group, this problem area, this social area),
which costs milliseconds where the same joins in SQL cost a probe per need and offer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from netzwerker.domain.catalogue.models import Dimension, Offer, OfferTerm


@attrs.frozen
class ServedBy:
    """An active offer: its partner, its capacity and per dimension ``{term: value}``."""

    partner_id: int
    capacity: int | None
    terms: Mapping[str, Mapping[str, str]]

    def terms_of(self, dimension: str) -> Mapping[str, str]:
        return self.terms.get(dimension, {})


def served_offers(
    database: Session | sa.Connection, sharing_group_with: Sequence[int] | None = None
) -> dict[int, ServedBy]:
    """The active offers with their terms, in one query; with ``sharing_group_with``, only
    those that share a target group with one of these offers."""
    query = (
        sa.select(
            col(Offer.id),
            col(Offer.partner_id),
            col(Offer.capacity),
            col(OfferTerm.dimension),
            col(OfferTerm.term),
            col(OfferTerm.value),
        )
        .join(OfferTerm, col(OfferTerm.offer_id) == col(Offer.id))
        .where(col(Offer.active).is_(True))
    )
    if sharing_group_with is not None:
        mine, theirs = aliased(OfferTerm), aliased(OfferTerm)
        groups = (
            sa.select(col(theirs.offer_id))
            .join(
                mine,
                sa.and_(
                    col(mine.dimension) == col(theirs.dimension),
                    col(mine.term) == col(theirs.term),
                ),
            )
            .where(
                col(mine.offer_id).in_(sharing_group_with),
                col(mine.dimension) == Dimension.TARGET_GROUP,
            )
        )
        query = query.where(col(Offer.id).in_(groups))
    offers: dict[int, tuple[int, int | None]] = {}
    terms: dict[int, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for offer_id, partner_id, capacity, dimension, term, value in database.execute(query):
        offers[offer_id] = (partner_id, capacity)
        terms[offer_id][dimension][term] = value
    return {
        offer_id: ServedBy(partner_id, capacity, terms[offer_id])
        for offer_id, (partner_id, capacity) in offers.items()
    }


def serving(offers: Mapping[int, ServedBy], dimension: str) -> dict[str, set[int]]:
    """``{term: ids of the offers that name it}`` for one dimension."""
    found: dict[str, set[int]] = defaultdict(set)
    for offer_id, offer in offers.items():
        for term in offer.terms_of(dimension):
            found[term].add(offer_id)
    return found


def any_of(index: Mapping[str, set[int]], terms: Iterable[str]) -> set[int]:
    """The offers that name at least one of ``terms``."""
    return set().union(*(index.get(term, set()) for term in terms))
