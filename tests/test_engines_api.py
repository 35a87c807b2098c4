"""The engines through the API: a workflow case end to end, projects with funding, indicators."""

from __future__ import annotations

from datetime import date, timedelta

from netzwerker.testing import snapshot

CHAIN = "/api/workflows/health_addiction_chain/runs"


def _start(api, **overrides):
    body = {"subject": "F-2026-001", "data": {"substance": "alcohol"}, **overrides}
    return api.post(CHAIN, json=body)


def test_workflow_definitions_are_listed_with_states_and_waits(api) -> None:
    listed = {w["key"]: w for w in api.get("/api/workflows", "viewer").json()}
    chain = listed["health_addiction_chain"]
    assert chain["source"] == "health" and chain["initial"] == "identified"
    states = {s["key"]: s for s in chain["states"]}
    assert states["referred"]["max_days"] == 14 and states["work"]["final"]
    assert listed["project"]["internal"] and listed["task"]["internal"]


def test_a_case_moves_through_the_addiction_chain(api) -> None:
    started = _start(api)
    assert started.status_code == 201, started.text
    case = started.json()
    assert case["state"] == "identified" and case["working_field"] == "health"
    assert case["data"] == {
        "substance": "alcohol",
        "legal_domains": [],
        "substitution": False,
        "note": "",
    }
    path = f"/api/workflow-runs/{case['id']}"
    assert api.post(f"{path}/give_consent").json()["state"] == "consent"

    no_partner = api.post(f"{path}/refer")
    assert no_partner.status_code == 422
    assert no_partner.json()["problems"][0]["field"] == "partner_id"

    referred = api.post(
        f"{path}/refer",
        json={"partner_id": api.network.counselling.id, "data": {"legal_domains": ["SGB II"]}},
    )
    assert referred.status_code == 200, referred.text
    assert referred.json()["partner_id"] == api.network.counselling.id
    step_due = date.fromisoformat(referred.json()["step_due_on"])
    assert step_due == api.deployment.today() + timedelta(days=14)

    # The referral gave the counselling service a task, accountable to the addiction circle.
    tasks = api.get("/api/tasks", params={"partner_id": api.network.counselling.id}).json()
    first_contact = [t for t in tasks["items"] if t["origin"].endswith(":first_contact")]
    assert first_contact[0]["title"] == "Erstkontakt für F-2026-001 anbieten"
    assert first_contact[0]["accountable_circle_id"] == api.network.circle.id

    # The counselling service sees and moves the case; the clinic does not see it.
    assert api.get(path, "partner_member").status_code == 200
    assert api.get(path, "other_member").status_code == 403
    listed = api.get("/api/workflow-runs", "other_member").json()
    assert listed["items"] == []
    moved = api.post(f"{path}/first_contact", "partner_member", json={"reason": "Termin 3.12."})
    assert moved.status_code == 200 and moved.json()["state"] == "first_contact"

    illegal = api.post(f"{path}/place")
    assert illegal.status_code == 409
    assert "not allowed in state 'first_contact'" in illegal.json()["problems"][0]["message"]
    no_reason = api.post(f"{path}/drop")
    assert no_reason.status_code == 422
    assert api.post(f"{path}/drop", "viewer", json={"reason": "x"}).status_code == 403

    conference = api.post(f"{path}/convene").json()
    assert conference["state"] == "case_conference"
    for action in ("activate", "place"):
        assert api.post(f"{path}/{action}").status_code == 200
    done = api.get(path).json()
    assert done["state"] == "work" and done["closed_at"] is not None and done["allowed"] == []

    history = api.get(f"{path}/history", "partner_member").json()
    assert [e["action"] for e in history] == [
        "start",
        "give_consent",
        "refer",
        "first_contact",
        "convene",
        "activate",
        "place",
    ]
    assert history[2]["changes"]["partner_id"] == [None, api.network.counselling.id]
    assert history[3]["actor"] == "partner-member" and history[3]["reason"] == "Termin 3.12."

    report = api.get("/api/indicators/report", params={"working_field": "health"}).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["health_referrals_made"] == 1
    assert values["health_referrals_arrived"] == 1
    assert values["health_case_conferences"] == 1
    assert 0 <= values["health_days_to_first_contact"] < 1


