"""``/api/working-fields`` and ``/api/goals``."""

from __future__ import annotations

from datetime import date

import attrs
from litestar import get
from sqlmodel import select

from netzwerker.deployment import Deployment
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord


@attrs.frozen
class WorkingFieldOut:
    key: str
    name: str
    description: str
    source: str
    active: bool


@attrs.frozen
class GoalOut:
    id: int
    key: str
    working_field: str
    title: str
    description: str
    indicator: str
    target: float | None
    period_start: date
    period_end: date
    status: str


@get("/api/working-fields", tags=["working fields"], sync_to_thread=True)
def list_working_fields(deployment: Deployment) -> list[WorkingFieldOut]:
    with deployment.session() as session:
        fields = session.exec(select(WorkingFieldRecord).order_by(WorkingFieldRecord.key))
        return [WorkingFieldOut(f.key, f.name, f.description, f.source, f.active) for f in fields]


@get("/api/goals", tags=["working fields"], sync_to_thread=True)
def list_goals(deployment: Deployment, working_field: str | None = None) -> list[GoalOut]:
    query = select(Goal).order_by(Goal.working_field, Goal.key)
    if working_field is not None:
        query = query.where(Goal.working_field == working_field)
    with deployment.session() as session:
        return [
            GoalOut(
                g.id,  # type: ignore[arg-type]
                g.key,
                g.working_field,
                g.title,
                g.description,
                g.indicator,
                g.target,
                g.period_start,
                g.period_end,
                g.status,
            )
            for g in session.exec(query)
        ]
