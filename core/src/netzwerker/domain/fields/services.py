"""Keeping the stored working fields and goals in step with plugins and configuration."""

from __future__ import annotations

from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.config import GoalConfig
from netzwerker.db import flush_or_conflict
from netzwerker.deployment import Deployment, Registry, goal_references
from netzwerker.domain.audit.services import record
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord
from netzwerker.domain.partners.models import PartnerWorkingField
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, NotFound, Problem, Refused, require_version


@attrs.frozen
class SyncResult:
    fields_added: int
    fields_deactivated: int
    goals_written: int


def sync_reference_data(session: Session, deployment: Deployment) -> SyncResult:
    """Store the working fields the deployment knows and the goals it declares.

    A field no plugin or configuration contributes any more is deactivated, never deleted:
    its tasks and goals stay. Goals are matched by key; a goal removed from the
    configuration stays as it was.
    """
    stored = {record.key: record for record in session.exec(select(WorkingFieldRecord))}
    added = deactivated = 0
    for key, contributed in deployment.registry.working_fields.items():
        source = "config" if contributed.source == "config" else f"plugin:{contributed.source}"
        record = stored.get(key)
        if record is None:
            record = WorkingFieldRecord(key=key, name="", source=source)
            session.add(record)
            added += 1
        record.name = contributed.value.name
        record.description = contributed.value.description
        record.source = source
        record.active = True
    for key, record in stored.items():
        if key not in deployment.registry.working_fields and record.active:
            record.active = False
            deactivated += 1
    session.flush()
    goals = {goal.key: goal for goal in session.exec(select(Goal))}
    # A goal of a field whose plugin is disabled waits for it (check warns of it).
    declared_goals = [
        declared
        for declared in deployment.config.goals
        if declared.working_field in deployment.registry.working_fields
    ]
    for declared in declared_goals:
        _write_goal(session, goals.get(declared.key), declared)
    session.flush()
    return SyncResult(added, deactivated, len(declared_goals))


def _write_goal(
    session: Session, goal: Goal | None, declared: GoalConfig, source: str = "config"
) -> Goal:
    if goal is None:
        goal = Goal(
            key=declared.key,
            working_field=declared.working_field,
            title=declared.title,
            period_start=declared.start,
            period_end=declared.end,
        )
        session.add(goal)
    goal.working_field = declared.working_field
    goal.title = declared.title
    goal.description = declared.description
    goal.indicator = declared.indicator
    goal.target = declared.target
    goal.period_start = declared.start
    goal.period_end = declared.end
    goal.status = declared.status
    goal.source = source
    goal.updated_at = utcnow()
    return goal


GOAL_STATUSES = ("active", "achieved", "missed", "dropped")


def goal_problems(goal: GoalConfig, registry: Registry) -> list[Problem]:
    """A goal must belong to a working field of the deployment and name a known indicator."""
    problems = goal_references(goal.working_field, goal.indicator, registry)
    if goal.status not in GOAL_STATUSES:
        problems.append(Problem("status", f"one of {', '.join(GOAL_STATUSES)}"))
    if goal.end < goal.start:
        problems.append(Problem("end", "must not be before start"))
    if not goal.title.strip():
        problems.append(Problem("title", "must not be empty"))
    return problems


def working_fields(session: Session) -> list[WorkingFieldRecord]:
    return list(session.exec(select(WorkingFieldRecord).order_by(WorkingFieldRecord.key)))


def active_fields(session: Session) -> list[WorkingFieldRecord]:
    """The working fields a plugin or the configuration contributes now, by name."""
    query = select(WorkingFieldRecord).where(col(WorkingFieldRecord.active))
    return list(session.exec(query.order_by(col(WorkingFieldRecord.name))))


def get_field(session: Session, key: str) -> WorkingFieldRecord:
    field = session.get(WorkingFieldRecord, key)
    if field is None:
        raise NotFound("working field", key)
    return field


def partners_per_field(session: Session) -> dict[str, int]:
    """How many partners work in each working field."""
    field = col(PartnerWorkingField.working_field)
    rows = session.execute(sa.select(field, sa.func.count()).group_by(field))
    return {key: count for key, count in rows}


def goals(session: Session, working_field: str | None = None) -> list[Goal]:
    query = select(Goal).order_by(Goal.working_field, Goal.key)
    if working_field is not None:
        query = query.where(Goal.working_field == working_field)
    return list(session.exec(query))


def get_goal(session: Session, key: str) -> Goal:
    goal = session.exec(select(Goal).where(Goal.key == key)).first()
    if goal is None:
        raise NotFound("goal", key)
    return goal


def create_goal(session: Session, draft: GoalConfig, registry: Registry, *, actor: Actor) -> Goal:
    """A goal set through the API (``goal.set``; goals in deployment.toml are set by
    ``migrate``)."""
    permissions.authorize(actor, permissions.GOAL_SET)
    problems = goal_problems(draft, registry)
    if session.exec(select(Goal.id).where(Goal.key == draft.key)).first() is not None:
        problems.append(Problem("key", f"goal {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    goal = _write_goal(session, None, draft, source="api")
    session.flush()
    record(
        session, actor=actor.username, action="goal.create", object_type="goal", object_id=goal.key
    )
    return goal


def update_goal(
    session: Session,
    goal: Goal,
    changes: dict[str, Any],
    registry: Registry,
    *,
    actor: Actor,
    expected_version: int | None,
) -> Goal:
    """Change a goal set through the API (``goal.change``)."""
    permissions.authorize(actor, permissions.GOAL_CHANGE)
    if goal.source == "config":
        raise Refused(f"goal {goal.key!r} is declared in deployment.toml: change it there")
    require_version("goal", goal.key, goal.version, expected_version)
    current = GoalConfig(
        key=goal.key,
        working_field=goal.working_field,
        title=goal.title,
        start=goal.period_start,
        end=goal.period_end,
        description=goal.description,
        indicator=goal.indicator,
        target=goal.target,
        status=goal.status,
    )
    if changes.get("key", goal.key) != goal.key:
        raise InvalidInput([Problem("key", "the key of a goal cannot change")])
    merged = attrs.evolve(current, **changes)
    problems = goal_problems(merged, registry)
    if problems:
        raise InvalidInput(problems)
    diff = {
        name: [str(getattr(current, name)), str(getattr(merged, name))]
        for name in changes
        if getattr(current, name) != getattr(merged, name)
    }
    if diff:
        _write_goal(session, goal, merged, source="api")
        record(
            session,
            actor=actor.username,
            action="goal.update",
            object_type="goal",
            object_id=goal.key,
            changes=diff,
        )
        flush_or_conflict(session, f"goal {goal.key!r}")
    return goal