def test_bad_case_input_is_refused_with_paths_and_changes_nothing(api) -> None:
    before = snapshot(api.deployment)
    bad = _start(api, subject=" ", partner_id=999, data={"substance": "tea", "colour": "x"})
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert fields == {"subject", "partner_id", "data.substance", "data.colour"}
    assert api.post("/api/workflows/project/runs", json={"subject": "x"}).status_code == 409
    assert api.post("/api/workflows/nope/runs", json={"subject": "x"}).status_code == 404
    assert api.post(CHAIN, "partner_member", json={"subject": "x"}).status_code == 403
    assert api.post(CHAIN, as_=None, json={"subject": "x"}).status_code == 401
    assert snapshot(api.deployment) == before


def test_overdue_steps_are_listed(api) -> None:
    case = _start(api).json()
    listed = api.get("/api/workflow-runs", params={"overdue": True}).json()
    assert listed["total"] == 0
    with api.deployment.transaction() as session:
        from netzwerker.domain.workflows.models import WorkflowRun

        stored = session.get(WorkflowRun, case["id"])
        stored.step_due_on = api.deployment.today() - timedelta(days=1)
    listed = api.get("/api/workflow-runs", params={"overdue": True}).json()
    assert [i["id"] for i in listed["items"]] == [case["id"]]
    assert listed["items"][0]["step_overdue"] is True


def _project(api, as_="coordinator", **overrides):
    body = {
        "key": "alkohol-praevention",
        "title": "Alkoholprävention im Jobcenter",
        "project_type": "prevention_offer",
        "details": {"topic": "Alkohol", "sessions": 6},
        "target_groups": ["Langzeitarbeitslose"],
        "partners": [{"partner_id": api.network.counselling.id, "role": "lead"}],
        "people_reached": 40,
    }
    return api.post("/api/projects", as_, json={**body, **overrides})


def test_a_project_goes_from_idea_to_end_with_funding(api) -> None:
    created = _project(api)
    assert created.status_code == 201, created.text
    project = created.json()
    assert project["status"] == "idea" and project["working_field"] == "health"
    assert project["details"] == {"topic": "Alkohol", "setting": "", "sessions": 6, "places": 0}
    path = f"/api/projects/{project['id']}"
    assert api.post(f"{path}/conceive").json()["status"] == "concept"

    refused = api.post(f"{path}/apply_for_funding")
    assert refused.status_code == 409
    assert "funding application" in refused.json()["problems"][0]["message"]

    funding = api.post(
        f"{path}/funding",
        json={"source": "esf", "programme": "ESF Plus", "requested": "48000.50"},
    )
    assert funding.status_code == 201, funding.text
    funding_path = f"{path}/funding/{funding.json()['id']}"
    assert api.post(funding_path, json={"action": "submit"}).json()["status"] == "submitted"
    assert api.post(f"{path}/apply_for_funding").json()["status"] == "funding_applied"
    partial = api.post(funding_path, json={"action": "grant_partially"})
    assert partial.status_code == 422 and partial.json()["problems"][0]["field"] == "granted"
    granted = api.post(
        funding_path, json={"action": "grant_partially", "granted": 30000, "on": "2026-03-01"}
    )
    assert granted.status_code == 200, granted.text
    assert float(granted.json()["granted"]) == 30000

    for action, status in (("launch", "running"), ("evaluate", "evaluated"), ("close", "ended")):
        assert api.post(f"{path}/{action}").json()["status"] == status
    history = api.get(f"{path}/history").json()
    assert [e["to_state"] for e in history][-1] == "ended"

    report = api.get(
        "/api/indicators/report", params={"from": "2026-01-01", "to": "2026-12-31"}
    ).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["funds_acquired"] == 30000
    assert values["health_prevention_participants"] == 40


