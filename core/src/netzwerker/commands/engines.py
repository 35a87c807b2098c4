"""``netzwerker workflow|project|indicators …``: the engines on the command line.

Like every command, these only translate: arguments in, a service call, lines out. Problems
(a refused move, a wrong value) are printed by the root group with exit code 1.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from netzwerker.commands.support import (
    cli_actor,
    date_option_type,
    deployment_argument,
    open_deployment,
)
from netzwerker.errors import InvalidInput, Problem
from netzwerker.tables import to_csv


def _json_object(value: str | None, option: str) -> dict[str, Any]:
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as exc:
        raise InvalidInput([Problem(option, f"not valid JSON: {exc}")]) from None
    if not isinstance(parsed, dict):
        raise InvalidInput([Problem(option, "expected a JSON object")])
    return parsed


def _partner_id(session: Any, key: str | None) -> int | None:
    from netzwerker.domain.partners.services import get_partner

    return None if key is None else get_partner(session, key).id


# --------------------------------------------------------------------------------------------
# Workflows
# --------------------------------------------------------------------------------------------


@click.group()
def workflow() -> None:
    """Workflow runs: requests, coachings and projects moving through the workflows."""


@workflow.command("list")
@deployment_argument
def workflow_list(deployment: str) -> None:
    """The workflows, their states (with the longest wait) and transitions."""
    loaded = open_deployment(deployment, migrated=False)
    for key, contributed in loaded.registry.workflows.items():
        flow = contributed.value
        click.echo(f"{key}  ({flow.name or key}; {contributed.source})")
        for state in flow.states:
            wait = flow.max_days.get(state)
            end = " [Ende]" if state in flow.final else ""
            click.echo(
                f"  {state:<22} {flow.label(state)}{end}{f'  ≤ {wait} Tage' if wait else ''}"
            )


@workflow.command("start")
@deployment_argument
@click.argument("key")
@click.argument("subject")
@click.option("--partner", help="key of the partner responsible for the first step")
@click.option("--person", "person_id", type=int, help="id of the coach, scout or coordinator")
@click.option("--priority", type=int, default=0)
@click.option("--data", help="the run's data as a JSON object")
def workflow_start(
    deployment: str,
    key: str,
    subject: str,
    partner: str | None,
    person_id: int | None,
    priority: int,
    data: str | None,
) -> None:
    """Start a run of workflow KEY; SUBJECT is a reference or pseudonym, never a name."""
    from netzwerker.domain.workflows.services import (
        RunDraft,
        public_workflow,
        start_run,
    )

    loaded = open_deployment(deployment)
    public_workflow(loaded, key)
    with loaded.transaction() as session:
        draft = RunDraft(
            subject,
            _partner_id(session, partner),
            person_id,
            priority=priority,
            data=_json_object(data, "--data"),
        )
        run = start_run(session, loaded, key, draft, actor=cli_actor())
        click.echo(f"run {run.id} started: {run.subject} ({run.state})")


@workflow.command("move")
@deployment_argument
@click.argument("run_id", type=int)
@click.argument("action")
@click.option("--reason", default="")
@click.option("--partner", help="key of the partner who takes over")
@click.option("--person", "person_id", type=int)
@click.option("--data", help="data to add, as a JSON object")
def workflow_move(
    deployment: str,
    run_id: int,
    action: str,
    reason: str,
    partner: str | None,
    person_id: int | None,
    data: str | None,
) -> None:
    """Move run RUN_ID by ACTION (one its state allows)."""
    from netzwerker.domain.workflows.services import (
        Move,
        advance,
        get_run,
        refuse_internal,
    )

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        refuse_internal(loaded, get_run(session, run_id).workflow)
        move = Move(
            action,
            reason,
            _partner_id(session, partner),
            person_id,
            _json_object(data, "--data") if data else None,
        )
        run = advance(session, loaded, run_id, move, actor=cli_actor())
        click.echo(f"run {run.id}: {run.state}")


@workflow.command("runs")
@deployment_argument
@click.option("--workflow", "key", help="only this workflow")
@click.option("--state", "states", multiple=True)
@click.option("--overdue", is_flag=True, help="only runs whose step takes too long")
@click.option("--limit", type=click.IntRange(1, 10000), default=100, show_default=True)
def workflow_runs(
    deployment: str, key: str | None, states: tuple[str, ...], overdue: bool, limit: int
) -> None:
    """Workflow runs, most urgent first."""
    from netzwerker.domain.workflows.services import RunFilter, find_runs

    loaded = open_deployment(deployment)
    today = loaded.today()
    with loaded.session() as session:
        page, total = find_runs(
            session,
            RunFilter(workflow=key, states=states, overdue=True if overdue else None),
            today=today,
            actor=cli_actor(),
            limit=limit,
        )
    for run in page:
        due = f"  bis {run.step_due_on}" if run.step_due_on else ""
        where = f"{run.workflow:<28} {run.state:<20}"
        click.echo(f"{run.id:>6}  {where} {run.subject}{due}")
    click.echo(f"{len(page)} of {total} runs")


@workflow.command("history")
@deployment_argument
@click.argument("run_id", type=int)
def workflow_history(deployment: str, run_id: int) -> None:
    """Who moved run RUN_ID, when and why."""
    from netzwerker.domain.workflows.services import run_history

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for event in run_history(session, run_id, actor=cli_actor()):
            why = f"  ({event.reason})" if event.reason else ""
            move = f"{event.action} → {event.to_state}"
            click.echo(f"{event.at:%Y-%m-%d %H:%M}  {event.actor:<20} {move}{why}")


# --------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------


@click.group()
def project() -> None:
    """Projects: ideas, concepts, funding, running projects."""


@project.command("list")
@deployment_argument
@click.option("--status", "states", multiple=True)
@click.option("--type", "project_type")
def project_list(deployment: str, states: tuple[str, ...], project_type: str | None) -> None:
    """Projects, newest first."""
    from netzwerker.domain.projects.services import ProjectFilter, find_projects

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        rows, total = find_projects(
            session, ProjectFilter(project_type=project_type, status=states), limit=1000
        )
    for item, state in rows:
        click.echo(f"{item.key:<30} {state:<16} {item.project_type:<24} {item.title}")
    click.echo(f"{total} projects")


@project.command("add")
@deployment_argument
@click.argument("key")
@click.option("--type", "project_type", required=True, help="a project type (netzwerker plugins)")
@click.option("--title", required=True)
@click.option("--field", "working_field", help="working field (default: the type's)")
@click.option("--details", help="the type's details as a JSON object")
@click.option("--partner", "partners", multiple=True, help="KEY or KEY:ROLE (lead, partner, …)")
@click.option("--target-group", "target_groups", multiple=True)
def project_add(
    deployment: str,
    key: str,
    project_type: str,
    title: str,
    working_field: str | None,
    details: str | None,
    partners: tuple[str, ...],
    target_groups: tuple[str, ...],
) -> None:
    """Record the project idea KEY."""
    from netzwerker.domain.projects.services import (
        ProjectDraft,
        ProjectPartnerDraft,
        ProjectRole,
        create_project,
    )

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        members = []
        for index, text in enumerate(partners):
            partner_key, _, role = text.partition(":")
            try:
                project_role = ProjectRole(role or "partner")
            except ValueError:
                raise InvalidInput(
                    [Problem(f"--partner[{index}]", f"unknown role {role!r}")]
                ) from None
            members.append(ProjectPartnerDraft(_partner_id(session, partner_key), project_role))  # type: ignore[arg-type]
        draft = ProjectDraft(
            title=title,
            working_field=working_field,
            details=_json_object(details, "--details"),
            partners=members,
            target_groups=list(target_groups),
            key=key,
            project_type=project_type,
        )
        created = create_project(session, loaded, draft, actor=cli_actor())
        click.echo(f"project {created.key} recorded (idea)")


@project.command("move")
@deployment_argument
@click.argument("key")
@click.argument("action")
@click.option("--reason", default="")
def project_move(deployment: str, key: str, action: str, reason: str) -> None:
    """Move project KEY: conceive, apply_for_funding, launch, evaluate, close, abandon."""
    from netzwerker.domain.projects.services import move_project, project_by_key, project_state

    loaded = open_deployment(deployment)
    with loaded.transaction() as session:
        found = project_by_key(session, key)
        move_project(session, loaded, found.id, action, actor=cli_actor(), reason=reason)
        click.echo(f"project {key}: {project_state(session, found)}")


# --------------------------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------------------------


@click.group()
def indicators() -> None:
    """Indicators: the report, the stored time series, manual values."""


def _period(loaded: Any, start: datetime | None, end: datetime | None) -> Any:
    from netzwerker.domain.indicators.services import period_of

    return period_of(start and start.date(), end and end.date(), loaded.today())


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = f"{value:,.1f}".replace(",", "#").replace(".", ",").replace("#", ".")
    return f"{text.removesuffix(',0')} {unit}"


@indicators.command("report")
@deployment_argument
@click.option("--from", "start", type=date_option_type, help="first day (default: 1 January)")
@click.option("--to", "end", type=date_option_type, help="last day (default: today)")
@click.option("--field", "working_field", help="only this working field")
@click.option("--every", type=click.Choice(["month", "quarter", "year"]))
@click.option("--store", is_flag=True, help="keep the computed values in the time series")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table")
def indicators_report(
    deployment: str,
    start: datetime | None,
    end: datetime | None,
    working_field: str | None,
    every: str | None,
    store: bool,
    fmt: str,
) -> None:
    """Every indicator over the period, and the goals against their targets."""
    from netzwerker.domain.indicators.services import (
        Scope,
        compute_readings,
        goal_readings,
        store_readings,
    )

    loaded = open_deployment(deployment)
    period = _period(loaded, start, end)
    with loaded.transaction() as session:
        readings = compute_readings(
            session, loaded, period, scope=Scope(working_field), every=every
        )
        goals = goal_readings(session, loaded, working_field=working_field, today=loaded.today())
        stored = store_readings(session, readings, actor=cli_actor()) if store else 0
    if fmt == "csv":
        header = ["indicator", "label", "from", "to", "value", "unit", "target"]
        rows = [
            [r.indicator, r.label, r.period_start, r.period_end, r.value, r.unit, r.target]
            for r in readings
        ]
        click.echo(to_csv(header, rows), nl=False)
        return
    click.echo(f"Indikatoren {period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}")
    for r in readings:
        part = f"{r.period_start:%m/%Y}  " if every else ""
        target = f"  (Ziel {_value(r.target, r.unit)})" if r.target is not None else ""
        click.echo(f"  {part}{r.label:<62} {_value(r.value, r.unit):>14}{target}")
    if goals:
        click.echo("Ziele")
        for goal in goals:
            mark = {True: "erreicht", False: "nicht erreicht", None: "offen"}[goal.reached]
            click.echo(
                f"  {goal.title:<62} {_value(goal.value, goal.unit):>14}"
                f"  (Ziel {_value(goal.target, goal.unit)}, {mark})"
            )
    if store:
        click.echo(f"{stored} values stored")


@indicators.command("record")
@deployment_argument
@click.argument("key")
@click.argument("value", type=float)
@click.option("--from", "start", type=date_option_type, required=True)
@click.option("--to", "end", type=date_option_type, required=True)
@click.option("--field", "working_field", help="working field the value is for")
@click.option("--note", default="")
def indicators_record(
    deployment: str,
    key: str,
    value: float,
    start: datetime,
    end: datetime,
    working_field: str | None,
    note: str,
) -> None:
    """Enter the VALUE of the manual indicator KEY for a period."""
    from netzwerker.domain.indicators.services import ManualEntry, Scope, record_value

    loaded = open_deployment(deployment)
    entry = ManualEntry(start.date(), end.date(), value, Scope(working_field), note)
    with loaded.transaction() as session:
        record_value(session, loaded.registry, key, entry, actor=cli_actor())
    click.echo(f"{key}: {value} recorded for {entry.start} – {entry.end}")


@indicators.command("series")
@deployment_argument
@click.argument("key")
@click.option("--field", "working_field")
def indicators_series(deployment: str, key: str, working_field: str | None) -> None:
    """The stored values of indicator KEY, oldest first."""
    from netzwerker.domain.indicators.services import Scope, series

    loaded = open_deployment(deployment)
    with loaded.session() as session:
        for item in series(session, key, scope=Scope(working_field)):
            click.echo(f"{item.period_start} – {item.period_end}  {item.value}  ({item.source})")


COMMANDS = [workflow, project, indicators]
