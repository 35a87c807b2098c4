"""``/api/workflows`` (definitions) and ``/api/workflow-runs`` (the runs moving through them:
a request, a household's coaching, a project)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, route
from litestar.enums import HttpMethod
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect
from sqlmodel import Session

from netzwerker.deployment import Deployment
from netzwerker.domain.users import permissions
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowRun
from netzwerker.domain.workflows.schemas import (
    MoveRequest,
    RunOut,
    WorkflowEventOut,
    WorkflowOut,
    run_out,
)
from netzwerker.domain.workflows.services import (
    Move,
    RunDraft,
    RunFilter,
    advance,
    find_runs,
    public_workflow,
    readable_run,
    refuse_internal,
    run_history,
    start_run,
)
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset


def runs_on(deployment: Deployment) -> Answers[WorkflowRun, RunOut]:
    """Runs answer with their workflow's labels, which the deployment's plugins give."""
    return Answers(lambda session, runs: [run_out(deployment, run) for run in runs])


class WorkflowController(Controller):
    path = "/api/workflows"
    tags = ("workflows",)

    @get("/", sync_to_thread=False, summary="Workflow definitions of the enabled plugins")
    def list_workflows(self, deployment: CurrentDeployment) -> list[WorkflowOut]:
        return [WorkflowOut.of(item) for item in deployment.registry.workflows.values()]

    @get("/{key:str}", sync_to_thread=False)
    def read_workflow(self, key: FromPath[str], deployment: CurrentDeployment) -> WorkflowOut:
        public_workflow(deployment, key)
        return WorkflowOut.of(deployment.registry.workflows[key])

    @post(
        "/{key:str}/runs",
        dto=bodies.Body[RunDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Start a run of this workflow",
        guards=permitted(permissions.RUN_START),
    )
    def start(
        self,
        key: FromPath[str],
        data: JSONBody[RunDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[RunOut]:
        public_workflow(deployment, key)
        return runs_on(deployment).created(
            deployment, lambda session: start_run(session, deployment, key, data, actor=actor)
        )


class RunController(Controller):
    path = "/api/workflow-runs"
    tags = ("workflows",)

    @get("/", sync_to_thread=False, summary="Runs, most urgent first")
    def list_runs(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        workflow: FromQuery[str | None] = None,
        states: Annotated[
            list[str] | None, QueryParameter(name="state", description="repeatable")
        ] = None,
        partner_id: Annotated[int | None, QueryParameter(description="responsible now")] = None,
        person_id: FromQuery[int | None] = None,
        working_field: FromQuery[str | None] = None,
        open: FromQuery[bool | None] = None,
        overdue: Annotated[
            bool | None, QueryParameter(description="the current step takes too long")
        ] = None,
        q: Annotated[str | None, QueryParameter(description="words in the subject")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[RunOut]:
        """A partner member sees the runs its partner handles or handled before."""
        run_filter = RunFilter(
            workflow, tuple(states or ()), partner_id, person_id, working_field, open, overdue, q
        )
        return runs_on(deployment).page(
            deployment,
            lambda session: find_runs(
                session,
                run_filter,
                today=deployment.today(),
                actor=actor,
                limit=limit,
                offset=offset,
            ),
            limit=limit,
            offset=offset,
        )

    @get("/{run_id:int}", sync_to_thread=False)
    def read(
        self, run_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[RunOut]:
        return runs_on(deployment).read(
            deployment, lambda session: readable_run(session, run_id, actor=actor)
        )

    @get("/{run_id:int}/history", sync_to_thread=False, summary="Who moved it, when, why")
    def history(
        self, run_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> list[WorkflowEventOut]:
        with deployment.session() as session:
            events: list[WorkflowEvent] = run_history(session, run_id, actor=actor)
            return [WorkflowEventOut.of(event) for event in events]

    @post(
        "/{run_id:int}/{action:str}",
        dto=bodies.Body[MoveRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Move a run: one of the transitions its state allows",
        guards=permitted(permissions.RUN_MOVE),
    )
    def move(
        self,
        run_id: FromPath[int],
        action: FromPath[str],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[MoveRequest | None] = None,
    ) -> Response[RunOut]:
        request = data or MoveRequest()
        move = Move(action, request.reason, request.partner_id, request.person_id, request.data)

        def advance_public(session: Session) -> WorkflowRun:
            refuse_internal(deployment, readable_run(session, run_id, actor=actor).workflow)
            return advance(
                session, deployment, run_id, move, actor=actor, expected_version=request.version
            )

        return runs_on(deployment).written(deployment, advance_public)


@route(
    ["/api/workflow-instances", "/api/workflow-instances/{rest:path}"],
    http_method=[HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH],
    include_in_schema=False,
    sync_to_thread=False,
)
def former_runs_address(request: Request[Any, Any, Any]) -> Redirect:
    """Workflow runs were called instances: their former address answers with a permanent
    redirect to the new one (308 keeps the method and the body)."""
    return _moved(request, "/api/workflow-instances", "/api/workflow-runs")


@route(
    "/api/workflows/{key:str}/instances",
    http_method=[HttpMethod.POST],
    include_in_schema=False,
    sync_to_thread=False,
)
def former_start_address(request: Request[Any, Any, Any], key: FromPath[str]) -> Redirect:
    """Starting a run at its former address: a permanent redirect to ``…/runs``."""
    return _moved(request, f"/api/workflows/{key}/instances", f"/api/workflows/{key}/runs")


def _moved(request: Request[Any, Any, Any], old: str, new: str) -> Redirect:
    path = new + request.url.path.removeprefix(old)
    query = request.url.query
    return Redirect(path=f"{path}?{query}" if query else path, status_code=308)


#: The routes of workflows and their runs, the former addresses included.
ROUTES = [WorkflowController, RunController, former_runs_address, former_start_address]
