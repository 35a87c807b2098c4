"""``/api/service-chains`` and ``/api/chain-instances``: chains, agreements, the people on
them, and the report of waiting times and drop-outs per step."""

from __future__ import annotations

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody

from netzwerker.domain.chains.models import ChainInstance
from netzwerker.domain.chains.schemas import (
    AgreementOut,
    ChainOut,
    ChainReportOut,
    InstanceOut,
    InstanceRequest,
    chain_answers,
)
from netzwerker.domain.chains.services import (
    AgreementDraft,
    ChainChanges,
    ChainDraft,
    ChainStart,
    advance_instance,
    chain_report,
    create_chain,
    drop_out,
    find_chains,
    get_chain,
    instances_of,
    readable_instance,
    record_agreement,
    start_instance,
    update_chain,
)
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update, versioned
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset

CHAINS = Answers(chain_answers)


class ChainController(Controller):
    path = "/api/service-chains"
    tags = ("service chains",)

    @get("/", sync_to_thread=False, summary="Service chains, filtered")
    def list_chains(
        self,
        deployment: CurrentDeployment,
        working_field: FromQuery[str | None] = None,
        partner_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[ChainOut]:
        return CHAINS.page(
            deployment,
            lambda session: find_chains(
                session,
                working_field=working_field,
                partner_id=partner_id,
                limit=limit,
                offset=offset,
            ),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[ChainDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CHAIN_BUILD),
    )
    def create(
        self, data: JSONBody[ChainDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[ChainOut]:
        return CHAINS.created(deployment, lambda session: create_chain(session, data, actor=actor))

    @get("/{chain_id:int}", sync_to_thread=False)
    def read(self, chain_id: FromPath[int], deployment: CurrentDeployment) -> Response[ChainOut]:
        return CHAINS.read(deployment, lambda session: get_chain(session, chain_id))

    @patch(
        "/{chain_id:int}",
        dto=bodies.Changes[ChainChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CHAIN_BUILD),
    )
    def update(
        self,
        chain_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[ChainOut]:
        """Change a chain; new steps void the agreements given to the old ones."""
        return CHAINS.written(
            deployment,
            lambda session: update_chain(
                session, chain_id, data.values, actor=actor, expected_version=data.version
            ),
        )

    @post(
        "/{chain_id:int}/agreements",
        dto=bodies.Body[AgreementDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Record a step partner's agreement to the chain",
        guards=permitted(permissions.CHAIN_AGREE),
    )
    def agree(
        self,
        chain_id: FromPath[int],
        data: JSONBody[AgreementDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> AgreementOut:
        with deployment.transaction() as session:
            agreement = record_agreement(
                session, chain_id, data, today=deployment.today(), actor=actor
            )
            return AgreementOut.of(agreement)

    @get("/{chain_id:int}/report", sync_to_thread=False, summary="Waiting and drop-outs per step")
    def report(self, chain_id: FromPath[int], deployment: CurrentDeployment) -> ChainReportOut:
        with deployment.session() as session:
            get_chain(session, chain_id)
            steps = chain_report(session, chain_id, today=deployment.today())
        return ChainReportOut(chain_id, steps)

    @get("/{chain_id:int}/instances", sync_to_thread=False, summary="The people on the chain")
    def instances(
        self,
        chain_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
    ) -> list[InstanceOut]:
        with deployment.session() as session:
            found = instances_of(session, chain_id, actor=actor, status=status)
            return [InstanceOut.of(instance) for instance in found]

    @post(
        "/{chain_id:int}/instances",
        dto=bodies.Body[ChainStart],
        return_dto=None,
        sync_to_thread=False,
        summary="Put a case on the chain: it is referred to the first step",
        guards=permitted(permissions.CHAIN_MOVE),
    )
    def start(
        self,
        chain_id: FromPath[int],
        data: JSONBody[ChainStart],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[InstanceOut]:
        with deployment.transaction() as session:
            instance = start_instance(
                session, chain_id, data, today=deployment.today(), actor=actor
            )
            body = InstanceOut.of(instance)
        return versioned(body, 201)


class ChainInstanceController(Controller):
    path = "/api/chain-instances"
    tags = ("service chains",)

    @get("/{instance_id:int}", sync_to_thread=False)
    def read(
        self, instance_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> InstanceOut:
        with deployment.session() as session:
            return InstanceOut.of(readable_instance(session, instance_id, actor=actor))

    @post(
        "/{instance_id:int}/advance",
        dto=bodies.Body[InstanceRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Hand the person on to the next step (after the first contact)",
        guards=permitted(permissions.CHAIN_MOVE),
    )
    def advance(
        self,
        instance_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[InstanceRequest | None] = None,
    ) -> InstanceOut:
        request = data or InstanceRequest()
        with deployment.transaction() as session:
            instance: ChainInstance = advance_instance(
                session,
                instance_id,
                request,
                today=deployment.today(),
                actor=actor,
                expected_version=request.version,
            )
            return InstanceOut.of(instance)

    @post(
        "/{instance_id:int}/drop-out",
        dto=bodies.Body[InstanceRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="The person left the chain (reason required)",
        guards=permitted(permissions.CHAIN_MOVE),
    )
    def drop_out(
        self,
        instance_id: FromPath[int],
        data: JSONBody[InstanceRequest],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> InstanceOut:
        with deployment.transaction() as session:
            instance = drop_out(
                session,
                instance_id,
                data.reason,
                today=deployment.today(),
                actor=actor,
                expected_version=data.version,
            )
            return InstanceOut.of(instance)
