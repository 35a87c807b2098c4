"""``/api/meetings``: circle meetings and case conferences, their decisions, iCalendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody

from netzwerker.domain.meetings.models import Decision
from netzwerker.domain.meetings.schemas import (
    DecisionOut,
    MeetingOut,
    meeting_answers,
)
from netzwerker.domain.meetings.services import (
    DecisionDraft,
    MeetingChanges,
    MeetingDraft,
    MeetingFilter,
    add_decision,
    calendar_event,
    create_meeting,
    find_meetings,
    update_meeting,
    visible_meeting,
)
from netzwerker.domain.users import permissions
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update
from netzwerker.http.files import calendar_download
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset
from netzwerker.ical import calendar

MEETINGS = Answers(meeting_answers)


class MeetingController(Controller):
    path = "/api/meetings"
    tags = ("meetings",)

    @get("/", sync_to_thread=False, summary="Meetings and case conferences, latest first")
    def list_meetings(
        self,
        deployment: CurrentDeployment,
        actor: CurrentActor,
        circle_id: FromQuery[int | None] = None,
        case_id: FromQuery[int | None] = None,
        partner_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        case_conferences: FromQuery[bool | None] = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[MeetingOut]:
        meeting_filter = MeetingFilter(
            circle_id, case_id, partner_id, status, since, until, case_conferences
        )
        return MEETINGS.page(
            deployment,
            lambda session: find_meetings(
                session, meeting_filter, actor=actor, limit=limit, offset=offset
            ),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[MeetingDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.MEETING_PLAN),
    )
    def create(
        self, data: JSONBody[MeetingDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[MeetingOut]:
        """Plan a circle's meeting or a case conference (coordinators). A case conference
        is refused unless each participating partner holds the case or has consent."""
        return MEETINGS.created(
            deployment, lambda session: create_meeting(session, deployment, data, actor=actor)
        )

    @get("/{meeting_id:int}", sync_to_thread=False)
    def read(
        self, meeting_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[MeetingOut]:
        return MEETINGS.read(
            deployment, lambda session: visible_meeting(session, actor, meeting_id)
        )

    @patch(
        "/{meeting_id:int}",
        dto=bodies.Changes[MeetingChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.MEETING_CHANGE),
    )
    def update(
        self,
        meeting_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[MeetingOut]:
        """Reschedule, take attendance (``participants[].attended``), write the minutes,
        mark it held or cancelled."""
        return MEETINGS.written(
            deployment,
            lambda session: update_meeting(
                session,
                deployment,
                meeting_id,
                data.values,
                actor=actor,
                expected_version=data.version,
            ),
        )

    @post(
        "/{meeting_id:int}/decisions",
        dto=bodies.Body[DecisionDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Record a decision; with a task, the task is proposed at once",
        guards=permitted(permissions.MEETING_DECIDE),
    )
    def decide(
        self,
        meeting_id: FromPath[int],
        data: JSONBody[DecisionDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> DecisionOut:
        with deployment.transaction() as session:
            decision: Decision = add_decision(session, meeting_id, data, actor=actor)
            return DecisionOut.of(decision)

    @get("/{meeting_id:int}/calendar.ics", sync_to_thread=False, summary="iCalendar file")
    def calendar(
        self, meeting_id: FromPath[int], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[Any]:
        with deployment.session() as session:
            meeting = visible_meeting(session, actor, meeting_id)
        body = calendar([calendar_event(meeting, deployment)], meeting.title)
        return calendar_download(f"termin-{meeting_id}.ics", body)
