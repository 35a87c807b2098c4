"""The service catalogue: which needs the partners' offers meet, where gaps are, and which
offers may duplicate each other."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.domain.catalogue.duplicates import overlaps
from netzwerker.domain.catalogue.services import (
    NeedDraft,
    OfferDraft,
    OfferFilter,
    coverage,
    create_offer,
    find_offers,
    need_values,
    offer_lines,
    offer_values,
    record_need,
    terms_of,
    update_need,
    update_offer,
)
from netzwerker.domain.partners.models import LegalDomain
from netzwerker.domain.references import field_choices, partner_choices
from netzwerker.domain.users import permissions
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import (
    Form,
    FormField,
    PostedForm,
    build,
    form_page,
    read_form,
    refused_change,
    save,
    save_change,
)
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate

PAGE_SIZE = 50
#: The largest overlaps the catalogue's page shows; the rest are a page of their own.
PAIRS_SHOWN = 10
NEED_FIELDS = (
    FormField("title", label=mark("Title")),
    FormField("target_group", required=True, label=mark("Target group")),
    FormField("problem_area", required=True, label=mark("Problem area")),
    FormField(
        "social_area", label=mark("Social area"), hint=mark("Leave empty for the whole region")
    ),
    FormField("people", "int", required=True, label=mark("People")),
    FormField("period_start", "date", required=True, label=mark("From")),
    FormField("period_end", "date", required=True, label=mark("Until")),
    FormField("working_field", "choice", label=mark("Working field")),
    FormField("source", label=mark("Source")),
    FormField("note", label=mark("Note"), long=True),
)
NEED_RECORDED = mark("The need is recorded.")
NEED_CHANGED = mark("The need was saved.")
TERMS = mark("Separated by commas, e.g. Alleinerziehende, Langzeitarbeitslose.")
OFFER_FIELDS = (
    FormField(
        "key",
        "key",
        required=True,
        label=mark("Key"),
        hint=mark(
            "Lower-case letters, digits, “-” and “_”; it never changes, e.g. schuldnerberatung."
        ),
    ),
    FormField("title", required=True, label=mark("Title")),
    FormField("partner_id", "int", required=True, label=mark("Partner")),
    FormField("working_field", "choice", label=mark("Working field")),
    FormField(
        "legal_domain",
        "choice",
        label=mark("Legal domain"),
        choices=tuple(domain.value for domain in LegalDomain),
    ),
    FormField("target_groups", "list", required=True, label=mark("Target groups"), hint=TERMS),
    FormField("problem_areas", "list", required=True, label=mark("Problem areas"), hint=TERMS),
    FormField(
        "social_areas", "list", label=mark("Social areas"), hint=mark("Empty: the whole region.")
    ),
    FormField(
        "capacity",
        "int",
        label=mark("Capacity per year"),
        hint=mark("People a year; empty if unknown."),
    ),
    FormField("access_conditions", label=mark("Access conditions"), long=True),
    FormField("description", label=mark("Description"), long=True),
    FormField("active", "flag", label=mark("Offered")),
)
#: The services' problems with a need, for the catalogue.
NEED_PROBLEMS = (mark("ends before the period starts"), mark("at most 120 characters"))
OFFER_RECORDED = mark("The offer is recorded.")
OFFER_CHANGED = mark("The offer was saved.")
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
        may_change_needs=permissions.allows(actor, permissions.NEED_CHANGE),
        may_keep_offers=permissions.allows(actor, permissions.OFFER_KEEP),
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


def _offer_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form,
    *,
    offer: Any = None,
    status: int = 200,
) -> Template:
    own = permissions.own_partner(actor, permissions.OFFER_KEEP)
    with deployment.session() as session:
        partners = [(pid, name) for pid, name in partner_choices(session) if own in (None, pid)]
        options = {
            "partner_id": partners,
            "working_field": field_choices(session),
            "legal_domain": [(domain.value, domain.value) for domain in LegalDomain],
        }
    excluded = {"active"} if offer is None else {"key"}
    catalogue = ("/catalogue", translate(request, mark("Offers and needs")))
    return form_page(
        request,
        form,
        [field for field in OFFER_FIELDS if field.name not in excluded],
        title=mark("Change offer") if offer else mark("Record an offer"),
        action=f"/catalogue/offers/{offer.id}" if offer else "/catalogue/offers",
        back="/catalogue",
        options=options,
        status=status,
        breadcrumbs=[catalogue],
        version=offer.version if offer else None,
    )


def _listed(values: dict[str, Any]) -> dict[str, Any]:
    """An offer's values with its terms as the text its form shows: separated by commas."""
    return {
        key: ", ".join(value) if isinstance(value, list) else value for key, value in values.items()
    }


