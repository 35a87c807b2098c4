"""Starting and moving workflow runs; every move leaves an entry in their history.

A workflow definition (:class:`netzwerker.workflow.Workflow`) comes from the core or a
plugin; this module stores its running runs. A move is checked by the definition
(source state, reason, guard), may hand the run over to another partner, runs the
transition's actions in the same transaction, and is announced to the plugins after the
commit (``workflow_transitioned``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import contains_text, flush_or_conflict, next_in_history
from netzwerker.deployment import Deployment, emit
from netzwerker.domain.partners.models import Person
from netzwerker.domain.references import field_problems, partner_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowRun
from netzwerker.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    Refused,
    require_version,
)
from netzwerker.structuring import make_converter, structure, validated_json
from netzwerker.workflow import Transition, Workflow


@attrs.frozen
class RunDraft:
    """What it takes to start a run: a reference (never a name) and who handles it."""

    subject: str
    partner_id: int | None = None
    person_id: int | None = None
    working_field: str | None = None
    priority: int = 0
    data: dict[str, Any] = attrs.Factory(dict)
    reason: str = ""


@attrs.frozen
class Move:
    """A requested transition: the action, why, and what changes with it."""

    action: str
    reason: str = ""
    partner_id: int | None = None
    person_id: int | None = None
    data: dict[str, Any] | None = None


@attrs.frozen
class Step:
    """What a guard or an action sees of a move in progress.

    A guard sees the run with the data given with the move, still in its old state;
    an action sees it moved (new state, new partner).
    ``data()`` is the run's data as the workflow's attrs class.
    """

    session: Session
    deployment: Deployment
    workflow: Workflow
    run: WorkflowRun
    transition: Transition | None
    actor: str
    now: datetime
    today: date
    reason: str = ""

    def data(self) -> Any:
        return typed_data(self.workflow, self.run.data)


def typed_data(workflow: Workflow, data: dict[str, Any]) -> Any:
    """Stored (already validated) data as the workflow's attrs class; ``None`` without one."""
    return None if workflow.data is None else structure(make_converter(), data, workflow.data)


def workflow_of(deployment: Deployment, key: str) -> Workflow:
    """An enabled workflow; a disabled plugin's workflow is refused, its runs kept."""
    contributed = deployment.registry.workflows.get(key)
    if contributed is None:
        raise NotFound("workflow", key)
    return contributed.value


def _references(
    session: Session, partner_id: int | None, person_id: int | None, working_field: str | None
) -> list[Problem]:
    problems = []
    if partner_id is not None:
        problems.extend(partner_problems(session, partner_id, "partner_id"))
    if person_id is not None and session.get(Person, person_id) is None:
        problems.append(Problem("person_id", f"no person {person_id!r}"))
    if working_field is not None:
        problems.extend(field_problems(session, working_field))
    return problems


def _enter(workflow: Workflow, run: WorkflowRun, state: str, now: datetime, today: date):
    """The run enters ``state``: its step clock restarts, an end state closes it."""
    run.state = state
    run.state_since = now
    days = workflow.max_days.get(state)
    run.step_due_on = today + timedelta(days=days) if days is not None else None
    run.closed_at = now if state in workflow.final else None


def _append(
    session: Session,
    run: WorkflowRun,
    *,
    actor: str,
    action: str,
    now: datetime,
    from_state: str | None,
    reason: str,
    changes: dict[str, Any] | None = None,
) -> WorkflowEvent:
    seq, at = next_in_history(
        session,
        col(WorkflowEvent.seq),
        col(WorkflowEvent.at),
        col(WorkflowEvent.run_id) == run.id,
        now,
    )
    event = WorkflowEvent(
        run_id=run.id,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=run.state,
        reason=reason,
        partner_id=run.partner_id,
        changes=changes or None,
    )
    session.add(event)
    return event


