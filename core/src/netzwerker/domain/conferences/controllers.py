"""``/api/conferences``: events, registrations with a waiting list, check-in, exports."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.clock import utcnow
from netzwerker.deployment import Deployment
from netzwerker.domain.conferences.schemas import (
    CancelOut,
    CancelRequest,
    ConferenceOut,
    RegistrationOut,
    conference_answers,
)
from netzwerker.domain.conferences.services import (
    EXPORTS,
    ConferenceChanges,
    ConferenceDraft,
    RegistrationDraft,
    calendar_event,
    cancel,
    check_in,
    create_conference,
    export_rows,
    find_conferences,
    get_conference,
    register,
    registrations,
    update_conference,
)
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem
from netzwerker.http import bodies
from netzwerker.http.answers import Answers
from netzwerker.http.bodies import Update, versioned
from netzwerker.http.files import calendar_download, csv_download
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Limit, Offset
from netzwerker.ical import calendar


def conference_list_file(
    deployment: Deployment, actor: Actor, conference_id: int, kind: str
) -> Response[Any]:
    """One of a conference's lists as a CSV download (for the API and the web interface)."""
    if kind not in EXPORTS:
        raise InvalidInput([Problem("list", f"one of {', '.join(EXPORTS)}")])
    timezone = deployment.config.deployment.timezone
    with deployment.session() as session:
        conference = get_conference(session, conference_id)
        rows = export_rows(session, conference_id, kind, timezone, actor=actor)
    return csv_download(f"{conference.key}-{kind}.csv", EXPORTS[kind], rows)


CONFERENCES = Answers(conference_answers)


class ConferenceController(Controller):
    path = "/api/conferences"
    tags = ("conferences",)

    @get("/", sync_to_thread=False, summary="Conferences, latest first")
    def list_conferences(
        self,
        deployment: CurrentDeployment,
        working_field: FromQuery[str | None] = None,
        upcoming: FromQuery[bool] = False,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> OffsetPagination[ConferenceOut]:
        return CONFERENCES.page(
            deployment,
            lambda session: find_conferences(
                session,
                working_field=working_field,
                upcoming_from=utcnow() if upcoming else None,
                limit=limit,
                offset=offset,
            ),
            limit=limit,
            offset=offset,
        )

    @post(
        "/",
        dto=bodies.Body[ConferenceDraft],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CONFERENCE_PLAN),
    )
    def create(
        self, data: JSONBody[ConferenceDraft], deployment: CurrentDeployment, actor: CurrentActor
    ) -> Response[ConferenceOut]:
        """Plan a conference (coordinators); times without an offset are local time."""
        return CONFERENCES.created(
            deployment, lambda session: create_conference(session, deployment, data, actor=actor)
        )

    @get("/{conference_id:int}", sync_to_thread=False)
    def read(
        self, conference_id: FromPath[int], deployment: CurrentDeployment
    ) -> Response[ConferenceOut]:
        return CONFERENCES.read(deployment, lambda session: get_conference(session, conference_id))

    @patch(
        "/{conference_id:int}",
        dto=bodies.Changes[ConferenceChanges],
        return_dto=None,
        sync_to_thread=False,
        guards=permitted(permissions.CONFERENCE_CHANGE),
    )
    def update(
        self,
        conference_id: FromPath[int],
        data: JSONBody[Update],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[ConferenceOut]:
        """Change a conference; more seats move people up from the waiting list."""
        return CONFERENCES.written(
            deployment,
            lambda session: update_conference(
                session,
                deployment,
                conference_id,
                data.values,
                actor=actor,
                expected_version=data.version,
            ),
        )

    @get("/{conference_id:int}/registrations", sync_to_thread=False)
    def list_registrations(
        self,
        conference_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        status: FromQuery[str | None] = None,
    ) -> list[RegistrationOut]:
        """Seats, then the waiting list in order; partner members see their partner's."""
        with deployment.session() as session:
            found = registrations(session, conference_id, actor=actor, status=status)
        return [RegistrationOut.of(item) for item in found]

    @post(
        "/{conference_id:int}/registrations",
        dto=bodies.Body[RegistrationDraft],
        return_dto=None,
        sync_to_thread=False,
        summary="Register: a seat if one is free, else the waiting list",
        guards=permitted(permissions.CONFERENCE_REGISTER),
    )
    def register(
        self,
        conference_id: FromPath[int],
        data: JSONBody[RegistrationDraft],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> Response[RegistrationOut]:
        with deployment.transaction() as session:
            body = RegistrationOut.of(register(session, conference_id, data, actor=actor))
        return versioned(body, 201)

    @post(
        "/{conference_id:int}/registrations/{registration_id:int}/cancel",
        dto=bodies.Body[CancelRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Cancel; the first on the waiting list moves up",
        guards=permitted(permissions.CONFERENCE_REGISTER),
    )
    def cancel(
        self,
        conference_id: FromPath[int],
        registration_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        data: JSONBody[CancelRequest | None] = None,
    ) -> CancelOut:
        with deployment.transaction() as session:
            cancelled, moved_up = cancel(
                session,
                conference_id,
                registration_id,
                actor=actor,
                expected_version=data.version if data else None,
            )
            return CancelOut(
                RegistrationOut.of(cancelled),
                RegistrationOut.of(moved_up) if moved_up else None,
            )

    @post(
        "/{conference_id:int}/registrations/{registration_id:int}/check-in",
        sync_to_thread=False,
        status_code=200,
        summary="Check a participant in at the door",
        guards=permitted(permissions.CONFERENCE_CHECK_IN),
    )
    def check_in(
        self,
        conference_id: FromPath[int],
        registration_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> RegistrationOut:
        with deployment.transaction() as session:
            return RegistrationOut.of(
                check_in(session, conference_id, registration_id, actor=actor)
            )

    @get("/{conference_id:int}/export.csv", sync_to_thread=False, summary="Lists as CSV")
    def export(
        self,
        conference_id: FromPath[int],
        deployment: CurrentDeployment,
        actor: CurrentActor,
        list_: Annotated[
            str,
            QueryParameter(
                name="list", pattern="^(participants|badges|attendance)$", required=False
            ),
        ] = "participants",
    ) -> Response[Any]:
        """``participants`` (with the waiting list), ``badges`` or ``attendance``."""
        return conference_list_file(deployment, actor, conference_id, list_)

    @get("/{conference_id:int}/calendar.ics", sync_to_thread=False, summary="iCalendar file")
    def calendar(
        self, conference_id: FromPath[int], deployment: CurrentDeployment
    ) -> Response[Any]:
        with deployment.session() as session:
            conference = get_conference(session, conference_id)
        body = calendar([calendar_event(conference, deployment)], conference.title)
        return calendar_download(f"{conference.key}.ics", body)
