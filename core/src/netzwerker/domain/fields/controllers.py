"""``/api/working-fields`` and ``/api/goals``."""

from __future__ import annotations

from litestar import get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from netzwerker.config import GoalConfig
from netzwerker.domain.fields import services
from netzwerker.domain.fields.schemas import (
    GoalOut,
    WorkingFieldOut,
)
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.bodies import Update
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment


@get("/api/working-fields", tags=["working fields"], sync_to_thread=False)
def list_working_fields(deployment: CurrentDeployment) -> list[WorkingFieldOut]:
    with deployment.session() as session:
        return [WorkingFieldOut.of(field) for field in services.working_fields(session)]


@get("/api/goals", tags=["working fields"], sync_to_thread=False)
def list_goals(
    deployment: CurrentDeployment, working_field: FromQuery[str | None] = None
) -> list[GoalOut]:
    with deployment.session() as session:
        return [GoalOut.of(goal) for goal in services.goals(session, working_field)]


@post(
    "/api/goals",
    tags=["working fields"],
    dto=bodies.Body[GoalConfig],
    return_dto=None,
    sync_to_thread=False,
    guards=permitted(permissions.GOAL_SET),
)
def create_goal(
    data: JSONBody[GoalConfig], deployment: CurrentDeployment, actor: CurrentActor
) -> GoalOut:
    """Set a goal (coordinators); goals declared in deployment.toml are kept there."""
    with deployment.transaction() as session:
        return GoalOut.of(services.create_goal(session, data, deployment.registry, actor=actor))


@get("/api/goals/{key:str}", tags=["working fields"], sync_to_thread=False)
def read_goal(key: FromPath[str], deployment: CurrentDeployment) -> GoalOut:
    with deployment.session() as session:
        return GoalOut.of(services.get_goal(session, key))


@patch(
    "/api/goals/{key:str}",
    tags=["working fields"],
    dto=bodies.Changes[GoalConfig],
    return_dto=None,
    sync_to_thread=False,
    guards=permitted(permissions.GOAL_CHANGE),
)
def update_goal(
    key: FromPath[str], data: JSONBody[Update], deployment: CurrentDeployment, actor: CurrentActor
) -> GoalOut:
    """Change a goal set through the API; name the version you read."""
    with deployment.transaction() as session:
        goal = services.get_goal(session, key)
        services.update_goal(
            session,
            goal,
            data.values,
            deployment.registry,
            actor=actor,
            expected_version=data.version,
        )
        return GoalOut.of(goal)
