"""The transnational plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.testing import check_workflow_walks
from netzwerker_transnational.settings import TransnationalSettings
from netzwerker_transnational.workflows import exchange

CONFIG = """
[deployment]
name = "Jobcenter Test"
[plugins.health]
[plugins.transnational]
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=CONFIG, migrate=True)


def test_the_workflow_never_gets_stuck() -> None:
    check_workflow_walks(exchange(TransnationalSettings()))


def test_a_stay_abroad_end_to_end(api) -> None:
    start = "/api/workflows/transnational_exchange/runs"
    bad = api.post(start, json={"subject": "T-1", "data": {"country": "Polen"}})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "data.country"
    case = api.post(start, json={"subject": "T-1", "data": {"country": "PL"}}).json()
    path = f"/api/workflow-runs/{case['id']}"
    for action in ("select", "prepare"):
        assert api.post(f"{path}/{action}").status_code == 200
    assert api.post(f"{path}/depart", json={"partner_id": api.network.clinic.id}).status_code == 200
    assert api.post(f"{path}/return").status_code == 409  # no day of return
    back = (api.deployment.today() - timedelta(days=10)).isoformat()
    assert api.post(f"{path}/return", json={"data": {"returned_on": back}}).status_code == 200
    early = api.post(f"{path}/check_outcome", json={"data": {"outcome": "work"}})
    assert early.status_code == 409
    assert "6 months after the return" in early.json()["problems"][0]["message"]

    long_ago = (api.deployment.today() - timedelta(days=200)).isoformat()
    checked = api.post(
        f"{path}/check_outcome", json={"data": {"outcome": "work", "returned_on": long_ago}}
    )
    assert checked.status_code == 200, checked.text

    report = api.get("/api/indicators/report", params={"working_field": "transnational"}).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["transnational_participants"] == 1
    assert values["transnational_countries"] == 1
    assert values["transnational_completion_rate"] == 100.0
    assert values["transnational_placed_after_return"] == 100.0
    by_country = api.get("/api/transnational/countries", "viewer").json()
    assert by_country == [{"country": "PL", "participants": 1}]
    result = CliRunner().invoke(cli, ["transnational", "countries", str(api.deployment.folder)])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["PL", "1"]
