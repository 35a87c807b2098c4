"""The migration plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

import pytest

from netzwerker.structuring import InvalidInput
from netzwerker.testing import check_workflow_walks
from netzwerker_migration.settings import MigrationSettings
from netzwerker_migration.workflows import mediation

CONFIG = """
[deployment]
name = "Jobcenter Test"
[plugins.health]
[plugins.migration]
[plugins.migration.settings]
languages_covered = ["ar", "ru"]
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=CONFIG, migrate=True)


def test_the_workflow_never_gets_stuck() -> None:
    check_workflow_walks(mediation(MigrationSettings()))


def test_settings_errors_name_their_path(make_deployment) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_deployment(toml=CONFIG.replace('["ar", "ru"]', '["AR", 3]'))
    paths = {problem.path for problem in caught.value.problems}
    assert paths == {"plugins.migration.settings.languages_covered[1]"} or paths == {
        "plugins.migration.settings.languages_covered"
    }


def test_a_mediation_request_end_to_end(api) -> None:
    start = "/api/workflows/migration_mediation/runs"
    bad = api.post(start, json={"subject": "M-1", "data": {"language": "Arabisch"}})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "data.language"
    request = api.post(
        start, json={"subject": "M-1", "data": {"language": "ar", "setting": "Arztpraxis"}}
    ).json()
    api.post(start, json={"subject": "M-2", "data": {"language": "ti"}})
    path = f"/api/workflow-runs/{request['id']}"

    unmatched = api.post(f"{path}/match")
    assert unmatched.status_code == 409
    assert "data.mediator" in unmatched.json()["problems"][0]["message"]
    assert api.post(f"{path}/match", json={"data": {"mediator": "BB-07"}}).status_code == 200
    held = api.post(f"{path}/hold_appointment", json={"data": {"appointment_on": "2026-11-20"}})
    assert held.status_code == 200, held.text
    rated = api.post(f"{path}/give_feedback", json={"data": {"rating": 9}})
    assert rated.status_code == 422 and rated.json()["problems"][0]["field"] == "data.rating"
    done = api.post(f"{path}/give_feedback", json={"data": {"rating": 5}}).json()
    assert done["state"] == "feedback_given" and done["data"]["rating"] == 5

    report = api.get("/api/indicators/report", params={"working_field": "migration"}).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["migration_requests_in_time"] == 50.0  # one of two requests
    assert values["migration_languages_not_covered"] == 1  # Tigrinya
