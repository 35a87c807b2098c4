"""What the API of workflows takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from netzwerker.deployment import Contributed, Deployment
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.domain.workflows.services import (
    is_step_overdue,
)
from netzwerker.http.answers import Answer
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
class RunOut(Answer):
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
    """A transition; ``partner_id`` hands the run over, ``data`` adds to its data."""

    reason: str = ""
    partner_id: int | None = None
    person_id: int | None = None
    data: dict[str, Any] | None = None
    version: int | None = None


def run_out(deployment: Deployment, run: WorkflowRun) -> RunOut:
    contributed = deployment.registry.workflows.get(run.workflow)
    workflow = contributed.value if contributed else None
    return RunOut.of(
        run,
        state_label=workflow.label(run.state) if workflow else run.state,
        allowed=[t.name for t in workflow.allowed(run.state)] if workflow else [],
        step_overdue=is_step_overdue(run, deployment.today()),
    )
