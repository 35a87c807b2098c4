"""The health plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

from datetime import date

from netzwerker.contributions import Period
from netzwerker_health.models import HealthTraining
from netzwerker_health.settings import HealthSettings

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


def test_contributions(deployment) -> None:
    registry = deployment.registry
    assert registry.working_fields["health"].source == "health"
    assert (
        registry.partner_kinds["addiction_counselling"].value.name
        == "Sucht- und Drogenberatungsstelle"
    )
    assert deployment.plugin_settings("health") == HealthSettings(max_wait_days=14)


def test_staff_trained_indicator(deployment) -> None:
    with deployment.transaction() as session:
        session.add_all(
            [
                HealthTraining(
                    title="Alkohol im Beratungsgespräch", held_on=date(2026, 3, 1), participants=12
                ),
                HealthTraining(title="Substitution", held_on=date(2026, 9, 1), participants=8),
                HealthTraining(title="Vorjahr", held_on=date(2025, 9, 1), participants=30),
            ]
        )
    indicator = deployment.registry.indicators["health_staff_trained"].value
    with deployment.session() as session:
        assert indicator.measure(session, YEAR, {}) == 20.0


def test_settings_shape_the_waiting_indicator(make_deployment) -> None:
    deployment = make_deployment(
        toml="""
        [deployment]
        name = "Jobcenter Test"
        [plugins.health.settings]
        max_wait_days = 30
        """
    )
    indicator = deployment.registry.indicators["health_waiting_too_long"].value
    assert indicator.label == "Gesundheitsaufgaben mehr als 30 Tage überfällig"


def test_trainings_through_the_api(api) -> None:
    body = {"title": "Alkohol im Beratungsgespräch", "held_on": "2026-03-01", "participants": 12}
    created = api.post("/api/health/trainings", json=body)
    assert created.status_code == 201, created.text
    assert api.post("/api/health/trainings", "partner_member", json=body).status_code == 403
    bad = api.post(
        "/api/health/trainings", json={**body, "participants": -1, "trainer": "gibt-es-nicht"}
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"participants"}
    listed = api.get("/api/health/trainings", "viewer").json()
    assert [t["participants"] for t in listed] == [12]
