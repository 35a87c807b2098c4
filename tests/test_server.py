"""``netzwerker serve`` as a real process, spoken to over HTTP on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from netzwerker.testing import Api, running_server


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    with running_server(api.deployment.folder) as process:
        yield process.address
    # One JSON line per request, without the partner's search words or the token.
    assert '"path": "/api/partners"' in process.output
    assert "Tafel" not in process.output and api.tokens["coordinator"] not in process.output


def test_a_real_server_process_serves_the_api(api: Api, server: str) -> None:
    coordinator = httpx.Client(base_url=server, headers=api.headers("coordinator"))
    member = httpx.Client(base_url=server, headers=api.headers("partner_member"))
    assert httpx.get(f"{server}/ready").json()["status"] == "ok"
    assert httpx.get(f"{server}/schema/swagger").status_code == 200

    created = coordinator.post(
        "/api/partners", json={"key": "tafel", "name": "Tafel Teststadt", "kind": "charity"}
    )
    assert created.status_code == 201
    assert coordinator.get("/api/partners", params={"q": "Tafel"}).json()["total"] == 1
    task = coordinator.post(
        "/api/tasks",
        json={
            "title": "Lebensmittelausgabe für Neukundinnen öffnen",
            "working_field": "health",
            "responsible_partner_id": api.network.counselling.id,
            "accountable_person_id": api.network.coordinator.id,
            "due_date": str(api.deployment.today() + timedelta(days=7)),
        },
    ).json()
    assert member.post(f"/api/tasks/{task['id']}/commit").json()["status"] == "committed"
    assert member.post(f"/api/tasks/{task['id']}/complete").json()["status"] == "done"
    stale = coordinator.patch(f"/api/tasks/{task['id']}", json={"title": "x", "version": 1})
    assert stale.status_code == 409
    assert httpx.get(f"{server}/api/tasks").status_code == 401
