"""``/api/workflows`` (definitions) and ``/api/workflow-instances`` (cases moving through them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import attrs
from litestar import Controller, Response, get, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.deployment import Contributed, Deployment
from netzwerker.domain.users import permissions
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowInstance
from netzwerker.domain.workflows.services import (
    InstanceDraft,
    InstanceFilter,
    Move,
    advance,
    find_instances,
    instance_history,
    is_step_overdue,
    public_workflow,
    readable_instance,
    refuse_internal,
    start_instance,
)
from netzwerker.http import bodies
from netzwerker.http.answers import Answer
from netzwerker.http.bodies import versioned
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset
from netzwerker.workflow import Workflow


@attrs.frozen
class StateOut:
    key: str
    label: str
    final: bool
    max_days: int | None


@attrs.frozen
class TransitionOut:
    name: str
    label: str
    sources: list[str]
    target: str
    requires_reason: bool
    hands_over: bool


@attrs.frozen
class WorkflowOut:
    key: str
    name: str
    source: str
    working_field: str | None
    internal: bool
    initial: str
    states: list[StateOut]
    transitions: list[TransitionOut]

    @classmethod
    def of(cls, contributed: Contributed[Workflow]) -> WorkflowOut:
        workflow = contributed.value
        return cls(
            key=workflow.key,
            name=workflow.name or workflow.key,
            source=contributed.source,
            working_field=workflow.working_field,
            internal=workflow.internal,
            initial=workflow.initial,
            states=[
                StateOut(
                    state,
                    workflow.label(state),
                    state in workflow.final,
                    workflow.max_days.get(state),
                )
                for state in workflow.states
            ],
            transitions=[
                TransitionOut(
                    t.name,
                    t.label or t.name,
                    list(t.sources),
                    t.target,
                    t.requires_reason,
                    t.hands_over,
                )
                for t in workflow.transitions
            ],
        )


@attrs.frozen
class InstanceOut(Answer):
    id: int
    workflow: str
    state: str
    state_label: str
    allowed: list[str]
    subject: str
    working_field: str | None
    partner_id: int | None
    person_id: int | None
    priority: int
    data: dict[str, Any]
    started_at: datetime
    state_since: datetime
    step_due_on: date | None
    step_overdue: bool
    closed_at: datetime | None
    version: int


@attrs.frozen
class WorkflowEventOut(Answer):
    seq: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str
    reason: str
    partner_id: int | None
    changes: dict[str, Any] | None


@attrs.frozen
class MoveRequest:
    """A transition; ``partner_id`` hands the case over, ``data`` adds to its data."""

    reason: str = ""
    partner_id: int | None = None
    person_id: int | None = None
    data: dict[str, Any] | None = None
    version: int | None = None


def instance_out(deployment: Deployment, instance: WorkflowInstance) -> InstanceOut:
    contributed = deployment.registry.workflows.get(instance.workflow)
    workflow = contributed.value if contributed else None
    return InstanceOut.of(
        instance,
        state_label=workflow.label(instance.state) if workflow else instance.state,
        allowed=[t.name for t in workflow.allowed(instance.state)] if workflow else [],
        step_overdue=is_step_overdue(instance, deployment.today()),
    )


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
        "/{key:str}/instances",
        dto=bodies.Body[InstanceDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Start a case in this workflow",
        guards=permitted(permissions.RUN_START),
    )
    def start(
        self,
        key: FromPath[str],
        data: JSONBody[InstanceDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[InstanceOut]:
        public_workflow(deployment, key)
        with deployment.transaction() as session:
            instance = start_instance(session, deployment, key, data, actor=actor)
            body = instance_out(deployment, instance)
        return versioned(body, 201)


class InstanceController(Controller):
    path = "/api/workflow-instances"
    tags = ("workflows",)

    @get("/", sync_to_thread=False, summary="Cases, most urgent first")
    def list_instances(
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
    ) -> OffsetPagination[InstanceOut]:
        """A partner member sees the cases its partner handles or handled before."""
        instance_filter = InstanceFilter(
            workflow, tuple(states or ()), partner_id, person_id, working_field, open, overdue, q
        )
        with deployment.session() as session:
            page, total = find_instances(
                session,
                instance_filter,
                today=deployment.today(),
                actor=actor,
                limit=limit,
                offset=offset,
            )
            items = [instance_out(deployment, instance) for instance in page]
        return OffsetPagination(items=items, limit=limit, offset=offset, total=total)

    @get("/{instance_id:int}", sync_to_thread=False)
    def read(
        self, instance_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[InstanceOut]:
        with deployment.session() as session:
            body = instance_out(deployment, readable_instance(session, instance_id, actor=actor))
        return versioned(body)

    @get("/{instance_id:int}/history", sync_to_thread=False, summary="Who moved it, when, why")
    def history(
        self, instance_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> list[WorkflowEventOut]:
        with deployment.session() as session:
            events: list[WorkflowEvent] = instance_history(session, instance_id, actor=actor)
            return [WorkflowEventOut.of(event) for event in events]

    @post(
        "/{instance_id:int}/{action:str}",
        dto=bodies.Body[MoveRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Move a case: one of the transitions its state allows",
        guards=permitted(permissions.RUN_MOVE),
    )
    def move(
        self,
        instance_id: FromPath[int],
        action: FromPath[str],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[MoveRequest | None] = None,
    ) -> Response[InstanceOut]:
        request = data or MoveRequest()
        with deployment.transaction() as session:
            instance = readable_instance(session, instance_id, actor=actor)
            refuse_internal(deployment, instance.workflow)
            instance = advance(
                session,
                deployment,
                instance_id,
                Move(action, request.reason, request.partner_id, request.person_id, request.data),
                actor=actor,
                expected_version=request.version,
            )
            body = instance_out(deployment, instance)
        return versioned(body)
