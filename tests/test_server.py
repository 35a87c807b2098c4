"""``netzwerker serve`` as a real process, spoken to over HTTP on a loopback port."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from netzwerker.testing import Api


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(api: Api) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "netzwerker",
            "serve",
            str(api.deployment.folder),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail(f"the server stopped: {process.stdout.read()}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{address}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer within 10 s")
        yield address
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output, _ = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    # One JSON line per request, without the partner's search words or the token.
    assert '"path": "/api/partners"' in output
    assert "Tafel" not in output and api.tokens["coordinator"] not in output


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
