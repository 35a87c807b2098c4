"""The debt plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

import pytest

from netzwerker.structuring import InvalidInput
from netzwerker.testing import check_workflow_walks
from netzwerker_debt.settings import DebtSettings
from netzwerker_debt.workflows import debt_counselling

CONFIG = """
[deployment]
name = "Jobcenter Test"
[plugins.health]
[plugins.debt]
[plugins.debt.settings]
crisis_days = 2
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=CONFIG, migrate=True)


def test_the_workflow_never_gets_stuck() -> None:
    check_workflow_walks(debt_counselling(DebtSettings()))


def test_settings_errors_name_their_path(make_deployment) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_deployment(toml=CONFIG.replace("crisis_days = 2", 'crisis_days = "soon"'))
    assert str(caught.value.problems[0]).startswith("plugins.debt.settings.crisis_days")


def test_a_crisis_goes_first_and_through_the_tiers(api) -> None:
    start = "/api/workflows/debt_counselling/runs"
    normal = api.post(start, json={"subject": "S-1", "person_id": api.network.coordinator.id})
    crisis = api.post(
        start,
        json={
            "subject": "S-2",
            "person_id": api.network.coordinator.id,
            "data": {"urgency": "eviction", "creditors": 7},
        },
    ).json()
    assert crisis["priority"] == 1 and normal.json()["priority"] == 0
    listed = api.get("/api/workflow-runs", params={"workflow": "debt_counselling"}).json()
    assert [i["subject"] for i in listed["items"]] == ["S-2", "S-1"]

    refused = api.post(
        f"/api/workflow-runs/{normal.json()['id']}/intervene",
        json={"partner_id": api.network.counselling.id},
    )
    assert refused.status_code == 409
    assert "urgent" in refused.json()["problems"][0]["message"]

    path = f"/api/workflow-runs/{crisis['id']}"
    moved = api.post(f"{path}/intervene", json={"partner_id": api.network.counselling.id})
    assert moved.status_code == 200, moved.text
    tasks = api.get("/api/tasks", params={"q": "Krisenintervention"}).json()["items"]
    assert tasks[0]["title"] == "Krisenintervention für S-2 (eviction)"
    assert tasks[0]["due_date"] == moved.json()["step_due_on"]
    for action in ("first_appointment", "attempt_settlement", "settle"):
        body = {"partner_id": api.network.counselling.id} if action == "first_appointment" else {}
        assert api.post(f"{path}/{action}", json=body).status_code == 200, action

    report = api.get("/api/indicators/report", params={"working_field": "debt"}).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["debt_crises_in_time"] == 100.0
    assert values["debt_settlements"] == 1
    assert values["debt_cases_counselling"] == 0
    assert values["debt_days_to_first_appointment"] < 1
