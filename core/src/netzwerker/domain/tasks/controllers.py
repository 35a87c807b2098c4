"""``/api/tasks`` and ``/api/reports``: commitments, their history, and who delivers."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, MediaType, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.deployment import Deployment
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.overview import Overview, overview
from netzwerker.domain.tasks.queries import TaskFilter, find_tasks
from netzwerker.domain.tasks.report import (
    accountability_report,
    render_report,
    report_period,
)
from netzwerker.domain.tasks.schemas import (
    Grouping,
    ReportOut,
    TaskAction,
    TaskEventOut,
    TaskOut,
    TransitionRequest,
    task_answers,
)
from netzwerker.domain.tasks.services import (
    TaskChanges,
    TaskDraft,
    propose_task,
    readable_task,
    requested_permission,
    task_history,
    transition_task,
    update_task,
)
from netzwerker.domain.tasks.workflow import TASK_WORKFLOW
from netzwerker.domain.users import permissions
from netzwerker.errors import InvalidInput, Problem
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset


def tasks_on(deployment: Deployment) -> Answers[Task, TaskOut]:
    """Tasks answer with whether they are overdue on the deployment's today."""
    today = deployment.today()
    return Answers(lambda session, tasks: task_answers(session, tasks, today))


class TaskController(Controller):
    path = "/api/tasks"
    tags = ("tasks",)

    @get("/", sync_to_thread=False, summary="Tasks by due date, filtered")
    def list_tasks(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        working_field: FromQuery[str | None] = None,
        partner_id: Annotated[int | None, QueryParameter(description="responsible partner")] = None,
        status: Annotated[list[str] | None, QueryParameter(description="repeatable")] = None,
        overdue: FromQuery[bool | None] = None,
        due_before: Annotated[date | None, QueryParameter(description="due on or before")] = None,
        due_after: Annotated[date | None, QueryParameter(description="due on or after")] = None,
        q: Annotated[
            str | None, QueryParameter(description="words in title or description")
        ] = None,
        goal_id: FromQuery[int | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[TaskOut]:
        """A partner member sees the tasks in which its partner is a party."""
        unknown = [s for s in status or [] if s not in TASK_WORKFLOW.states]
        if unknown:
            raise InvalidInput(
                [
                    Problem(
                        "status", f"unknown status {s!r} (one of {', '.join(TASK_WORKFLOW.states)})"
                    )
                    for s in unknown
                ]
            )
        task_filter = TaskFilter(
            working_field,
            partner_id,
            tuple(status or ()),
            overdue,
            due_before,
            due_after,
            q,
            goal_id,
        )
        today = deployment.today()
        with deployment.session() as session:
            page = find_tasks(
                session,
                task_filter,
                today=today,
                actor=actor,
                limit=limit,
                offset=offset,
            )
            items = task_answers(session, page.tasks, today, page.parties)
        return OffsetPagination(items=items, limit=limit, offset=offset, total=page.total)

    @post(
        "/",
        dto=bodies.Body[TaskDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.TASK_PROPOSE),
    )
    def create(
        self, data: JSONBody[TaskDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[TaskOut]:
        """Propose a task to its responsible partner (coordinators)."""
        return tasks_on(deployment).created(
            deployment, lambda session: propose_task(session, data, actor=actor)
        )

    @get("/{task_id:int}", sync_to_thread=False)
    def read(
        self, task_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[TaskOut]:
        return tasks_on(deployment).read(
            deployment, lambda session: readable_task(session, task_id, actor=actor)
        )

    @patch(
        "/{task_id:int}",
        dto=bodies.Changes[TaskChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.TASK_EDIT),
    )
    def update(
        self,
        task_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[TaskOut]:
        """Change a task. A new responsible partner or due date withdraws the commitment."""
        changes = dict(data.values)
        reason = changes.pop("reason", "")
        return tasks_on(deployment).written(
            deployment,
            lambda session: update_task(
                session, task_id, changes, actor=actor, reason=reason, expected_version=data.version
            ),
        )

    @post(
        "/{task_id:int}/{action:str}",
        dto=bodies.Body[TransitionRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        guards=permitted(lambda params: requested_permission(params["action"])),
    )
    def transition(
        self,
        task_id: FromPath[int],
        action: FromPath[TaskAction],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[TransitionRequest | None] = None,
    ) -> Response[TaskOut]:
        """commit, start, complete, decline, block, resume or cancel, with a reason."""
        request = data or TransitionRequest()
        return tasks_on(deployment).written(
            deployment,
            lambda session: transition_task(
                session,
                task_id,
                action.value,
                actor=actor,
                today=deployment.today(),
                reason=request.reason,
                expected_version=request.version,
            ),
        )

    @get("/{task_id:int}/history", sync_to_thread=False, summary="Who did what, when and why")
    def history(
        self, task_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> list[TaskEventOut]:
        with deployment.session() as session:
            history = task_history(session, task_id, actor=actor)
            return [TaskEventOut.of(event) for event in history]


class ReportController(Controller):
    path = "/api/reports"
    tags = ("reports",)

    @get("/overview", sync_to_thread=False, summary="What needs attention today")
    def overview(self, deployment: CurrentDeployment, actor: CurrentActor) -> Overview:
        """The start page's data: overdue tasks by partner, those due within a week, the
        escalated ones and the goals off track. A partner member sees its partner's tasks."""
        with deployment.session() as session:
            return overview(session, deployment, today=deployment.today(), actor=actor)

    @get("/accountability", sync_to_thread=False, summary="Who delivers what they promised")
    def accountability(
        self,
        deployment: CurrentDeployment,
        by: FromQuery[Grouping] = Grouping.partner,  # type: ignore[attr-defined]
        start: Annotated[
            date | None, QueryParameter(name="from", description="due on or after")
        ] = None,
        end: Annotated[
            date | None, QueryParameter(name="to", description="due on or before")
        ] = None,
        working_field: FromQuery[str | None] = None,
        today: Annotated[date | None, QueryParameter(description="judge as of this day")] = None,
        format: Annotated[str, QueryParameter(pattern="^(json|csv)$")] = "json",
    ) -> Response[Any]:
        """Per partner, working field or accountable party; JSON, or CSV with ``format=csv``."""
        day = today or deployment.today()
        with deployment.session() as session:
            rows = accountability_report(
                session,
                by=by.value,
                today=day,
                period=report_period(start, end),
                working_field=working_field,
            )
        if format == "csv":
            return Response(
                render_report(rows, "csv", by.value),
                media_type="text/csv; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="rechenschaft-{by.value}.csv"'
                },
            )
        body = ReportOut(by.value, day, rows)
        return Response(body, media_type=MediaType.JSON)
