"""``/api/project-types`` and ``/api/projects``: projects, their lifecycle and funding."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.domain.projects.models import FundingApplication
from netzwerker.domain.projects.schemas import (
    FundingOut,
    ProjectMove,
    ProjectOut,
    ProjectTypeOut,
    project_answers,
    project_out,
)
from netzwerker.domain.projects.services import (
    FundingDecision,
    FundingDraft,
    ProjectChanges,
    ProjectDraft,
    ProjectFilter,
    add_funding,
    create_project,
    decide_funding,
    find_projects,
    get_project,
    move_project,
    update_project,
)
from netzwerker.domain.users import permissions
from netzwerker.domain.workflows.controllers import WorkflowEventOut
from netzwerker.domain.workflows.services import events_of
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update, versioned
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset


@get("/api/project-types", tags=["projects"], sync_to_thread=False)
def list_project_types(deployment: CurrentDeployment) -> list[ProjectTypeOut]:
    """The project types of the enabled plugins, with the fields of their details."""
    return [ProjectTypeOut.of(item) for item in deployment.registry.project_types.values()]


PROJECTS = Answers(project_answers)


class ProjectController(Controller):
    path = "/api/projects"
    tags = ("projects",)

    @get("/", sync_to_thread=False, summary="Projects, newest first, filtered")
    def list_projects(
        self,
        deployment: CurrentDeployment,
        project_type: FromQuery[str | None] = None,
        working_field: FromQuery[str | None] = None,
        status: Annotated[list[str] | None, QueryParameter(description="repeatable")] = None,
        partner_id: FromQuery[int | None] = None,
        target_group: FromQuery[str | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[ProjectOut]:
        project_filter = ProjectFilter(
            project_type, working_field, tuple(status or ()), partner_id, target_group
        )
        return PROJECTS.page(
            deployment,
            lambda session: find_projects(session, project_filter, limit=limit, offset=offset),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[ProjectDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.PROJECT_RECORD),
    )
    def create(
        self, data: JSONBody[ProjectDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[ProjectOut]:
        """Record a project idea (coordinators)."""
        with deployment.transaction() as session:
            project = create_project(session, deployment, data, actor=actor)
            body = project_out(session, project)
        return versioned(body, 201)

    @get("/{project_id:int}", sync_to_thread=False)
    def read(
        self, project_id: FromPath[int], deployment: CurrentDeployment
    ) -> Response[ProjectOut]:
        with deployment.session() as session:
            body = project_out(session, get_project(session, project_id))
        return versioned(body)

    @patch(
        "/{project_id:int}",
        dto=bodies.Changes[ProjectChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.PROJECT_CHANGE),
    )
    def update(
        self,
        project_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[ProjectOut]:
        with deployment.transaction() as session:
            project = update_project(
                session,
                deployment,
                project_id,
                data.values,
                actor=actor,
                expected_version=data.version,
            )
            body = project_out(session, project)
        return versioned(body)

    @get("/{project_id:int}/history", sync_to_thread=False, summary="The project's lifecycle")
    def history(
        self, project_id: FromPath[int], deployment: CurrentDeployment
    ) -> list[WorkflowEventOut]:
        with deployment.session() as session:
            project = get_project(session, project_id)
            return [
                WorkflowEventOut.of(event) for event in events_of(session, project.lifecycle_id)
            ]

    @post(
        "/{project_id:int}/funding",
        dto=bodies.Body[FundingDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Record a funding application",
        guards=permitted(permissions.FUNDING_RECORD),
    )
    def add_funding(
        self,
        project_id: FromPath[int],
        data: JSONBody[FundingDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[FundingOut]:
        with deployment.transaction() as session:
            application: FundingApplication = add_funding(session, project_id, data, actor=actor)
            body = FundingOut.of(application)
        return versioned(body, 201)

    @post(
        "/{project_id:int}/funding/{funding_id:int}",
        dto=bodies.Body[FundingDecision],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Submit, grant, partly grant, reject or withdraw an application",
        guards=permitted(permissions.FUNDING_DECIDE),
    )
    def decide_funding(
        self,
        project_id: FromPath[int],
        funding_id: FromPath[int],
        data: JSONBody[FundingDecision],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[FundingOut]:
        with deployment.transaction() as session:
            application = decide_funding(
                session,
                project_id,
                funding_id,
                data,
                today=deployment.today(),
                actor=actor,
            )
            body = FundingOut.of(application)
        return versioned(body)

    @post(
        "/{project_id:int}/{action:str}",
        dto=bodies.Body[ProjectMove],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Move a project: conceive, apply_for_funding, launch, evaluate, close, abandon",
        guards=permitted(permissions.PROJECT_MOVE),
    )
    def move(
        self,
        project_id: FromPath[int],
        action: FromPath[str],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[ProjectMove | None] = None,
    ) -> Response[ProjectOut]:
        request = data or ProjectMove()
        with deployment.transaction() as session:
            project = move_project(
                session,
                deployment,
                project_id,
                action,
                actor=actor,
                reason=request.reason,
                expected_version=request.version,
            )
            body = project_out(session, project)
        return versioned(body)
