"""``/api/circles``: coordination circles, their members, and their meetings' calendar."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody

from netzwerker.deployment import Deployment
from netzwerker.domain.circles.schemas import (
    CircleOut,
    circle_answers,
)
from netzwerker.domain.circles.services import (
    CircleChanges,
    CircleDraft,
    create_circle,
    find_circles,
    get_circle,
    update_circle,
)
from netzwerker.domain.meetings.services import MeetingFilter, calendar_event, find_meetings
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update
from netzwerker.http.files import calendar_download
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset
from netzwerker.ical import calendar

CIRCLES = Answers(circle_answers)


class CircleController(Controller):
    path = "/api/circles"
    tags = ("circles",)

    @get("/", sync_to_thread=False, summary="Circles by name, filtered")
    def list_circles(
        self,
        deployment: CurrentDeployment,
        working_field: FromQuery[str | None] = None,
        partner_id: FromQuery[int | None] = None,
        active: FromQuery[bool | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[CircleOut]:
        return CIRCLES.page(
            deployment,
            lambda session: find_circles(
                session,
                working_field=working_field,
                partner_id=partner_id,
                active=active,
                limit=limit,
                offset=offset,
            ),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[CircleDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CIRCLE_FOUND),
    )
    def create(
        self, data: JSONBody[CircleDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[CircleOut]:
        """Found a circle (coordinators); the lead partner is always a member."""
        return CIRCLES.created(
            deployment, lambda session: create_circle(session, data, actor=actor)
        )

    @get("/{circle_id:int}", sync_to_thread=False)
    def read(self, circle_id: FromPath[int], deployment: CurrentDeployment) -> Response[CircleOut]:
        return CIRCLES.read(deployment, lambda session: get_circle(session, circle_id))

    @patch(
        "/{circle_id:int}",
        dto=bodies.Changes[CircleChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CIRCLE_CHANGE),
    )
    def update(
        self,
        circle_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[CircleOut]:
        return CIRCLES.written(
            deployment,
            lambda session: update_circle(
                session, circle_id, data.values, actor=actor, expected_version=data.version
            ),
        )

    @get("/{circle_id:int}/calendar.ics", sync_to_thread=False, summary="The circle's meetings")
    def calendar(
        self, circle_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[Any]:
        """All meetings of the circle as an iCalendar file to subscribe to."""
        return circle_calendar(deployment, actor, circle_id)


def circle_calendar(deployment: Deployment, actor: Actor, circle_id: int) -> Response[Any]:
    """A circle's meetings as an iCalendar download (for the API and the web interface)."""
    with deployment.session() as session:
        circle = get_circle(session, circle_id)
        meetings, _ = find_meetings(
            session, MeetingFilter(circle_id=circle_id), actor=actor, limit=1000
        )
    events = [calendar_event(meeting, deployment) for meeting in meetings]
    return calendar_download(f"{circle.key}.ics", calendar(events, circle.name))
