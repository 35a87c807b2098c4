"""Workflow runs in the browser: started with the data their workflow keeps, moved step by
step with reasons and handovers, and read by the partners that handle them."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.testing import ALL_PLUGINS_CONFIG, snapshot


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)


def _version(page: str, action: str) -> str:
    form = re.search(rf'action="/runs/\d+/{action}".*?name="version" value="(\d+)"', page, re.S)
    return form.group(1)


def test_a_coordinator_starts_a_run_and_hands_it_over(web):
    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/runs").text
    assert "/workflows/debt_counselling/runs/new" in page
    form = coordinator.get("/workflows/debt_counselling/runs/new").text
    assert 'name="data.creditors"' in form and 'name="data.urgency"' in form
    assert "/workflows/task_lifecycle/runs/new" not in page, "internal workflows are not started"

    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/workflows/debt_counselling/runs",
        {"subject": "", "data.creditors": "viele", "data.urgency": "bald"},
    )
    assert bad.status_code == 422 and 'id="subject-error"' in bad.text
    assert 'id="data.creditors-error"' in bad.text and 'id="data.urgency-error"' in bad.text
    assert snapshot(web.deployment) == before

    started = coordinator.post(
        "/workflows/debt_counselling/runs",
        {"subject": "SB-2027-001", "data.creditors": "7", "data.urgency": "eviction"},
        follow_redirects=False,
    )
    assert started.status_code == 303
    path = started.headers["location"]
    page = coordinator.get(path).text
    assert "Der Ablauf ist begonnen: „angefragt“." in page and "Gestufte Schuldnerberatung" in page
    assert "Räumung droht" in page and "7" in page

    no_partner = coordinator.post(f"{path}/pre_sort", {"version": _version(page, "pre_sort")})
    assert no_partner.status_code == 422 and 'id="partner-pre_sort-error"' in no_partner.text
    no_reason = coordinator.post(f"{path}/close", {"version": _version(page, "close")})
    assert no_reason.status_code == 422 and 'id="reason-close-error"' in no_reason.text
    moved = coordinator.post(
        f"{path}/pre_sort",
        {"version": _version(page, "pre_sort"), "partner_id": str(web.network.counselling.id)},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    page = coordinator.get(path).text
    assert "jetzt „Vorsortierung“" in page and "Suchtberatung Teststadt" in page

    stale = coordinator.post(f"{path}/close", {"version": "1", "reason": "Umzug"})
    assert "inzwischen" in stale.text
    with web.deployment.session() as session:
        run = session.exec(select(WorkflowRun).where(WorkflowRun.subject == "SB-2027-001")).one()
    assert run.state == "pre_sorting", "a stale step writes nothing"


def test_partners_move_the_runs_they_hold_and_viewers_start_none(web):
    coordinator = web.sign_in("coordinator")
    path = coordinator.post(
        "/workflows/debt_counselling/runs",
        {"subject": "SB-2027-002", "partner_id": str(web.network.counselling.id)},
        follow_redirects=False,
    ).headers["location"]
    member = web.sign_in("partner_member")
    page = member.get(path).text
    assert "SB-2027-002" in page and "Nächste Schritte" in page
    assert "SB-2027-002" in member.get("/runs").text
    other = web.sign_in("other_member")
    assert other.get(path).status_code == 403
    assert "SB-2027-002" not in other.get("/runs").text
    before = snapshot(web.deployment)
    refused = other.post(f"{path}/close", {"reason": "x", "version": "1"})
    assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
    viewer = web.sign_in("viewer")
    assert "/runs/new" not in viewer.get("/runs").text
    assert "Nächste Schritte" not in viewer.get(path).text
    assert viewer.get("/workflows/debt_counselling/runs/new").status_code == 403
    assert viewer.post("/workflows/debt_counselling/runs", {"subject": "x"}).status_code == 403
    assert snapshot(web.deployment) == before
    closed = member.post(
        f"{path}/close",
        {"reason": "Umzug", "version": _version(page, "close")},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    assert "jetzt „beendet“" in member.get(path).text
