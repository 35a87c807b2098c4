"""``/api/appraisal``: the quality of the offers, priorities among proposed measures, and the
resources spent per offer and provider."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.config import RatingScheme
from netzwerker.domain.appraisal.schemas import (
    AppraisalOut,
    RatedOut,
    SpentOut,
)
from netzwerker.domain.appraisal.services import (
    RatingDraft,
    ResourceDraft,
    ResourceSum,
    Subject,
    offer_quality,
    priorities,
    rate,
    resources,
    scheme_of,
    spend,
)
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment


class AppraisalController(Controller):
    path = "/api/appraisal"
    tags = ("appraisal",)

    @get("/schemes/{subject:str}", sync_to_thread=False, summary="A rating scheme's criteria")
    def scheme(
        self, subject: FromPath[Literal["offer", "project"]], deployment: CurrentDeployment
    ) -> RatingScheme:
        return scheme_of(deployment, Subject(subject))

    @get("/quality", sync_to_thread=False, summary="Offers ranked by their quality score")
    def quality(
        self,
        deployment: CurrentDeployment,
        year: Annotated[int | None, QueryParameter(description="resources of this year")] = None,
    ) -> list[AppraisalOut]:
        """Each active offer's latest score per criterion, the weighted score and its rank,
        with the money and staff hours spent on it and the money per place."""
        with deployment.session() as session:
            return [AppraisalOut.of(a) for a in offer_quality(session, deployment, year=year)]

    @get("/priorities", sync_to_thread=False, summary="Proposed measures in order of priority")
    def priorities(self, deployment: CurrentDeployment) -> list[AppraisalOut]:
        """Projects still at idea or concept, ranked by their weighted priority score."""
        with deployment.session() as session:
            return [AppraisalOut.of(a) for a in priorities(session, deployment)]

    @post(
        "/{subject:str}/{subject_id:int}/ratings",
        dto=None,
        return_dto=None,
        sync_to_thread=False,
        status_code=201,
        guards=permitted(permissions.APPRAISAL_RATE),
    )
    def rate(
        self,
        subject: FromPath[Literal["offer", "project"]],
        subject_id: FromPath[int],
        data: JSONBody[list[RatingDraft]],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> RatedOut:
        """Rate an offer's quality or a proposed measure's priority (coordinators)."""
        with deployment.transaction() as session:
            saved = rate(
                session,
                deployment,
                Subject(subject),
                subject_id,
                data,
                today=deployment.today(),
                actor=actor,
            )
        return RatedOut(subject, subject_id, [rating.criterion for rating in saved])

    @get("/resources", sync_to_thread=False, summary="Money and staff hours per offer or provider")
    def resources(
        self,
        deployment: CurrentDeployment,
        by: FromQuery[Literal["offer", "partner"]] = "offer",
        year: FromQuery[int | None] = None,
    ) -> list[ResourceSum]:
        with deployment.session() as session:
            return resources(session, by=by, year=year)

    @post(
        "/resources",
        dto=bodies.Body[ResourceDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.APPRAISAL_RESOURCES),
    )
    def spend(
        self, data: JSONBody[ResourceDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> SpentOut:
        """Record what a provider spends on an offer in a year (coordinators)."""
        with deployment.transaction() as session:
            row = spend(session, data, actor=actor)
            return SpentOut(
                row.offer_id, row.partner_id, row.year, row.money, row.staff_hours, row.source
            )
