"""Conferences planned and changed in the browser: dates, seats and cancelling."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


CONFERENCE = {
    "key": "fachtag-2027",
    "title": "Fachtag Gesundheit",
    "starts_at": "2027-05-12T09:00",
    "ends_at": "2027-05-12T16:00",
    "venue": "Stadthalle",
    "capacity": "1",
    "working_field": "health",
}


def test_a_coordinator_plans_a_conference_and_changes_its_seats(web):
    coordinator = web.sign_in("coordinator")
    assert "Konferenz planen" in coordinator.get("/conferences").text
    assert 'type="datetime-local"' in coordinator.get("/conferences/new").text

    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/conferences",
        {**CONFERENCE, "key": "", "starts_at": "morgen", "capacity": "0"},
    )
    assert bad.status_code == 422
    assert 'id="key-error"' in bad.text and "Bitte Datum und Uhrzeit angeben." in bad.text
    assert 'value="morgen"' in bad.text
    backwards = coordinator.post("/conferences", {**CONFERENCE, "ends_at": "2027-05-11T16:00"})
    assert backwards.status_code == 422 and "Das Ende liegt vor dem Beginn." in backwards.text
    assert snapshot(web.deployment) == before

    planned = coordinator.post("/conferences", CONFERENCE, follow_redirects=False)
    assert planned.status_code == 303
    path = planned.headers["location"]
    page = coordinator.get(path).text
    assert "Die Konferenz ist geplant" in page and "Fachtag Gesundheit" in page
    assert "12.05.27, 09:00" in page, "the time as entered, local"
    for name in ("Anna", "Ben"):
        coordinator.post(f"{path}/registrations", {"name": name, "email": f"{name}@example.org"})

    edit = coordinator.get(f"{path}/edit").text
    assert 'value="2027-05-12T09:00"' in edit and 'name="key"' not in edit
    form = {**CONFERENCE, "version": _version(edit), "capacity": "0"}
    del form["key"]
    fewer = coordinator.post(path, form)
    assert fewer.status_code == 422 and 'id="capacity-error"' in fewer.text
    form["capacity"] = "2"
    assert coordinator.post(path, form, follow_redirects=False).status_code == 303
    with web.deployment.session() as session:
        conference = session.exec(select(Conference).where(Conference.key == "fachtag-2027")).one()
        statuses = sorted(
            r.status
            for r in session.exec(
                select(Registration).where(Registration.conference_id == conference.id)
            )
        )
    assert statuses == ["registered", "registered"], "Ben moved up with the new seat"

    before = snapshot(web.deployment)
    stale = coordinator.post(path, {**form, "title": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert 'value="Fachtag Gesundheit"' in stale.text and 'value="2"' in stale.text
    assert snapshot(web.deployment) == before

    cancelled = coordinator.post(
        path, {**form, "version": str(conference.version), "cancelled": "1"}, follow_redirects=False
    )
    assert cancelled.status_code == 303
    assert "abgesagt" in coordinator.get("/conferences").text


def test_only_coordinators_plan_and_change_conferences(web):
    coordinator = web.sign_in("coordinator")
    path = coordinator.post("/conferences", CONFERENCE, follow_redirects=False).headers["location"]
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert "Konferenz planen" not in browser.get("/conferences").text
        assert "Konferenz ändern" not in browser.get(path).text
        assert browser.get("/conferences/new").status_code == 403
        assert browser.get(f"{path}/edit").status_code == 403
        refused = browser.post(path, {"title": "x", "version": "1"})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        assert browser.post("/conferences", CONFERENCE).status_code == 403
    assert snapshot(web.deployment) == before
