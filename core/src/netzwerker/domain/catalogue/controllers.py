"""``/api/offers``, ``/api/needs`` and ``/api/catalogue``: the service catalogue, its
coverage of the needs, duplicate structures, and the HSDS export."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.domain.catalogue.duplicates import Overlap, overlaps
from netzwerker.domain.catalogue.hsds import export_directory
from netzwerker.domain.catalogue.models import Need
from netzwerker.domain.catalogue.schemas import (
    CoverageOut,
    NeedOut,
    OfferOut,
    offer_answers,
)
from netzwerker.domain.catalogue.services import (
    NeedDraft,
    OfferChanges,
    OfferDraft,
    OfferFilter,
    coverage,
    create_offer,
    find_needs,
    find_offers,
    get_offer,
    record_need,
    update_need,
    update_offer,
)
from netzwerker.domain.references import fetch
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update, versioned
from netzwerker.http.files import download
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset

OFFERS = Answers(offer_answers)


class OfferController(Controller):
    path = "/api/offers"
    tags = ("catalogue",)

    @get("/", sync_to_thread=False, summary="The service catalogue, filtered")
    def list_offers(
        self,
        deployment: CurrentDeployment,
        partner_id: FromQuery[int | None] = None,
        working_field: FromQuery[str | None] = None,
        target_group: FromQuery[str | None] = None,
        problem_area: FromQuery[str | None] = None,
        social_area: FromQuery[str | None] = None,
        legal_domain: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = True,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[OfferOut]:
        offer_filter = OfferFilter(
            partner_id, working_field, target_group, problem_area, social_area, legal_domain, active
        )
        return OFFERS.page(
            deployment,
            lambda session: find_offers(session, offer_filter, limit=limit, offset=offset),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[OfferDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.OFFER_KEEP),
    )
    def create(
        self, data: JSONBody[OfferDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[OfferOut]:
        """Add an offer (coordinators, or a partner member for its own partner)."""
        return OFFERS.created(deployment, lambda session: create_offer(session, data, actor=actor))

    @get("/{offer_id:int}", sync_to_thread=False)
    def read(self, offer_id: FromPath[int], deployment: CurrentDeployment) -> Response[OfferOut]:
        return OFFERS.read(deployment, lambda session: get_offer(session, offer_id))

    @patch(
        "/{offer_id:int}",
        dto=bodies.Changes[OfferChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.OFFER_KEEP),
    )
    def update(
        self,
        offer_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[OfferOut]:
        return OFFERS.written(
            deployment,
            lambda session: update_offer(
                session, offer_id, data.values, actor=actor, expected_version=data.version
            ),
        )


class NeedController(Controller):
    path = "/api/needs"
    tags = ("catalogue",)

    @get("/", sync_to_thread=False, summary="Needs whose period overlaps the one asked for")
    def list_needs(
        self,
        deployment: CurrentDeployment,
        start: Annotated[date | None, QueryParameter(name="from")] = None,
        end: Annotated[date | None, QueryParameter(name="to")] = None,
        working_field: FromQuery[str | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[NeedOut]:
        with deployment.session() as session:
            needs, total = find_needs(
                session,
                period_start=start,
                period_end=end,
                working_field=working_field,
                limit=limit,
                offset=offset,
            )
        items = [NeedOut.of(need) for need in needs]
        return OffsetPagination(items=items, limit=limit, offset=offset, total=total)

    @post(
        "/",
        dto=bodies.Body[NeedDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.NEED_RECORD),
    )
    def create(
        self, data: JSONBody[NeedDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[NeedOut]:
        """Record a need, e.g. from the jobcenter's market and integration unit."""
        with deployment.transaction() as session:
            body = NeedOut.of(record_need(session, data, actor=actor))
        return versioned(body, 201)

    @get("/{need_id:int}", sync_to_thread=False)
    def read(self, need_id: FromPath[int], deployment: CurrentDeployment) -> Response[NeedOut]:
        with deployment.session() as session:
            body = NeedOut.of(fetch(session, Need, need_id, "need"))
        return versioned(body)

    @patch(
        "/{need_id:int}",
        dto=bodies.Changes[NeedDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.NEED_CHANGE),
    )
    def update(
        self,
        need_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[NeedOut]:
        with deployment.transaction() as session:
            need = update_need(
                session, need_id, data.values, actor=actor, expected_version=data.version
            )
            body = NeedOut.of(need)
        return versioned(body)


class CatalogueController(Controller):
    path = "/api/catalogue"
    tags = ("catalogue",)

    @get("/coverage", sync_to_thread=False, summary="Needs and the offers that meet them")
    def coverage(
        self,
        deployment: CurrentDeployment,
        start: Annotated[date | None, QueryParameter(name="from")] = None,
        end: Annotated[date | None, QueryParameter(name="to")] = None,
        working_field: FromQuery[str | None] = None,
        uncovered: Annotated[bool, QueryParameter(description="gaps and shortfalls only")] = False,
    ) -> list[CoverageOut]:
        """Each need with its status: ``gap`` (no offer), ``short`` (too little capacity),
        ``unknown`` (some capacity not known) or ``covered``; gaps first."""
        with deployment.session() as session:
            found = coverage(
                session,
                period_start=start,
                period_end=end,
                working_field=working_field,
                only_uncovered=uncovered,
            )
        return [
            CoverageOut(
                NeedOut.of(item.need),
                item.status,
                item.offer_ids,
                item.capacity,
                item.unknown_capacity,
            )
            for item in found
        ]

    @get("/duplicates", sync_to_thread=False, summary="Possible duplicate structures")
    def duplicates(
        self,
        deployment: CurrentDeployment,
        working_field: FromQuery[str | None] = None,
        minimum: Annotated[float, QueryParameter(ge=0, le=1, description="least degree")] = 0.0,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[Overlap]:
        """Offers of different partners for the same target group, problem area and social
        area, with the degree of overlap and what they share, the largest overlap first."""
        with deployment.session() as session:
            found, total = overlaps(
                session,
                working_field=working_field,
                minimum_degree=minimum,
                limit=limit,
                offset=offset,
            )
        return OffsetPagination(items=found, limit=limit, offset=offset, total=total)

    @get("/hsds", sync_to_thread=False, summary="The directory as Open Referral HSDS 3.0")
    def hsds(self, deployment: CurrentDeployment) -> Response[Any]:
        """Partners as organizations, offers as services, with locations and taxonomies."""
        with deployment.session() as session:
            document = export_directory(session, deployment.name)
        body = json.dumps(document, ensure_ascii=False, indent=2)
        return download(body, "application/json", "hsds.json")
