"""Circles founded and changed in the browser, with their members."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.circles.models import Circle, CirclePartner
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_a_coordinator_founds_and_changes_a_circle(web):
    coordinator = web.sign_in("coordinator")
    assert "Kreis gründen" in coordinator.get("/circles").text
    before = snapshot(web.deployment)
    bad = coordinator.post("/circles", {"key": "Jobcafé", "name": "", "founded_on": "gestern"})
    assert bad.status_code == 422
    assert "Nur Kleinbuchstaben" in bad.text and 'id="name-error"' in bad.text
    assert "Bitte ein Datum angeben" in bad.text and 'value="Jobcafé"' in bad.text
    assert snapshot(web.deployment) == before

    network = web.network
    answer = coordinator.post(
        "/circles",
        {
            "key": "jobcafe",
            "name": "Jobcafé Nord",
            "working_field": "health",
            "lead_partner_id": str(network.jobcenter.id),
            "partners": [str(network.clinic.id)],
            "people": [str(network.counsellor.id)],
            "active": "1",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = coordinator.get(answer.headers["location"]).text
    assert "Der Kreis wurde gegründet." in page
    assert "Fachklinik Teststadt" in page and "Tom Hilfe" in page
    with web.deployment.session() as session:
        circle = session.exec(select(Circle).where(Circle.key == "jobcafe")).one()
        members = {
            row.partner_id
            for row in session.exec(
                select(CirclePartner).where(CirclePartner.circle_id == circle.id)
            )
        }
    assert members == {network.jobcenter.id, network.clinic.id}, "the lead is a member too"

    edit = coordinator.get(f"/circles/{circle.id}/edit").text
    assert 'name="key"' not in edit and re.search(
        rf'<option value="{network.clinic.id}" selected>', edit
    )
    form = {
        "version": _version(edit),
        "name": "Jobcafé Nord-Ost",
        "lead_partner_id": str(network.jobcenter.id),
        "partners": [str(network.counselling.id)],
        "active": "1",
    }
    changed = coordinator.post(f"/circles/{circle.id}", form, follow_redirects=False)
    assert changed.status_code == 303
    page = coordinator.get(f"/circles/{circle.id}").text
    assert "Jobcafé Nord-Ost" in page and "Suchtberatung Teststadt" in page
    assert "Fachklinik Teststadt" not in page and "Tom Hilfe" not in page

    before = snapshot(web.deployment)
    stale = coordinator.post(f"/circles/{circle.id}", {**form, "name": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert 'value="Jobcafé Nord-Ost"' in stale.text
    assert snapshot(web.deployment) == before


def test_only_coordinators_found_and_change_circles(web):
    circle_id = web.network.circle.id
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert "Kreis gründen" not in browser.get("/circles").text
        assert "Kreis ändern" not in browser.get(f"/circles/{circle_id}").text
        assert browser.get("/circles/new").status_code == 403
        assert browser.get(f"/circles/{circle_id}/edit").status_code == 403
        refused = browser.post(f"/circles/{circle_id}", {"name": "x", "version": "1"})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        assert browser.post("/circles", {"key": "x", "name": "x"}).status_code == 403
    assert snapshot(web.deployment) == before


def _planned_meeting(browser, circle_id: int) -> int:
    answer = browser.post(
        f"/circles/{circle_id}/meetings",
        {"title": "Sitzung", "day": "2027-02-03", "starts": "14:00", "agenda": "Begrüßung"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_a_coordinator_reschedules_a_meeting_and_marks_it_held(web):
    coordinator = web.sign_in("coordinator")
    meeting_id = _planned_meeting(coordinator, web.network.circle.id)
    assert "Sitzung ändern" in coordinator.get(f"/meetings/{meeting_id}").text
    edit = coordinator.get(f"/meetings/{meeting_id}/edit").text
    assert 'value="14:00"' in edit and 'value="2027-02-03"' in edit, "local time, as planned"
    assert 'value="16:00"' in edit, "two hours by default"

    before = snapshot(web.deployment)
    form = {
        "version": _version(edit),
        "title": "",
        "day": "3.2.",
        "starts": "16:00",
        "ends": "15:00",
        "status": "planned",
    }
    bad = coordinator.post(f"/meetings/{meeting_id}", form)
    assert bad.status_code == 422 and 'id="title-error"' in bad.text
    assert "Bitte ein Datum angeben" in bad.text and 'value="16:00"' in bad.text
    assert snapshot(web.deployment) == before

    form = {
        **form,
        "title": "Sitzung im März",
        "day": "2027-03-10",
        "ends": "17:30",
        "location": "Rathaus",
        "agenda": "Begrüßung\nBerichte\n\nVerschiedenes",
        "status": "held",
    }
    changed = coordinator.post(f"/meetings/{meeting_id}", form, follow_redirects=False)
    assert changed.status_code == 303
    page = coordinator.get(f"/meetings/{meeting_id}").text
    assert "Die Sitzung wurde gespeichert." in page and "Sitzung im März" in page
    assert "<li>Berichte</li>" in page and "Rathaus" in page and "stattgefunden" in page
    assert "16:00" in page and "17:30" in page

    before = snapshot(web.deployment)
    stale = coordinator.post(f"/meetings/{meeting_id}", {**form, "title": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert 'value="Sitzung im März"' in stale.text
    assert snapshot(web.deployment) == before


def test_only_coordinators_change_meetings(web):
    meeting_id = _planned_meeting(web.sign_in("coordinator"), web.network.circle.id)
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert "Sitzung ändern" not in browser.get(f"/meetings/{meeting_id}").text
        assert browser.get(f"/meetings/{meeting_id}/edit").status_code == 403
        refused = browser.post(f"/meetings/{meeting_id}", {"title": "x", "version": "1"})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
    assert snapshot(web.deployment) == before
