"""``/api/working-fields`` and ``/api/goals``."""

from __future__ import annotations

from datetime import date

import attrs
from litestar import get
from litestar.params import FromQuery
from sqlmodel import select

from netzwerker.domain.fields.models import Goal, WorkingFieldRecord
from netzwerker.http.params import CurrentDeployment


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
def list_working_fields(deployment: CurrentDeployment) -> list[WorkingFieldOut]:
    with deployment.session() as session:
        fields = session.exec(select(WorkingFieldRecord).order_by(WorkingFieldRecord.key))
        return [WorkingFieldOut(f.key, f.name, f.description, f.source, f.active) for f in fields]


@get("/api/goals", tags=["working fields"], sync_to_thread=True)
def list_goals(
    deployment: CurrentDeployment, working_field: FromQuery[str | None] = None
) -> list[GoalOut]:
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
