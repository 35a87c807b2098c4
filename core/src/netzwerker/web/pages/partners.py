"""The partner directory: search and filters, and a partner's page with its record."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.partners.models import LegalDomain
from netzwerker.domain.partners.overview import partner_record
from netzwerker.domain.partners.services import (
    PartnerFilter,
    find_partners,
    partner_lists,
    social_areas,
)
from netzwerker.domain.references import field_choices
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.pages.tasks import status_labels
from netzwerker.web.rendering import page

PAGE_SIZE = 50


def kind_names(request: Request[Any, Any, Any]) -> dict[str, str]:
    registry = request.app.state.deployment.registry
    return {key: item.value.name for key, item in registry.partner_kinds.items()}


@get("/partners", sync_to_thread=False, name="partners")
def partner_list(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, offset: Offset = 0
) -> Template:
    query = dict(request.query_params)
    legal_domain = query.get("legal_domain") or None
    if legal_domain not in {domain.value for domain in LegalDomain}:
        legal_domain = None
    kinds = kind_names(request)
    partner_filter = PartnerFilter(
        text=query.get("q") or None,
        kind=query.get("kind") or None,
        working_field=query.get("working_field") or None,
        legal_domain=legal_domain,
        social_area=query.get("social_area") or None,
        active=None if query.get("inactive") else True,
    )
    with deployment.session() as session:
        partners, total = find_partners(session, partner_filter, limit=PAGE_SIZE, offset=offset)
        lists = partner_lists(session, [partner.id for partner in partners])
        fields = field_choices(session)
        areas = social_areas(session)
    return page(
        request,
        "partners/list.html",
        partners=partners,
        lists=lists,
        total=total,
        offset=offset,
        limit=PAGE_SIZE,
        query=query,
        kinds=kinds,
        kind_choices=sorted(kinds.items(), key=lambda kind: kind[1]),
        fields=fields,
        field_names=dict(fields),
        legal_domains=[(domain.value, domain.value) for domain in LegalDomain],
        social_areas=[(area, area) for area in areas],
    )


@get("/partners/{key:str}", sync_to_thread=False, name="partner")
def partner_page(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        found = partner_record(session, key, actor=actor, today=deployment.today())
        fields = dict(field_choices(session))
    return page(
        request,
        "partners/detail.html",
        **attrs.asdict(found, recurse=False),
        kinds=kind_names(request),
        field_names=fields,
        statuses=status_labels(),
    )


ROUTES = [partner_list, partner_page]
