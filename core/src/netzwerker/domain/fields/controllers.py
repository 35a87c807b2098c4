"""``/api/working-fields`` and ``/api/goals``."""

from __future__ import annotations

from datetime import date

import attrs
from litestar import get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from sqlmodel import select

from netzwerker.config import GoalConfig
from netzwerker.domain.fields import services
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.bodies import Update
from netzwerker.http.params import CurrentActor, CurrentDeployment


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
    source: str
    version: int

    @classmethod
    def of(cls, g: Goal) -> GoalOut:
        return cls(
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
            g.source,
            g.version,  # type: ignore[arg-type]
        )


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
        return [GoalOut.of(goal) for goal in session.exec(query)]


@post(
    "/api/goals",
    tags=["working fields"],
    dto=bodies.Body[GoalConfig],
    return_dto=None,
    sync_to_thread=True,
)
def create_goal(
    data: JSONBody[GoalConfig], deployment: CurrentDeployment, actor: CurrentActor
) -> GoalOut:
    """Set a goal (coordinators); goals declared in deployment.toml are kept there."""
    permissions.require_manager(actor, "set goals")
    with deployment.transaction() as session:
        return GoalOut.of(
            services.create_goal(session, data, deployment.registry, actor=actor.username)
        )


@get("/api/goals/{key:str}", tags=["working fields"], sync_to_thread=True)
def read_goal(key: FromPath[str], deployment: CurrentDeployment) -> GoalOut:
    with deployment.session() as session:
        return GoalOut.of(services.get_goal(session, key))


@patch(
    "/api/goals/{key:str}",
    tags=["working fields"],
    dto=bodies.Changes[GoalConfig],
    return_dto=None,
    sync_to_thread=True,
)
def update_goal(
    key: FromPath[str], data: JSONBody[Update], deployment: CurrentDeployment, actor: CurrentActor
) -> GoalOut:
    """Change a goal set through the API; name the version you read."""
    permissions.require_manager(actor, "change goals")
    with deployment.transaction() as session:
        goal = services.get_goal(session, key)
        services.update_goal(
            session,
            goal,
            data.values,
            deployment.registry,
            actor=actor.username,
            expected_version=data.version,
        )
        return GoalOut.of(goal)