def test_project_input_is_checked_against_its_type(api) -> None:
    assert _project(api).status_code == 201
    before = snapshot(api.deployment)
    bad = _project(
        api,
        project_type="prevention_offer",
        details={"sessions": -1},
        partners=[{"partner_id": 999, "role": "boss"}],
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert "partners[0].role" in fields
    unknown = _project(api, key="neu", project_type="space_travel")
    assert unknown.status_code == 422
    assert unknown.json()["problems"][0]["field"] == "project_type"
    details = _project(api, key="neu", details={"sessions": -1})
    assert {p["field"] for p in details.json()["problems"]} == {"details.topic", "details.sessions"}
    assert _project(api).json()["problems"][0]["field"] == "key"  # exists already
    assert _project(api, key="neu", as_="partner_member").status_code == 403
    assert snapshot(api.deployment) == before


def test_projects_are_listed_and_changed_with_versions(api) -> None:
    project = _project(api).json()
    listed = api.get("/api/projects", "viewer", params={"status": "idea"}).json()
    assert [p["key"] for p in listed["items"]] == ["alkohol-praevention"]
    assert api.get("/api/projects", params={"status": "running"}).json()["total"] == 0
    path = f"/api/projects/{project['id']}"
    stale = api.patch(path, json={"title": "Neu", "version": project["version"] + 5})
    assert stale.status_code == 409
    changed = api.patch(
        path,
        json={
            "title": "Alkohol und Arbeit",
            "target_groups": ["U25"],
            "version": project["version"],
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["target_groups"] == ["U25"]
    types = {t["key"]: t for t in api.get("/api/project-types").json()}
    assert {"name": "topic", "type": "str", "required": True} in types["prevention_offer"][
        "details"
    ]


def test_manual_and_stored_indicator_values(api) -> None:
    entered = api.post(
        "/api/indicators/health_self_help_groups/values",
        json={"start": "2026-01-01", "end": "2026-03-31", "value": 11},
    )
    assert entered.status_code == 201, entered.text
    assert entered.json()["scope"] == "working_field=health"
    api.post(
        "/api/indicators/health_self_help_groups/values",
        json={"start": "2026-04-01", "end": "2026-06-30", "value": 13},
    )
    report = api.get(
        "/api/indicators/report", params={"from": "2026-01-01", "to": "2026-12-31"}
    ).json()
    values = {r["indicator"]: r for r in report["readings"]}
    assert values["health_self_help_groups"]["value"] == 13  # the latest counts
    assert values["health_self_help_groups"]["manual"] is True

    computed = api.post(
        "/api/indicators/tasks_overdue/values",
        json={"start": "2026-01-01", "end": "2026-03-31", "value": 1},
    )
    assert computed.status_code == 409
    assert (
        api.post(
            "/api/indicators/health_self_help_groups/values",
            "partner_member",
            json={"start": "2026-01-01", "end": "2026-03-31", "value": 1},
        ).status_code
        == 403
    )

    stored = api.post(
        "/api/indicators/compute",
        json={
            "start": "2026-01-01",
            "end": "2026-03-31",
            "every": "month",
            "indicators": ["tasks_overdue", "health_referrals_made"],
        },
    )
    assert stored.status_code == 200, stored.text
    assert stored.json()["stored"] == 6
    series = api.get("/api/indicators/tasks_overdue/values").json()
    assert [v["period_start"] for v in series] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    again = api.post(
        "/api/indicators/compute",
        json={"start": "2026-01-01", "end": "2026-01-31", "indicators": ["tasks_overdue"]},
    )
    assert again.json()["stored"] == 1
    assert len(api.get("/api/indicators/tasks_overdue/values").json()) == 3  # replaced
    unknown = api.post(
        "/api/indicators/compute",
        json={"start": "2026-01-01", "end": "2026-01-31", "indicators": ["nope"]},
    )
    assert unknown.status_code == 422