def start_run(
    session: Session,
    deployment: Deployment,
    workflow_key: str,
    draft: RunDraft,
    *,
    actor: Actor,
    now: datetime | None = None,
    today: date | None = None,
) -> WorkflowRun:
    """Start a run in the workflow's initial state."""
    permissions.authorize(actor, permissions.RUN_START)
    now = now or utcnow()
    today = today or deployment.today()
    workflow = workflow_of(deployment, workflow_key)
    working_field = draft.working_field or workflow.working_field
    problems = []
    if not draft.subject.strip():
        problems.append(Problem("subject", "must not be empty"))
    problems.extend(_references(session, draft.partner_id, draft.person_id, working_field))
    try:
        data = validated_json(draft.data, workflow.data, prefix="data")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    priority = draft.priority
    if workflow.priority is not None:
        priority = max(priority, workflow.priority(typed_data(workflow, data)))
    run = WorkflowRun(
        workflow=workflow.key,
        state=workflow.initial,
        subject=draft.subject.strip(),
        working_field=working_field,
        partner_id=draft.partner_id,
        person_id=draft.person_id,
        priority=priority,
        data=data,
        started_at=now,
        created_by=actor.username,
    )
    _enter(workflow, run, workflow.initial, now, today)
    session.add(run)
    session.flush()
    _append(
        session,
        run,
        actor=actor.username,
        action="start",
        now=now,
        from_state=None,
        reason=draft.reason,
        changes={"data": data} if data else None,
    )
    session.flush()
    emit(session, "workflow_started", run=run)
    return run


def get_run(session: Session, run_id: int, expected_version: int | None = None) -> WorkflowRun:
    run = session.get(WorkflowRun, run_id)
    if run is None:
        raise NotFound("workflow run", run_id)
    require_version("workflow run", run_id, run.version, expected_version)
    return run


def advance(
    session: Session,
    deployment: Deployment,
    run_id: int,
    move: Move,
    *,
    actor: Actor,
    now: datetime | None = None,
    today: date | None = None,
    expected_version: int | None = None,
) -> WorkflowRun:
    """Move a run (``run.move``: coordinators any, a partner member the runs its
    partner holds now); a move the workflow forbids raises :class:`TransitionRefused`."""
    now = now or utcnow()
    today = today or deployment.today()
    run = readable_run(session, run_id, actor=actor)
    permissions.authorize(actor, permissions.RUN_MOVE, partner_id=run.partner_id)
    require_version("workflow run", run_id, run.version, expected_version)
    contributed = deployment.registry.workflows.get(run.workflow)
    if contributed is None:
        raise Refused(
            f"workflow {run.workflow!r} is not enabled in this deployment; "
            "its runs are kept but cannot move"
        )
    workflow = contributed.value
    transition = workflow.transition(move.action)
    problems = _references(session, move.partner_id, move.person_id, None)
    if transition.hands_over and move.partner_id is None:
        problems.append(
            Problem("partner_id", f"{move.action!r} hands the run over: name the partner")
        )
    merged = run.data
    if move.data is not None:
        try:
            merged = validated_json({**run.data, **move.data}, workflow.data, prefix="data")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    changes: dict[str, Any] = {}
    added = {key: value for key, value in merged.items() if run.data.get(key) != value}
    if added:
        changes["data"] = added
        run.data = merged  # the data given with the move is what its guard judges
    old_state = run.state
    step = Step(
        session, deployment, workflow, run, transition, actor.username, now, today, move.reason
    )
    new_state = workflow.apply(old_state, move.action, reason=move.reason, subject=step)
    if move.partner_id is not None and move.partner_id != run.partner_id:
        changes["partner_id"] = [run.partner_id, move.partner_id]
        run.partner_id = move.partner_id
    if move.person_id is not None and move.person_id != run.person_id:
        changes["person_id"] = [run.person_id, move.person_id]
        run.person_id = move.person_id
    _enter(workflow, run, new_state, now, today)
    event = _append(
        session,
        run,
        actor=actor.username,
        action=move.action,
        now=now,
        from_state=old_state,
        reason=move.reason,
        changes=changes,
    )
    flush_or_conflict(session, f"workflow run {run_id}")
    for action in transition.actions:
        action(step)
    emit(
        session,
        "workflow_transitioned",
        run=run,
        event=event,
        old_state=old_state,
        new_state=new_state,
    )
    return run


def readable_run(session: Session, run_id: int, *, actor: Actor) -> WorkflowRun:
    """A run the actor may read (``run.read``): a partner member one its partner
    handles now or handled before."""
    run = get_run(session, run_id)
    partner = permissions.own_partner(actor, permissions.RUN_READ)
    if partner is not None and partner not in handled_by(session, run):
        raise Forbidden("this run does not concern your partner")
    return run


def run_history(session: Session, run_id: int, *, actor: Actor) -> list[WorkflowEvent]:
    """Who moved the run, when and why, for a reader of it."""
    readable_run(session, run_id, actor=actor)
    return events_of(session, run_id)


