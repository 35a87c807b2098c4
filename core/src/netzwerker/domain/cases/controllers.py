"""``/api/cases``, ``/api/referrals`` and ``/api/caseloads``: pseudonymised cases, their
workers, identifiers and consent; referrals between partners; coaches' caseloads."""

from __future__ import annotations

from typing import Annotated

import attrs
from litestar import Controller, Response, get, patch, post, put
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import CaseWorker
from netzwerker.domain.cases.referrals import (
    ReferralDraft,
    ReferralFilter,
    ReferralMove,
    find_referrals,
    move_referral,
    readable_referral,
    send_referral,
    step_permission,
)
from netzwerker.domain.cases.schemas import (
    CaseloadOut,
    CaseOut,
    ConsentOut,
    IdentityOut,
    ReferralOut,
    Revocation,
    WorkerEnd,
    WorkerOut,
    case_answers,
    consent_out,
    identity_values,
    referral_answers,
)
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update, versioned
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset

CASES = Answers(case_answers)
REFERRALS = Answers(referral_answers)


class CaseController(Controller):
    path = "/api/cases"
    tags = ("cases",)

    @get("/", sync_to_thread=False, summary="Cases, newest first, filtered")
    def list_cases(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        working_field: FromQuery[str | None] = None,
        target_group: FromQuery[str | None] = None,
        person_id: FromQuery[int | None] = None,
        partner_id: FromQuery[int | None] = None,
        open: FromQuery[bool | None] = None,
        pseudonym: FromQuery[str | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[CaseOut]:
        """A partner member lists the cases its partner holds or referred or received."""
        case_filter = cases.CaseFilter(
            working_field, target_group, person_id, partner_id, open, pseudonym
        )
        return CASES.page(
            deployment,
            lambda session: cases.find_cases(
                session, case_filter, actor=actor, limit=limit, offset=offset
            ),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[cases.CaseDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CASE_OPEN),
    )
    def create(
        self, data: JSONBody[cases.CaseDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[CaseOut]:
        """Open a case under a pseudonym (coordinators); never a name or an address."""
        return CASES.created(
            deployment,
            lambda session: cases.create_case(session, data, today=deployment.today(), actor=actor),
        )

    @get("/{case_id:int}", sync_to_thread=False)
    def read(
        self, case_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[CaseOut]:
        return CASES.read(
            deployment,
            lambda session: cases.readable_case(
                session, case_id, actor=actor, today=deployment.today()
            ),
        )

    @patch(
        "/{case_id:int}",
        dto=bodies.Changes[cases.CaseChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CASE_CHANGE),
    )
    def update(
        self,
        case_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[CaseOut]:
        return CASES.written(
            deployment,
            lambda session: cases.update_case(
                session, case_id, data.values, actor=actor, expected_version=data.version
            ),
        )

    @post(
        "/{case_id:int}/workers",
        dto=bodies.Body[cases.WorkerDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="A coach or scout takes the case on",
        guards=permitted(permissions.CASE_ASSIGN),
    )
    def assign(
        self,
        case_id: FromPath[int],
        data: JSONBody[cases.WorkerDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> WorkerOut:
        with deployment.transaction() as session:
            worker: CaseWorker = cases.assign_worker(
                session, case_id, data, today=deployment.today(), actor=actor
            )
            return WorkerOut.of(worker)

    @post(
        "/{case_id:int}/workers/{worker_id:int}/end",
        dto=bodies.Body[WorkerEnd],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="A coach or scout leaves the case",
        guards=permitted(permissions.CASE_ASSIGN),
    )
    def unassign(
        self,
        case_id: FromPath[int],
        worker_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[WorkerEnd | None] = None,
    ) -> WorkerOut:
        until = (data.until if data else None) or deployment.today()
        with deployment.transaction() as session:
            worker = cases.end_assignment(session, case_id, worker_id, until=until, actor=actor)
            return WorkerOut.of(worker)

    @get("/{case_id:int}/identity", sync_to_thread=False, summary="Direct identifiers (audited)")
    def read_identity(
        self, case_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> IdentityOut | None:
        readers = deployment.config.privacy.identity_readers
        with deployment.transaction() as session:
            identity = cases.read_identity(session, case_id, actor=actor, readers=readers)
            return IdentityOut(**identity_values(identity)) if identity else None

    @put(
        "/{case_id:int}/identity",
        dto=bodies.Body[cases.IdentityDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Keep the direct identifiers of a case apart from it",
        guards=permitted(permissions.CASE_CHANGE),
    )
    def write_identity(
        self,
        case_id: FromPath[int],
        data: JSONBody[cases.IdentityDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> IdentityOut:
        readers = deployment.config.privacy.identity_readers
        with deployment.transaction() as session:
            cases.set_identity(session, case_id, data, actor=actor, readers=readers)
        return IdentityOut(**attrs.asdict(data))

    @get("/{case_id:int}/consents", sync_to_thread=False, summary="Every consent, revoked too")
    def consents(
        self, case_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> list[ConsentOut]:
        today = deployment.today()
        with deployment.session() as session:
            consents = cases.consents_of(session, case_id, actor=actor)
            return [consent_out(c, today) for c in consents]

    @post(
        "/{case_id:int}/consents",
        dto=bodies.Body[cases.ConsentDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Record a person's consent for a partner",
        guards=permitted(permissions.CONSENT_RECORD),
    )
    def give_consent(
        self,
        case_id: FromPath[int],
        data: JSONBody[cases.ConsentDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[ConsentOut]:
        today = deployment.today()
        with deployment.transaction() as session:
            consent = cases.give_consent(session, case_id, data, today=today, actor=actor)
            body = consent_out(consent, today)
        return versioned(body, 201)

    @post(
        "/{case_id:int}/consents/{consent_id:int}/revoke",
        dto=bodies.Body[Revocation],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Revoke a consent from today on",
        guards=permitted(permissions.CONSENT_RECORD),
    )
    def revoke_consent(
        self,
        case_id: FromPath[int],
        consent_id: FromPath[int],
        data: JSONBody[Revocation],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> ConsentOut:
        today = deployment.today()
        with deployment.transaction() as session:
            consent = cases.revoke_consent(
                session,
                case_id,
                consent_id,
                reason=data.reason,
                today=today,
                actor=actor,
                expected_version=data.version,
            )
            return consent_out(consent, today)


class ReferralController(Controller):
    path = "/api/referrals"
    tags = ("cases",)

    @get("/", sync_to_thread=False, summary="Referrals, newest first, with their loop")
    def list_referrals(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        case_id: FromQuery[int | None] = None,
        from_partner_id: FromQuery[int | None] = None,
        to_partner_id: FromQuery[int | None] = None,
        partner_id: FromQuery[int | None] = None,
        status: Annotated[list[str] | None, QueryParameter(description="repeatable")] = None,
        chain_instance_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[ReferralOut]:
        """A partner member sees the referrals its partner sent or received."""
        referral_filter = ReferralFilter(
            case_id,
            from_partner_id,
            to_partner_id,
            partner_id,
            tuple(status or ()),
            chain_instance_id,
        )
        return REFERRALS.page(
            deployment,
            lambda session: find_referrals(
                session, referral_filter, actor=actor, limit=limit, offset=offset
            ),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[ReferralDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.REFERRAL_SEND),
    )
    def send(
        self, data: JSONBody[ReferralDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[ReferralOut]:
        """Refer a case to a partner; refused (409) without the person's consent."""
        return REFERRALS.created(
            deployment,
            lambda session: send_referral(session, data, today=deployment.today(), actor=actor),
        )

    @get("/{referral_id:int}", sync_to_thread=False)
    def read(
        self, referral_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[ReferralOut]:
        return REFERRALS.read(
            deployment, lambda session: readable_referral(session, referral_id, actor=actor)
        )

    @post(
        "/{referral_id:int}/{action:str}",
        dto=bodies.Body[ReferralMove],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="accept, record_first_contact, close, decline (with reason), withdraw",
        guards=permitted(lambda params: step_permission(params["action"])),
    )
    def move(
        self,
        referral_id: FromPath[int],
        action: FromPath[str],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[ReferralMove | None] = None,
    ) -> Response[ReferralOut]:
        return REFERRALS.written(
            deployment,
            lambda session: move_referral(
                session,
                referral_id,
                action,
                data or ReferralMove(),
                today=deployment.today(),
                actor=actor,
            ),
        )


@get("/api/caseloads", tags=["cases"], sync_to_thread=False, summary="Open cases per coach")
def list_caseloads(
    deployment: CurrentDeployment,
    actor: CurrentActor,
    partner_id: FromQuery[int | None] = None,
    role: FromQuery[str | None] = None,
) -> list[CaseloadOut]:
    """Open cases per coach or scout and role, the most loaded first. Partner members see
    their own partner's people."""
    with deployment.session() as session:
        loads = cases.caseloads_for(session, actor=actor, partner_id=partner_id, role=role)
    return [CaseloadOut(**attrs.asdict(load)) for load in loads]
