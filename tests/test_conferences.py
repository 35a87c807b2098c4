"""Conferences: a waiting list that moves up, no overbooking under parallel requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from netzwerker.clock import utcnow
from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.conferences.services import (
    ConferenceDraft,
    RegistrationDraft,
    cancel,
    create_conference,
    register,
)
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Refused
from netzwerker.testing import running_server, snapshot


def _conference(api, capacity=50, **overrides):
    starts = utcnow() + timedelta(days=30)
    body = {
        "key": "fachtag-sucht",
        "title": "Fachtag Sucht und Arbeit",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=7)).isoformat(),
        "capacity": capacity,
        "venue": "Kurfürstliches Schloss Koblenz",
        **overrides,
    }
    created = api.post("/api/conferences", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def _person(number: int) -> dict:
    return {"name": f"Teilnehmerin {number}", "email": f"t{number}@example.org"}


def _assert_consistent(deployment, conference_id: int) -> None:
    with deployment.session() as session:
        conference = session.get(Conference, conference_id)
        seated = session.scalar(
            sa.select(sa.func.count()).where(
                Registration.conference_id == conference_id, Registration.status == "registered"
            )
        )
        waiting = session.scalar(
            sa.select(sa.func.count()).where(
                Registration.conference_id == conference_id, Registration.status == "waitlisted"
            )
        )
    assert conference.seats_taken == seated <= conference.capacity
    assert waiting == 0 or seated == conference.capacity


def test_sixty_registrations_for_fifty_seats_leave_ten_waiting(api) -> None:
    conference = _conference(api)
    path = f"/api/conferences/{conference['id']}"
    statuses = [
        api.post(f"{path}/registrations", json=_person(n)).json()["status"] for n in range(60)
    ]
    assert statuses.count("registered") == 50 and statuses.count("waitlisted") == 10
    read = api.get(path).json()
    assert (read["registered"], read["waitlisted"]) == (50, 10)

    listed = api.get(f"{path}/registrations").json()
    first_waiting = next(r for r in listed if r["status"] == "waitlisted")
    assert first_waiting["email"] == "t50@example.org"
    seated = listed[3]
    cancelled = api.post(f"{path}/registrations/{seated['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["moved_up"]["email"] == "t50@example.org"
    assert cancelled.json()["moved_up"]["status"] == "registered"
    read = api.get(path).json()
    assert (read["registered"], read["waitlisted"]) == (50, 9)
    again = api.post(f"{path}/registrations/{seated['id']}/cancel")
    assert again.status_code == 409
    # A second registration with the same address is refused; after cancelling, it may
    # register again, at the end of the queue.
    assert api.post(f"{path}/registrations", json=_person(1)).status_code == 409
    back = api.post(f"{path}/registrations", json=_person(3))
    assert back.status_code == 201 and back.json()["status"] == "waitlisted"
    _assert_consistent(api.deployment, conference["id"])


def test_more_seats_move_people_up_and_fewer_than_taken_are_refused(api) -> None:
    conference = _conference(api, capacity=2)
    path = f"/api/conferences/{conference['id']}"
    for number in range(4):
        api.post(f"{path}/registrations", json=_person(number))
    fewer = api.patch(path, json={"capacity": 1, "version": conference["version"]})
    assert fewer.status_code == 422 and fewer.json()["problems"][0]["field"] == "capacity"
    more = api.patch(path, json={"capacity": 3, "version": conference["version"]})
    assert more.status_code == 200, more.text
    assert (more.json()["registered"], more.json()["waitlisted"]) == (3, 1)
    _assert_consistent(api.deployment, conference["id"])


def test_registration_window_check_in_and_exports(api) -> None:
    closed = _conference(
        api, key="vorbei", registration_closes_at=(utcnow() - timedelta(days=1)).isoformat()
    )
    late = api.post(f"/api/conferences/{closed['id']}/registrations", json=_person(1))
    assert late.status_code == 409 and "closed" in late.json()["detail"]

    conference = _conference(api, capacity=1)
    path = f"/api/conferences/{conference['id']}"
    seat = api.post(f"{path}/registrations", json={**_person(1), "organisation": "Caritas"})
    waiting = api.post(f"{path}/registrations", json=_person(2)).json()
    assert api.post(f"{path}/registrations/{waiting['id']}/check-in").status_code == 409
    checked = api.post(f"{path}/registrations/{seat.json()['id']}/check-in")
    assert checked.status_code == 200 and checked.json()["checked_in_at"]
    with api.deployment.session() as session:
        audited = session.exec(
            select(AuditEvent.action).where(AuditEvent.object_id == str(conference["id"]))
        ).all()
    assert audited.count("registration.create") == 2 and "registration.check_in" in audited

    participants = api.get(f"{path}/export.csv").text.splitlines()
    assert participants[0].startswith("Name,Organisation,E-Mail,Status,Warteplatz")
    assert participants[2].split(",")[3:5] == ["Warteliste", "1"]
    badges = api.get(f"{path}/export.csv", params={"list": "badges"}).text.splitlines()
    assert badges == ["Name,Organisation", "Teilnehmerin 1,Caritas"]
    attendance = api.get(f"{path}/export.csv", params={"list": "attendance"}).text
    assert "Teilnehmerin 1,Caritas,ja," in attendance
    assert api.get(f"{path}/export.csv", "partner_member").status_code == 403
    assert api.get(f"{path}/export.csv", params={"list": "x"}).status_code == 400

    # The indicators count days of the deployment's time zone.
    zone = ZoneInfo(api.deployment.config.deployment.timezone)
    start = datetime.fromisoformat(conference["starts_at"]).astimezone(zone).date().isoformat()
    report = api.get("/api/indicators/report", params={"from": start, "to": start}).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    # Both conferences of this test start that day; one participant was checked in.
    assert values["conferences_held"] == 2 and values["conference_attendance"] == 1

    ics = api.get(f"{path}/calendar.ics")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert str(event["location"]) == "Kurfürstliches Schloss Koblenz"


def test_partner_members_register_and_cancel_their_own_people_only(api) -> None:
    conference = _conference(api)
    path = f"/api/conferences/{conference['id']}/registrations"
    own = api.post(path, "partner_member", json=_person(1))
    assert own.status_code == 201 and own.json()["partner_id"] == api.network.counselling.id
    other = api.post(
        path, "partner_member", json={**_person(2), "partner_id": api.network.clinic.id}
    )
    assert other.status_code == 403
    assert api.post(path, "viewer", json=_person(3)).status_code == 403
    assert api.post(f"{path}/{own.json()['id']}/cancel", "other_member").status_code == 403
    assert api.get(path, "other_member").json() == []
    assert api.post(f"{path}/{own.json()['id']}/cancel", "partner_member").status_code == 200


def test_bad_registrations_are_refused_and_store_nothing(api) -> None:
    conference = _conference(api)
    path = f"/api/conferences/{conference['id']}/registrations"
    before = snapshot(api.deployment)
    bad = api.post(path, json={"name": " ", "email": "keine-adresse"})
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"name", "email"}
    assert (
        api.post(path, json={"name": "A", "email": "a@b.de", "partner_id": 999}).status_code == 422
    )
    assert api.post("/api/conferences/999/registrations", json=_person(1)).status_code == 404
    assert snapshot(api.deployment) == before
    bad_conference = api.post(
        "/api/conferences",
        json={
            "key": "x",
            "title": "X",
            "starts_at": "2026-12-01T10:00",
            "ends_at": "morgen",
            "capacity": 0,
        },
    )
    assert {p["field"] for p in bad_conference.json()["problems"]} == {"ends_at", "capacity"}


def test_parallel_registrations_never_overbook(api) -> None:
    """Sixty people register at once through a real server: fifty seats, ten waiting."""
    conference = _conference(api)
    headers = api.headers("coordinator")
    path = f"/api/conferences/{conference['id']}/registrations"
    with (
        running_server(api.deployment.folder) as server,
        httpx.Client(base_url=server.address, headers=headers, timeout=30) as client,
    ):

        def attempt(number: int) -> int:
            return client.post(path, json=_person(number)).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            codes = list(pool.map(attempt, range(60)))
        assert codes == [201] * 60
        listed = client.get(path).json()
        seated = [r for r in listed if r["status"] == "registered"]

        def withdraw(registration: dict) -> int:
            return client.post(f"{path}/{registration['id']}/cancel").status_code

        with ThreadPoolExecutor(max_workers=5) as pool:
            assert list(pool.map(withdraw, seated[:5])) == [200] * 5

        # One address, six times at once: one registration, five refusals, no error.
        with ThreadPoolExecutor(max_workers=6) as pool:
            same = list(pool.map(lambda _: attempt(999), range(6)))
        assert sorted(same) == [201] + [409] * 5
    statuses = [r["status"] for r in api.get(path).json()]
    assert statuses.count("registered") == 50 and statuses.count("waitlisted") == 6
    _assert_consistent(api.deployment, conference["id"])


@settings(
    max_examples=15,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    capacity=st.integers(1, 4),
    steps=st.lists(st.tuples(st.booleans(), st.integers(0, 7)), max_size=25),
)
def test_seats_always_match_the_registrations(deployment, capacity, steps) -> None:
    """Whatever registers and cancels in whatever order, the seats taken equal the
    registrations holding one, never exceed the capacity, and nobody waits for a free seat."""
    key = f"k{abs(hash((capacity, tuple(steps)))) % 10**9}"
    with deployment.transaction() as session:
        starts = utcnow() + timedelta(days=3)
        conference = create_conference(
            session,
            deployment,
            ConferenceDraft("T", starts, starts + timedelta(hours=1), capacity, key=key),
            actor=Actor.operator("test"),
        )
    for is_registration, person in steps:
        with deployment.transaction() as session:
            if is_registration:
                try:
                    register(
                        session,
                        conference.id,
                        RegistrationDraft(f"P{person}", f"p{person}@example.org"),
                        actor=Actor.operator("test"),
                    )
                except Refused:  # registered already
                    session.rollback()
                    continue
            else:
                found = session.scalar(
                    sa.select(Registration.id).where(
                        Registration.conference_id == conference.id,
                        Registration.email == f"p{person}@example.org",
                        Registration.status != "cancelled",
                    )
                )
                if found is not None:
                    cancel(session, conference.id, found, actor=Actor.operator("test"))
        _assert_consistent(deployment, conference.id)


def test_the_registration_desk_exports_from_the_command_line(api) -> None:
    from click.testing import CliRunner

    from netzwerker.cli import cli

    conference = _conference(api, capacity=1)
    path = f"/api/conferences/{conference['id']}/registrations"
    api.post(path, json={**_person(1), "organisation": "Tafel"})
    api.post(path, json=_person(2))
    folder = str(api.deployment.folder)
    badges = CliRunner().invoke(
        cli, ["conference", "export", folder, "fachtag-sucht", "--list", "badges"]
    )
    assert badges.exit_code == 0 and badges.output == "Name,Organisation\nTeilnehmerin 1,Tafel\n"
    unknown = CliRunner().invoke(cli, ["conference", "export", folder, "gibt-es-nicht"])
    assert unknown.exit_code == 1 and "gibt-es-nicht" in unknown.output