def events_of(session: Session, run_id: int) -> list[WorkflowEvent]:
    """A run's history, for the record that owns it (a project's lifecycle)."""
    return list(
        session.exec(
            select(WorkflowEvent).where(WorkflowEvent.run_id == run_id).order_by(WorkflowEvent.seq)  # type: ignore[arg-type]
        )
    )


@attrs.frozen
class RunFilter:
    """Which runs to list; every field narrows, ``None`` does not."""

    workflow: str | None = None
    states: Sequence[str] = ()
    partner_id: int | None = None
    person_id: int | None = None
    working_field: str | None = None
    open: bool | None = None
    overdue: bool | None = None
    q: str | None = None
    #: Any of these workflows (the public ones, for a page of runs).
    workflows: Sequence[str] = ()


def step_overdue(today: date) -> sa.ColumnElement[bool]:
    """An open run whose current step has taken longer than the workflow allows."""
    return sa.and_(
        col(WorkflowRun.closed_at).is_(None),
        col(WorkflowRun.step_due_on) < today,
    )


def is_step_overdue(run: WorkflowRun, today: date) -> bool:
    return run.closed_at is None and run.step_due_on is not None and run.step_due_on < today


def handled_by_partner(partner_id: int) -> sa.ColumnElement[bool]:
    """Runs a partner handles now or handled before: the referring side sees the rest."""
    handled = (
        select(WorkflowEvent.run_id).where(WorkflowEvent.partner_id == partner_id).scalar_subquery()
    )
    return sa.or_(
        col(WorkflowRun.partner_id) == partner_id,
        col(WorkflowRun.id).in_(handled),
    )


def find_runs(
    session: Session,
    instance_filter: RunFilter,
    *,
    today: date,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[WorkflowRun], int]:
    """A page of the runs the actor may read (``run.read``), most urgent first, and
    how many match in all."""
    f = instance_filter
    partner = permissions.own_partner(actor, permissions.RUN_READ)
    clauses: list[Any] = [] if partner is None else [handled_by_partner(partner)]
    if f.workflow is not None:
        clauses.append(WorkflowRun.workflow == f.workflow)
    if f.workflows:
        clauses.append(col(WorkflowRun.workflow).in_(f.workflows))
    if f.states:
        clauses.append(WorkflowRun.state.in_(f.states))  # type: ignore[attr-defined]
    if f.partner_id is not None:
        clauses.append(WorkflowRun.partner_id == f.partner_id)
    if f.person_id is not None:
        clauses.append(WorkflowRun.person_id == f.person_id)
    if f.working_field is not None:
        clauses.append(WorkflowRun.working_field == f.working_field)
    if f.open is not None:
        closed = WorkflowRun.closed_at.is_(None)  # type: ignore[union-attr]
        clauses.append(closed if f.open else sa.not_(closed))
    if f.overdue is not None:
        overdue = step_overdue(today)
        clauses.append(overdue if f.overdue else sa.not_(overdue))
    if f.q:
        clauses.append(contains_text([WorkflowRun.subject], f.q))
    total = session.scalar(select(sa.func.count()).select_from(WorkflowRun).where(*clauses))
    page = session.exec(
        select(WorkflowRun)
        .where(*clauses)
        .order_by(
            col(WorkflowRun.closed_at).is_not(None),
            col(WorkflowRun.priority).desc(),
            col(WorkflowRun.step_due_on).is_(None),
            col(WorkflowRun.step_due_on),
            col(WorkflowRun.id),
        )
        .limit(limit)
        .offset(offset)
    )
    return list(page), total or 0


def handled_by(session: Session, run: WorkflowRun) -> set[int | None]:
    """The partners responsible for a run now and at any step before."""
    earlier = session.exec(
        select(WorkflowEvent.partner_id).where(WorkflowEvent.run_id == run.id).distinct()
    )
    return {run.partner_id, *earlier}


def public_workflow(deployment: Deployment, key: str) -> Workflow:
    """A workflow whose runs the workflow API starts and moves (not a task or project)."""
    workflow = workflow_of(deployment, key)
    refuse_internal(deployment, key)
    return workflow


def refuse_internal(deployment: Deployment, key: str) -> None:
    contributed = deployment.registry.workflows.get(key)
    if contributed is not None and contributed.value.internal:
        raise Refused(f"workflow {key!r} moves through its own records, not as a workflow run")
