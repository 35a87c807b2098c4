"""Circles and their meetings through the API: decisions become tasks on the report."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from netzwerker.testing import snapshot


def _circle(api, **overrides):
    net = api.network
    body = {
        "key": "ak-gesundheit",
        "name": "Arbeitskreis Gesundheit",
        "lead_partner_id": net.jobcenter.id,
        "partners": [net.clinic.id, net.counselling.id],
        "people": [net.counsellor.id],
        "founded_on": "2026-02-01",
        "working_field": "health",
        **overrides,
    }
    return api.post("/api/circles", json=body)


def _meeting(api, circle_id, **overrides):
    body = {
        "circle_id": circle_id,
        "title": "Sitzung Arbeitskreis Gesundheit",
        "starts_at": "2026-12-03T14:00",
        "location": "Jobcenter, Raum 2.14",
        "agenda": ["Wartezeiten Suchtberatung", "Fachtag 2027"],
        **overrides,
    }
    return api.post("/api/meetings", json=body)


def test_a_circle_keeps_its_lead_among_its_members(api) -> None:
    created = _circle(api)
    assert created.status_code == 201, created.text
    circle = created.json()
    net = api.network
    assert sorted(circle["partners"]) == sorted(
        [net.jobcenter.id, net.clinic.id, net.counselling.id]
    )
    assert circle["people"] == [net.counsellor.id] and circle["founded_on"] == "2026-02-01"

    listed = api.get("/api/circles", "partner_member", params={"partner_id": net.clinic.id})
    assert [c["key"] for c in listed.json()["items"]] == ["ak-gesundheit"]

    changed = api.patch(
        f"/api/circles/{circle['id']}",
        json={"partners": [net.clinic.id], "version": circle["version"]},
    )
    assert changed.status_code == 200, changed.text
    assert sorted(changed.json()["partners"]) == sorted([net.jobcenter.id, net.clinic.id])
    report = api.get(
        "/api/indicators/report", params={"from": "2026-01-01", "to": "2026-12-31"}
    ).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["circles_founded"] == 1


def test_bad_circles_are_refused_with_every_problem_and_nothing_stored(api) -> None:
    before = snapshot(api.deployment)
    bad = _circle(api, key="Not A Key", partners=[999, 999], people=[12345], working_field="x")
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert fields >= {"key"}
    bad = _circle(api, partners=[999, 999], people=[12345], working_field="x")
    fields = {p["field"] for p in bad.json()["problems"]}
    assert {"partners", "partners[0]", "people[0]", "working_field"} <= fields
    assert api.post("/api/circles", "partner_member", json={}).status_code in (403, 422)
    assert snapshot(api.deployment) == before


def test_a_meeting_invites_the_members_and_its_decisions_become_tasks(api) -> None:
    net = api.network
    circle = _circle(api).json()
    created = _meeting(api, circle["id"])
    assert created.status_code == 201, created.text
    meeting = created.json()
    invited = {(p["partner_id"], p["person_id"]) for p in meeting["participants"]}
    assert (net.counselling.id, net.counsellor.id) in invited
    assert (net.clinic.id, None) in invited and (net.jobcenter.id, None) in invited
    # Local time in, UTC out: 14:00 in Berlin in December is 13:00 UTC, two hours long.
    assert meeting["starts_at"].startswith("2026-12-03T13:00")
    assert meeting["ends_at"].startswith("2026-12-03T15:00")

    # Attendance and minutes.
    attendance = [
        {"partner_id": net.counselling.id, "person_id": net.counsellor.id, "attended": True},
        {"partner_id": net.clinic.id, "attended": False},
        {"partner_id": net.jobcenter.id, "attended": True},
    ]
    held = api.patch(
        f"/api/meetings/{meeting['id']}",
        json={
            "participants": attendance,
            "minutes": "Wartezeiten besprochen.",
            "status": "held",
            "version": meeting["version"],
        },
    )
    assert held.status_code == 200, held.text
    assert {p["partner_id"]: p["attended"] for p in held.json()["participants"]} == {
        net.counselling.id: True,
        net.clinic.id: False,
        net.jobcenter.id: True,
    }

    due = (api.deployment.today() - timedelta(days=1)).isoformat()
    decision = api.post(
        f"/api/meetings/{meeting['id']}/decisions",
        json={
            "text": "Die Suchtberatung bietet Erstgespräche binnen 14 Tagen an.",
            "task": {
                "title": "Erstgespräche binnen 14 Tagen sicherstellen",
                "responsible_partner_id": net.counselling.id,
                "due_date": due,
                "informed": [net.clinic.id],
            },
        },
    )
    assert decision.status_code == 201, decision.text
    task_id = decision.json()["task_id"]
    task = api.get(f"/api/tasks/{task_id}").json()
    assert task["origin"] == f"meeting:{meeting['id']}"
    assert task["accountable_circle_id"] == circle["id"]
    assert task["working_field"] == "health"

    # The decision's task is overdue, so it appears on the accountability report.
    report = api.get("/api/reports/accountability", params={"by": "partner"}).json()
    row = next(r for r in report["rows"] if r["key"] == "suchtberatung")
    assert row["overdue"] >= 1
    decisions = api.get(f"/api/meetings/{meeting['id']}").json()["decisions"]
    assert [d["seq"] for d in decisions] == [1] and decisions[0]["task_id"] == task_id


def test_a_decision_with_a_bad_task_stores_nothing(api) -> None:
    circle = _circle(api).json()
    meeting = _meeting(api, circle["id"]).json()
    before = snapshot(api.deployment)
    bad = api.post(
        f"/api/meetings/{meeting['id']}/decisions",
        json={
            "text": "x",
            "task": {"title": "t", "responsible_partner_id": 999, "due_date": "2026-01-01"},
        },
    )
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["field"] == "task.responsible_partner_id"
    assert api.post(f"/api/meetings/{meeting['id']}/decisions", json={"text": 5}).status_code == 422
    assert snapshot(api.deployment) == before


def test_meetings_export_to_icalendar_and_partner_members_see_their_own(api) -> None:
    net = api.network
    circle = _circle(api, partners=[net.counselling.id]).json()
    meeting = _meeting(api, circle["id"]).json()
    ics = api.get(f"/api/meetings/{meeting['id']}/calendar.ics", "partner_member")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert str(event["summary"]) == "Sitzung Arbeitskreis Gesundheit"
    assert event.decoded("dtstart").isoformat().startswith("2026-12-03T13:00")
    feed = api.get(f"/api/circles/{circle['id']}/calendar.ics")
    assert len(icalendar.Calendar.from_ical(feed.content).walk("VEVENT")) == 1
    # The clinic is not in this circle and not invited.
    assert api.get(f"/api/meetings/{meeting['id']}", "other_member").status_code == 403
    assert api.get("/api/meetings", "other_member").json()["total"] == 0
    assert api.get("/api/meetings", "partner_member").json()["total"] == 1
    assert api.post("/api/meetings", "partner_member", json={}).status_code in (403, 422)


def test_a_moved_meeting_keeps_its_length(api) -> None:
    circle = _circle(api).json()
    meeting = _meeting(api, circle["id"], ends_at="2026-12-03T17:00").json()
    moved = api.patch(
        f"/api/meetings/{meeting['id']}",
        json={"starts_at": "2026-12-10T09:00", "version": meeting["version"]},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_at"].startswith("2026-12-10T08:00")
    assert moved.json()["ends_at"].startswith("2026-12-10T11:00")
    early = api.patch(
        f"/api/meetings/{meeting['id']}",
        json={"ends_at": "2026-12-10T07:00", "version": moved.json()["version"]},
    )
    assert early.status_code == 422 and early.json()["problems"][0]["field"] == "ends_at"