def _offer_changes(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **values,
        "working_field": values.get("working_field") or None,
        "legal_domain": values.get("legal_domain") or None,
    }


@get("/catalogue/offers/new", sync_to_thread=False, guards=permitted(permissions.OFFER_KEEP))
def new_offer(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    partner_id: Annotated[int | None, QueryParameter()] = None,
) -> Template:
    own = permissions.own_partner(actor, permissions.OFFER_KEEP)
    shown = Form.showing({"partner_id": own or partner_id, "target_groups": ""})
    return _offer_form(request, deployment, actor, shown)


@post("/catalogue/offers", sync_to_thread=False, guards=permitted(permissions.OFFER_KEEP))
def record_an_offer(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = [field for field in OFFER_FIELDS if field.name != "active"]
    entered = read_form(request, form, fields)
    values = _offer_changes(entered.values)
    draft = build(request, entered, OfferDraft, **values) if entered.valid else None
    offer = save(request, entered, deployment, create_offer, draft, actor=actor) if draft else None
    if offer is None:
        return _offer_form(request, deployment, actor, entered, status=422)
    notify(request, OFFER_RECORDED)
    return redirect(request, "/catalogue")


@get(
    "/catalogue/offers/{offer_id:int}/edit",
    sync_to_thread=False,
    guards=permitted(permissions.OFFER_KEEP),
)
def edit_offer(
    request: Request[Any, Any, Any],
    offer_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        offer, values = offer_values(session, offer_id, actor=actor)
    return _offer_form(request, deployment, actor, Form.showing(_listed(values)), offer=offer)


@post(
    "/catalogue/offers/{offer_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.OFFER_KEEP),
)
def change_offer(
    request: Request[Any, Any, Any],
    offer_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change an offer; unticking "offered" ends it, keeping it in the evaluation."""
    fields = [field for field in OFFER_FIELDS if field.name != "key"]
    entered = read_form(request, form, [*fields, FormField("version", "int", required=True)])
    changes = _offer_changes(entered.changes)
    changed = save_change(
        request,
        entered,
        deployment,
        update_offer,
        offer_id,
        changes,
        actor=actor,
    )
    if changed is None:
        with deployment.session() as session:
            offer, values = offer_values(session, offer_id, actor=actor)
        shown, status = refused_change(entered, lambda: _listed(values))
        return _offer_form(request, deployment, actor, shown, offer=offer, status=status)
    notify(request, OFFER_CHANGED)
    return redirect(request, "/catalogue")


def _need_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    form: Form,
    need: Any,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        options = {"working_field": field_choices(session)}
    return form_page(
        request,
        form,
        NEED_FIELDS,
        title=mark("Change need"),
        action=f"/catalogue/needs/{need.id}",
        back="/catalogue",
        options=options,
        status=status,
        breadcrumbs=[("/catalogue", translate(request, mark("Offers and needs")))],
        version=need.version,
    )


@get(
    "/catalogue/needs/{need_id:int}/edit",
    sync_to_thread=False,
    guards=permitted(permissions.NEED_CHANGE),
)
def edit_need(
    request: Request[Any, Any, Any],
    need_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        need, values = need_values(session, need_id, actor=actor)
    return _need_form(request, deployment, Form.showing(values), need)


@post(
    "/catalogue/needs/{need_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.NEED_CHANGE),
)
def change_need(
    request: Request[Any, Any, Any],
    need_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, [*NEED_FIELDS, FormField("version", "int", required=True)])
    changes = entered.changes
    changes["working_field"] = changes.get("working_field") or None
    changed = save_change(
        request,
        entered,
        deployment,
        update_need,
        need_id,
        changes,
        actor=actor,
    )
    if changed is None:
        with deployment.session() as session:
            need, values = need_values(session, need_id, actor=actor)
        shown, status = refused_change(entered, lambda: values)
        return _need_form(request, deployment, shown, need, status)
    notify(request, NEED_CHANGED)
    return redirect(request, "/catalogue")


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


ROUTES = [
    catalogue_overview,
    duplicate_structures,
    record_a_need,
    new_offer,
    record_an_offer,
    edit_offer,
    change_offer,
    edit_need,
    change_need,
]
