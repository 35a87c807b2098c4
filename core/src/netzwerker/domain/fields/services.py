"""Keeping the stored working fields and goals in step with plugins and configuration."""

from __future__ import annotations

import attrs
from sqlmodel import Session, select

from netzwerker.clock import utcnow
from netzwerker.config import GoalConfig
from netzwerker.deployment import Deployment
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord


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
    for declared in deployment.config.goals:
        _write_goal(session, goals.get(declared.key), declared)
    session.flush()
    return SyncResult(added, deactivated, len(deployment.config.goals))


def _write_goal(session: Session, goal: Goal | None, declared: GoalConfig) -> None:
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
    goal.source = "config"
    goal.updated_at = utcnow()
