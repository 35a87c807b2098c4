"""``/api/partners``: the directory, its contacts, and importing it from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody, QueryParameter

from netzwerker.domain.partners.importing import import_partners, parse_partner_upload
from netzwerker.domain.partners.schemas import (
    ContactOut,
    ImportOut,
    PartnerOut,
    partner_answers,
    partner_out,
)
from netzwerker.domain.partners.services import (
    ContactDraft,
    PartnerDraft,
    PartnerFilter,
    add_contact,
    create_partner,
    find_partners,
    get_partner,
    update_contact,
    update_partner,
)
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update, etag
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset


def _with_etag(body: Any, version: int | None, status_code: int = 200) -> Response[Any]:
    return Response(body, status_code=status_code, headers={"ETag": etag(version)})


PARTNERS = Answers(partner_answers)


class PartnerController(Controller):
    path = "/api/partners"
    tags = ("partners",)

    @get("/", sync_to_thread=False, summary="Search the partner directory")
    def list_partners(
        self,
        deployment: CurrentDeployment,
        q: Annotated[
            str | None, QueryParameter(description="words in name, key or description")
        ] = None,
        kind: FromQuery[str | None] = None,
        working_field: FromQuery[str | None] = None,
        legal_domain: Annotated[str | None, QueryParameter(description="e.g. 'SGB II'")] = None,
        social_area: FromQuery[str | None] = None,
        active: FromQuery[bool | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[PartnerOut]:
        partner_filter = PartnerFilter(q, kind, working_field, legal_domain, social_area, active)
        return PARTNERS.page(
            deployment,
            lambda session: find_partners(session, partner_filter, limit=limit, offset=offset),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[PartnerDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.PARTNER_CREATE),
    )
    def create(
        self, data: JSONBody[PartnerDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[PartnerOut]:
        """Add a partner (coordinators)."""
        with deployment.transaction() as session:
            partner = create_partner(session, data, deployment.registry, actor=actor)
            body = partner_out(session, partner)
        return _with_etag(body, body.version, 201)

    @get("/{key:str}", sync_to_thread=False, summary="A partner with its contacts")
    def read(self, key: FromPath[str], deployment: CurrentDeployment) -> Response[PartnerOut]:
        with deployment.session() as session:
            body = partner_out(session, get_partner(session, key))
        return _with_etag(body, body.version)

    @patch(
        "/{key:str}",
        dto=bodies.Changes[PartnerDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.PARTNER_KEEP),
    )
    def update(
        self,
        key: FromPath[str],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[PartnerOut]:
        """Change a partner; name the version you read (``version`` or ``If-Match``)."""
        with deployment.transaction() as session:
            partner = get_partner(session, key)
            update_partner(
                session,
                partner,
                data.values,
                deployment.registry,
                actor=actor,
                expected_version=data.version,
            )
            body = partner_out(session, partner)
        return _with_etag(body, body.version)

    @post(
        "/{key:str}/contacts",
        dto=bodies.Body[ContactDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.PARTNER_CONTACTS),
    )
    def add_contact(
        self,
        key: FromPath[str],
        data: JSONBody[ContactDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> ContactOut:
        with deployment.transaction() as session:
            partner = get_partner(session, key)
            return ContactOut.of(add_contact(session, partner, data, actor=actor))

    @patch(
        "/{key:str}/contacts/{person_id:int}",
        dto=bodies.Partial[ContactDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.PARTNER_CONTACTS),
    )
    def update_contact(
        self,
        key: FromPath[str],
        person_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> ContactOut:
        with deployment.transaction() as session:
            partner = get_partner(session, key)
            person = update_contact(session, partner, person_id, data.values, actor=actor)
            return ContactOut.of(person)

    @post(
        "/import",
        sync_to_thread=False,
        summary="Import partners from CSV or XLSX",
        guards=permitted(permissions.PARTNER_IMPORT),
    )
    def import_file(
        self,
        data: MultipartBody[UploadFile],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> ImportOut:
        """The whole file or nothing of it: every bad row is reported with its number."""
        name = Path(data.filename or "upload.csv").name
        rows = parse_partner_upload(name, data.file.read(), deployment.registry)
        with deployment.transaction() as session:
            result = import_partners(session, rows, actor=actor, file=name)
        return ImportOut(name, result.created, result.updated)
