"""The service catalogue: which needs the partners' offers meet, where gaps are, and which
offers may duplicate each other."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.response import Template

from netzwerker.domain.catalogue.duplicates import overlaps
from netzwerker.domain.catalogue.services import (
    NeedDraft,
    OfferFilter,
    coverage,
    find_offers,
    offer_lines,
    record_need,
    terms_of,
)
from netzwerker.domain.references import field_choices
from netzwerker.domain.users import permissions
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import Form, FormField, PostedForm, build, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect

PAGE_SIZE = 50
#: The largest overlaps the catalogue's page shows; the rest are a page of their own.
PAIRS_SHOWN = 10
NEED_FIELDS = (
    FormField("target_group", required=True),
    FormField("problem_area", required=True),
    FormField("people", "int", required=True),
    FormField("period_start", "date", required=True),
    FormField("period_end", "date", required=True),
    FormField("social_area"),
    FormField("title"),
    FormField("source"),
    FormField("working_field"),
    FormField("note"),
)
NEED_RECORDED = mark("The need is recorded.")
COVERAGE_STATUSES = {
    "gap": mark("gap"),
    "short": mark("too little capacity"),
    "unknown": mark("capacity unknown"),
    "covered": mark("covered"),
}


def _catalogue_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    *,
    working_field: str | None,
    start: date | None,
    end: date | None,
    offset: int = 0,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        needs = coverage(session, period_start=start, period_end=end, working_field=working_field)
        pairs, pair_total = overlaps(session, working_field=working_field, limit=PAIRS_SHOWN)
        offers, total = find_offers(
            session, OfferFilter(working_field=working_field), limit=PAGE_SIZE, offset=offset
        )
        terms = terms_of(session, [offer.id for offer in offers])
        mentioned = {oid for item in needs for oid in item.offer_ids}
        mentioned |= {oid for pair in pairs for oid in (pair.first_offer_id, pair.second_offer_id)}
        lines = offer_lines(session, mentioned | {offer.id for offer in offers})
        fields = field_choices(session)
    query = {
        key: value
        for key, value in request.query_params.items()
        if value and key in ("working_field", "from", "to")
    }
    return page(
        request,
        "catalogue/overview.html",
        status=status,
        query=query,
        fields=fields,
        needs=needs,
        gaps=sum(item.status == "gap" for item in needs),
        statuses=COVERAGE_STATUSES,
        pairs=pairs,
        pair_total=pair_total,
        offers=offers,
        terms=terms,
        lines=lines,
        total=total,
        offset=offset,
        limit=PAGE_SIZE,
        may_record=permissions.allows(actor, permissions.NEED_RECORD),
        form=form or Form.showing({field.name: "" for field in NEED_FIELDS}),
    )


@get("/catalogue", sync_to_thread=False, name="catalogue")
def catalogue_overview(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    working_field: Annotated[str | None, QueryParameter()] = None,
    start: Annotated[date | None, QueryParameter(name="from")] = None,
    end: Annotated[date | None, QueryParameter(name="to")] = None,
    offset: Offset = 0,
) -> Template:
    return _catalogue_page(
        request,
        deployment,
        actor,
        working_field=working_field or None,
        start=start,
        end=end,
        offset=offset,
    )


@post("/catalogue/needs", sync_to_thread=False, guards=permitted(permissions.NEED_RECORD))
def record_a_need(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, NEED_FIELDS)
    values = {**entered.values, "working_field": entered.values.get("working_field") or None}
    draft = build(request, entered, NeedDraft, **values) if entered.valid else None
    if draft and save(request, entered, deployment, record_need, draft, actor=actor):
        notify(request, NEED_RECORDED)
        return redirect(request, "/catalogue")
    return _catalogue_page(
        request,
        deployment,
        actor,
        working_field=None,
        start=None,
        end=None,
        form=entered,
        status=422,
    )


@get("/catalogue/duplicates", sync_to_thread=False, name="duplicates")
def duplicate_structures(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    working_field: Annotated[str | None, QueryParameter()] = None,
    offset: Offset = 0,
) -> Template:
    """Every possible duplicate structure, the largest overlap first, a page at a time."""
    with deployment.session() as session:
        pairs, total = overlaps(
            session, working_field=working_field or None, limit=PAGE_SIZE, offset=offset
        )
        mentioned = {oid for pair in pairs for oid in (pair.first_offer_id, pair.second_offer_id)}
        lines = offer_lines(session, mentioned)
        fields = field_choices(session)
    query = {"working_field": working_field} if working_field else {}
    return page(
        request,
        "catalogue/duplicates.html",
        query=query,
        fields=fields,
        pairs=pairs,
        pair_total=total,
        lines=lines,
        offset=offset,
        limit=PAGE_SIZE,
    )


ROUTES = [catalogue_overview, duplicate_structures, record_a_need]
