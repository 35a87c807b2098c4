"""Goals and their targets set and changed in the browser, on their working field's page."""

from __future__ import annotations

import re

from netzwerker.config import GoalConfig
from netzwerker.domain.fields.services import _write_goal
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def test_a_coordinator_sets_and_changes_a_goal(web):
    coordinator = web.sign_in("coordinator")
    indicator = sorted(web.deployment.registry.indicators)[0]
    page = coordinator.get("/fields/health").text
    assert "Ziel setzen" in page
    form = {
        "key": "erstgespraeche",
        "title": "Mehr Erstgespräche",
        "indicator": indicator,
        "target": "1.250,5",
        "start": "2027-01-01",
        "end": "2026-06-30",
    }
    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/fields/health/goals", {**form, "key": "Erst Gespräche", "target": "viel"}
    )
    assert (
        bad.status_code == 422 and 'id="key-error"' in bad.text and 'id="target-error"' in bad.text
    )
    backwards = coordinator.post("/fields/health/goals", form)
    assert backwards.status_code == 422
    assert "Das Ende darf nicht vor dem Beginn liegen." in backwards.text
    assert snapshot(web.deployment) == before

    form["end"] = "2027-12-31"
    assert coordinator.post("/fields/health/goals", form, follow_redirects=False).status_code == 303
    page = coordinator.get("/fields/health").text
    assert "Das Ziel ist gesetzt." in page and "Mehr Erstgespräche" in page
    assert "1.250,5" in page

    edit = coordinator.get("/goals/erstgespraeche/edit").text
    assert 'value="2027-12-31"' in edit and 'name="key"' not in edit
    change = {**form, "version": _version(edit), "status": "achieved", "target": "900"}
    del change["key"]
    assert (
        coordinator.post("/goals/erstgespraeche", change, follow_redirects=False).status_code == 303
    )
    assert "erreicht" in coordinator.get("/fields/health").text
    before = snapshot(web.deployment)
    stale = coordinator.post("/goals/erstgespraeche", {**change, "title": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text and 'value="900' in stale.text
    assert snapshot(web.deployment) == before


def test_goals_of_deployment_toml_are_changed_there_and_others_cannot_set_goals(web):
    with web.deployment.transaction() as session:
        from datetime import date

        _write_goal(
            session,
            None,
            GoalConfig("erklaert", "health", "Erklärt", date(2027, 1, 1), date(2027, 12, 31)),
        )
    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/fields/health").text
    assert "in deployment.toml festgelegt" in page and "/goals/erklaert/edit" not in page
    before = snapshot(web.deployment)
    declared = coordinator.post(
        "/goals/erklaert",
        {
            "version": "1",
            "title": "Anders",
            "start": "2027-01-01",
            "end": "2027-12-31",
            "status": "active",
        },
    )
    assert declared.status_code == 422 and "wird dort geändert" in declared.text
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert "Ziel setzen" not in browser.get("/fields/health").text
        assert browser.get("/fields/health/goals/new").status_code == 403
        refused = browser.post("/fields/health/goals", {"key": "x", "title": "x"})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        assert browser.post("/goals/erklaert", {"title": "x"}).status_code == 403
    assert snapshot(web.deployment) == before


def test_a_coordinator_enters_a_manual_indicators_value(web):
    from sqlmodel import select

    from netzwerker.domain.indicators.models import IndicatorValue

    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/fields/health").text
    assert "Wert von Hand eintragen" in page and "health_self_help_groups" in page
    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/fields/health/values",
        {"indicator": "health_self_help_groups", "start": "2026-12-01", "end": "2026-11-30"},
    )
    assert bad.status_code == 422 and 'id="value-error"' in bad.text
    backwards = coordinator.post(
        "/fields/health/values",
        {
            "indicator": "health_self_help_groups",
            "start": "2026-12-01",
            "end": "2026-11-30",
            "value": "12",
        },
    )
    assert backwards.status_code == 422 and "Das Ende liegt vor dem Beginn." in backwards.text
    foreign = coordinator.post(
        "/fields/health/values",
        {"indicator": "health_referrals", "start": "2026-11-01", "end": "2026-11-30", "value": "3"},
    )
    assert foreign.status_code == 422 and 'id="indicator-error"' in foreign.text
    assert snapshot(web.deployment) == before
    for value in ("12", "14"):
        saved = coordinator.post(
            "/fields/health/values",
            {
                "indicator": "health_self_help_groups",
                "start": "2026-11-01",
                "end": "2026-11-30",
                "value": value,
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303
    with web.deployment.session() as session:
        stored = session.exec(select(IndicatorValue)).all()
    assert [v.value for v in stored] == [14], "entered again: corrected"
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert "Wert von Hand eintragen" not in browser.get("/fields/health").text
        assert browser.post("/fields/health/values", {"value": "1"}).status_code == 403


def test_a_coordinator_keeps_the_indicators_values_month_by_month(web):
    from sqlmodel import select

    from netzwerker.domain.indicators.models import IndicatorValue

    coordinator = web.sign_in("coordinator")
    assert "Werte der Kennzahlen festschreiben" in coordinator.get("/fields").text
    backwards = coordinator.post("/fields/readings", {"start": "2026-11-01", "end": "2026-10-31"})
    assert backwards.status_code == 422 and "endet, bevor er beginnt" in backwards.text
    kept = coordinator.post("/fields/readings", {"start": "2026-10-01", "end": "2026-11-30"})
    assert "Werte sind in den Zeitreihen der Kennzahlen gespeichert." in kept.text
    with web.deployment.session() as session:
        months = {value.period_start.month for value in session.exec(select(IndicatorValue))}
    assert months == {10, 11}
    viewer = web.sign_in("viewer")
    assert "Werte festschreiben" not in viewer.get("/fields").text
    assert (
        viewer.post("/fields/readings", {"start": "2026-10-01", "end": "2026-10-31"}).status_code
        == 403
    )
