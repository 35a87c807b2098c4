"""Projects changed in the browser after they were recorded."""

from __future__ import annotations

import re

import pytest

from netzwerker.testing import ALL_PLUGINS_CONFIG, snapshot


@pytest.fixture
def deployment(make_deployment):
    """All five plugins: budget trainings are the debt plugin's project type."""
    return make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _recorded(web) -> str:
    answer = web.sign_in("coordinator").post(
        "/projects",
        {
            "key": "budget-2027",
            "title": "Budgettraining 2027",
            "project_type": "budget_training",
            "details.sessions": "6",
            "target_groups": "Alleinerziehende",
            "lead_partner_id": str(web.network.counselling.id),
            "partner_ids": [str(web.network.clinic.id)],
        },
        follow_redirects=False,
    )
    return answer.headers["location"]


def test_a_coordinator_changes_a_project(web):
    path = _recorded(web)
    coordinator = web.sign_in("coordinator")
    assert "Projekt ändern" in coordinator.get(path).text
    edit = coordinator.get(f"{path}/edit").text
    assert 'name="details.sessions"' in edit and 'value="6"' in edit
    assert 'value="Alleinerziehende"' in edit
    network = web.network
    form = {
        "version": _version(edit),
        "title": "Budgettraining 2027/28",
        "target_groups": "Alleinerziehende, Familien",
        "lead_partner_id": str(network.jobcenter.id),
        "partner_ids": [str(network.counselling.id), str(network.clinic.id)],
        "start_on": "2027-03-01",
        "end_on": "2027-01-31",
        "people_reached": "-2",
        "details.sessions": "acht",
    }
    before = snapshot(web.deployment)
    bad = web.sign_in("coordinator").post(path, form)
    assert bad.status_code == 422 and "Bitte eine ganze Zahl angeben." in bad.text
    assert 'value="Budgettraining 2027/28"' in bad.text
    form.update({"details.sessions": "8", "people_reached": "-2"})
    negative = coordinator.post(path, form)
    assert negative.status_code == 422 and 'id="end_on-error"' in negative.text
    assert "Das Ende liegt vor dem Beginn." in negative.text
    assert snapshot(web.deployment) == before

    form.update(end_on="2027-12-31", people_reached="40")
    assert coordinator.post(path, form, follow_redirects=False).status_code == 303
    page = coordinator.get(path).text
    assert "Das Projekt wurde gespeichert." in page and "Budgettraining 2027/28" in page
    assert "Jobcenter Teststadt (federführend)" in page and "Familien" in page

    before = snapshot(web.deployment)
    stale = coordinator.post(path, {**form, "title": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert 'value="Budgettraining 2027/28"' in stale.text and 'value="8"' in stale.text
    assert snapshot(web.deployment) == before


def test_only_coordinators_change_projects(web):
    path = _recorded(web)
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert "Projekt ändern" not in browser.get(path).text
        assert browser.get(f"{path}/edit").status_code == 403
        refused = browser.post(path, {"title": "x", "version": "1"})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
    assert snapshot(web.deployment) == before
