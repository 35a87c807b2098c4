"""Workflow runs as their pages show them: the runs of the plugins' workflows (a debt case's
tiers, an addiction chain, a household's coaching, an exchange), and one run with its data,
the steps the reader may take and its history."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
from sqlmodel import Session

from netzwerker.deployment import Deployment
from netzwerker.domain.fields.plugins import Setting, settings_of
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import names
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowRun
from netzwerker.domain.workflows.services import (
    RunFilter,
    events_of,
    find_runs,
    is_step_overdue,
    readable_run,
)
from netzwerker.workflow import Transition, Workflow


def public_workflows(deployment: Deployment) -> dict[str, Workflow]:
    """The enabled workflows whose runs people start and move (not a task's or a
    project's lifecycle), by key."""
    return {
        key: contributed.value
        for key, contributed in sorted(deployment.registry.workflows.items())
        if not contributed.value.internal
    }


def data_fields(workflow: Workflow) -> list[Setting]:
    """The fields of a workflow's data, as a form shows them (none without a data class)."""
    return settings_of(workflow.data, None) if workflow.data is not None else []


@attrs.frozen
class RunList:
    runs: list[WorkflowRun]
    total: int
    partner_names: dict[int, str]
    #: The runs whose current step takes longer than the workflow allows.
    overdue: set[int]
    workflows: dict[str, Workflow]
    may_start: bool


def run_list(
    session: Session,
    deployment: Deployment,
    run_filter: RunFilter,
    *,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
) -> RunList:
    """A page of the runs of the public workflows the reader may read, most urgent first."""
    workflows = public_workflows(deployment)
    wanted = attrs.evolve(run_filter, workflows=tuple(workflows))
    today = deployment.today()
    runs, total = find_runs(session, wanted, today=today, actor=actor, limit=limit, offset=offset)
    return RunList(
        runs=runs,
        total=total,
        partner_names=names(session, Partner, {run.partner_id for run in runs}),
        overdue={run.id for run in runs if is_step_overdue(run, today)},
        workflows=workflows,
        may_start=permissions.allows(actor, permissions.RUN_START),
    )


@attrs.frozen
class RunRecord:
    run: WorkflowRun
    #: ``None`` when the workflow's plugin is switched off: the run is kept, not moved.
    workflow: Workflow | None
    #: The run's data, each value with the label of its field.
    data: list[tuple[str, Any]]
    history: list[WorkflowEvent]
    #: The steps the reader may take now.
    transitions: list[Transition]
    partner_names: dict[int, str]
    person_names: dict[int, str]
    overdue: bool


def run_record(
    session: Session, deployment: Deployment, run_id: int, *, actor: Actor, today: date
) -> RunRecord:
    run = readable_run(session, run_id, actor=actor)
    contributed = deployment.registry.workflows.get(run.workflow)
    workflow = contributed.value if contributed is not None else None
    history = events_of(session, run_id)
    may_move = permissions.allows(actor, permissions.RUN_MOVE, partner_id=run.partner_id)
    fields = {field.name: field for field in data_fields(workflow)} if workflow else {}
    partners = {run.partner_id, *(event.partner_id for event in history)}
    return RunRecord(
        run=run,
        workflow=workflow,
        data=[
            (fields[key].label, fields[key].shown(value) if fields[key].choices else value)
            if key in fields
            else (key, value)
            for key, value in run.data.items()
            if value not in (None, "", [])
        ],
        history=history,
        transitions=(
            workflow.allowed(run.state) if workflow and may_move and not run.closed_at else []
        ),
        partner_names=names(session, Partner, partners),
        person_names=names(session, Person, {run.person_id}),
        overdue=is_step_overdue(run, today),
    )
