"""The single-parents plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.domain.partners.models import Person
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import check_workflow_walks, snapshot
from netzwerker_single_parents.settings import SingleParentsSettings
from netzwerker_single_parents.workflows import coaching

CONFIG = """
[deployment]
name = "Jobcenter Test"
[plugins.health]
[plugins.single_parents]
[plugins.single_parents.settings]
max_households_per_coach = 2
{over_limit}
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=CONFIG.format(over_limit=""), migrate=True)


def test_the_workflow_never_gets_stuck() -> None:
    check_workflow_walks(coaching(SingleParentsSettings()))


def test_settings_errors_name_their_path(make_deployment) -> None:
    from netzwerker.structuring import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        make_deployment(toml=CONFIG.format(over_limit='over_limit = "ignore"'))
    assert caught.value.problems[0].path == "plugins.single_parents.settings.over_limit"


def _household(api, reference, **overrides):
    body = {"reference": reference, "coach_person_id": api.network.coordinator.id, "town": "Ahlen"}
    return api.post("/api/single_parents/households", json={**body, **overrides})


def test_the_caseload_limit_refuses_a_third_household(api) -> None:
    assert _household(api, "BG-1").status_code == 201
    assert _household(api, "BG-2").status_code == 201
    before = snapshot(api.deployment)
    refused = _household(api, "BG-3")
    assert refused.status_code == 409
    assert "limit 2" in refused.json()["detail"]
    assert snapshot(api.deployment) == before
    loads = api.get("/api/single_parents/caseloads").json()
    assert loads == [
        {
            "coach_person_id": api.network.coordinator.id,
            "coach": "Sabine Netz",
            "households": 2,
            "limit": 2,
            "over": False,
        }
    ]
    assert api.get("/api/single_parents/caseloads", "partner_member").status_code == 403
    # The households are core cases: the core's caseloads and case list show them.
    core = api.get("/api/caseloads", params={"role": "coach"}).json()
    assert [(load["person_id"], load["open_cases"]) for load in core] == [
        (api.network.coordinator.id, 2)
    ]
    listed = api.get("/api/cases", params={"pseudonym": "BG-1"}).json()["items"]
    assert listed[0]["kind"] == "household" and listed[0]["working_field"] == "single_parents"
    duplicate = _household(api, "BG-1", coach_person_id=999)
    assert {p["field"] for p in duplicate.json()["problems"]} == {"reference", "coach_person_id"}


def test_a_flagging_deployment_takes_the_household_and_flags_it(make_deployment) -> None:
    from netzwerker.testing import migrate_deployment, sample_network
    from netzwerker_single_parents import services

    deployment = make_deployment(toml=CONFIG.format(over_limit='over_limit = "flag"'))
    migrate_deployment(deployment)
    with deployment.transaction() as session:
        coach = sample_network(session).coordinator
        flags = [
            services.add_household(
                session,
                deployment,
                services.HouseholdDraft(f"BG-{n}", coach.id),
                actor=Actor.operator("t"),
            ).over_caseload
            for n in range(3)
        ]
    assert flags == [False, False, True]


def test_a_household_is_coached_to_its_exit(api) -> None:
    household = _household(api, "BG-7", children=2).json()
    coaching_path = f"/api/workflow-runs/{household['coaching_id']}"
    case = api.get(coaching_path).json()
    assert case["workflow"] == "single_parents_coaching" and case["subject"] == "BG-7"
    assert api.post(f"{coaching_path}/analyse").status_code == 200
    consult = api.post(f"{coaching_path}/consult", json={"partner_id": api.network.jobcenter.id})
    assert consult.status_code == 200, consult.text
    for action in ("plan", "activate"):
        assert api.post(f"{coaching_path}/{action}").status_code == 200
    steps = api.post(f"{coaching_path}/follow_up", json={"data": {"childcare_arranged": True}})
    assert steps.json()["data"]["childcare_arranged"] is True
    assert api.post(f"{coaching_path}/exit").json()["state"] == "exit"

    household_path = f"/api/single_parents/households/{household['id']}"
    barrier = api.post(
        f"{household_path}/barriers",
        json={"kind": "childcare", "noted_on": "2026-11-02", "step": "Antrag Kita-Platz"},
    )
    assert barrier.status_code == 201, barrier.text
    bad = api.post(f"{household_path}/barriers", json={"kind": "weather", "noted_on": "x"})
    assert {p["field"] for p in bad.json()["problems"]} == {"kind", "noted_on"}
    assert (
        api.post(
            f"{household_path}/sponsorships",
            json={"sponsor": "Patin A.", "started_on": "2026-10-01"},
        ).status_code
        == 201
    )
    left = api.post(f"{household_path}/left-benefits", json={"on": "2026-11-15"})
    assert left.status_code == 200

    report = api.get(
        "/api/indicators/report",
        params={"working_field": "single_parents", "from": "2026-01-01", "to": "2026-12-31"},
    ).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["single_parents_households_coached"] == 1
    assert values["single_parents_left_benefits"] == 1
    assert values["single_parents_childcare_arranged"] == 1
    assert values["single_parents_barriers_found"] == 1
    assert values["single_parents_caseload"] is None  # nobody in open coaching
    kinds = api.get("/api/single_parents/barriers", params={"from": "2026-01-01"}).json()
    assert kinds == [{"kind": "childcare", "barriers": 1}]


def test_the_commands(api) -> None:
    folder = str(api.deployment.folder)
    with api.deployment.session() as session:
        coach = session.get(Person, api.network.coordinator.id)
    runner = CliRunner()
    added = runner.invoke(
        cli, ["single-parents", "add-household", folder, "BG-9", "--coach", str(coach.id)]
    )
    assert added.exit_code == 0, added.output
    loads = runner.invoke(cli, ["single-parents", "caseloads", folder])
    assert "Sabine Netz" in loads.output and "1 / 2" in loads.output
    again = runner.invoke(
        cli, ["single-parents", "add-household", folder, "BG-9", "--coach", str(coach.id)]
    )
    assert again.exit_code == 1 and "exists already" in again.output
