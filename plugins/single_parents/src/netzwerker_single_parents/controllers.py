"""``/api/single_parents/…``: households in coaching, caseloads, sponsorships, barriers."""

from __future__ import annotations

from datetime import date, datetime

import attrs
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from netzwerker.domain.indicators.services import period_of
from netzwerker.http import bodies
from netzwerker.http.answers import Answer
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, From, To
from netzwerker_single_parents import services
from netzwerker_single_parents.services import BarrierDraft, HouseholdDraft, SponsorshipDraft


@attrs.frozen
class HouseholdOut(Answer):
    id: int
    reference: str
    town: str
    children: int
    youngest_child_age: int | None
    coach_person_id: int
    coaching_id: int
    over_caseload: bool
    left_benefits_on: date | None
    created_at: datetime


@attrs.frozen
class CaseloadOut:
    coach_person_id: int
    coach: str
    households: int
    limit: int
    over: bool


@attrs.frozen
class SponsorshipOut(Answer):
    id: int
    household_id: int
    sponsor: str
    started_on: date
    ended_on: date | None
    focus: str


@attrs.frozen
class BarrierOut(Answer):
    id: int
    household_id: int
    kind: str
    step: str
    noted_on: date
    resolved_on: date | None
    note: str


@attrs.frozen
class BarrierCountOut:
    kind: str
    barriers: int


@attrs.frozen
class LeftBenefits:
    on: date


class SingleParentsController(Controller):
    """Coaching data is for coordinators (coaches) and viewers, not for other partners."""

    path = "/api/single_parents"
    tags = ("single parents",)

    @get("/households", sync_to_thread=False)
    def list_households(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        coach_person_id: FromQuery[int | None] = None,
    ) -> list[HouseholdOut]:
        with deployment.session() as session:
            found = services.households(session, actor=actor, coach_person_id=coach_person_id)
            return [HouseholdOut.of(household) for household in found]

    @post(
        "/households",
        dto=bodies.Body[HouseholdDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(services.KEEP_COACHING),
    )
    def add_household(
        self, data: JSONBody[HouseholdDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> HouseholdOut:
        """Take a household into coaching (refused or flagged beyond the caseload limit)."""
        with deployment.transaction() as session:
            household = services.add_household(session, deployment, data, actor=actor)
            return HouseholdOut.of(household)

    @get("/caseloads", sync_to_thread=False, summary="Households per coach against the limit")
    def caseloads(self, deployment: CurrentDeployment, actor: CurrentActor) -> list[CaseloadOut]:
        with deployment.session() as session:
            return [
                CaseloadOut(c.coach_person_id, c.coach, c.households, c.limit, c.over)
                for c in services.caseloads(session, deployment, actor=actor)
            ]

    @post(
        "/households/{household_id:int}/sponsorships",
        dto=bodies.Body[SponsorshipDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(services.KEEP_COACHING),
    )
    def add_sponsorship(
        self,
        household_id: FromPath[int],
        data: JSONBody[SponsorshipDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> SponsorshipOut:
        with deployment.transaction() as session:
            sponsorship = services.add_sponsorship(session, household_id, data, actor=actor)
            return SponsorshipOut.of(sponsorship)

    @post(
        "/households/{household_id:int}/barriers",
        dto=bodies.Body[BarrierDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(services.KEEP_COACHING),
    )
    def add_barrier(
        self,
        household_id: FromPath[int],
        data: JSONBody[BarrierDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> BarrierOut:
        with deployment.transaction() as session:
            return BarrierOut.of(services.add_barrier(session, household_id, data, actor=actor))

    @post(
        "/households/{household_id:int}/left-benefits",
        dto=bodies.Body[LeftBenefits],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        guards=permitted(services.KEEP_COACHING),
    )
    def left_benefits(
        self,
        household_id: FromPath[int],
        data: JSONBody[LeftBenefits],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> HouseholdOut:
        with deployment.transaction() as session:
            household = services.leave_benefits(session, household_id, data.on, actor=actor)
            return HouseholdOut.of(household)

    @get("/barriers", sync_to_thread=False, summary="Access barriers found, per kind")
    def barriers(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        start: From = None,
        end: To = None,
    ) -> list[BarrierCountOut]:
        period = period_of(start, end, deployment.today())
        with deployment.session() as session:
            return [
                BarrierCountOut(kind, count)
                for kind, count in services.barriers_by_kind(
                    session, period.start, period.end, actor=actor
                )
            ]
