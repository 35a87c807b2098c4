"""The health plugin's page: staff trainings listed and recorded in the browser."""

from __future__ import annotations

from sqlmodel import select

from netzwerker.testing import snapshot
from netzwerker_health.models import HealthTraining


def test_a_coordinator_records_a_training(web):
    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/health/trainings").text
    assert "Noch keine Schulungen erfasst." in page and "Schulung erfassen" in page
    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/health/trainings", {"title": "", "held_on": "gestern", "participants": "-3"}
    )
    assert bad.status_code == 422 and 'id="title-error"' in bad.text
    assert "Bitte ein Datum angeben" in bad.text and 'value="-3"' in bad.text
    assert snapshot(web.deployment) == before
    saved = coordinator.post(
        "/health/trainings",
        {
            "title": "Sucht erkennen",
            "held_on": "2026-11-20",
            "participants": "18",
            "topic": "Sucht",
            "trainer": "suchtberatung",
        },
    )
    assert "Die Schulung „Sucht erkennen“ ist erfasst." in saved.text
    assert "Suchtberatung Teststadt" in saved.text
    with web.deployment.session() as session:
        assert session.exec(select(HealthTraining)).one().participants == 18


def test_others_read_the_trainings_but_record_none(web):
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        page = browser.get("/health/trainings").text
        assert "Schulungen zu Gesundheitsthemen" in page and "Schulung erfassen" not in page
        refused = browser.post("/health/trainings", {"title": "x", "held_on": "2026-11-20"})
        assert refused.status_code == 403
    assert snapshot(web.deployment) == before
