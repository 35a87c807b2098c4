"""``netzwerker serve`` as a real process, spoken to over HTTP on a loopback port."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from netzwerker.testing import WEB_PASSWORD, Api, running_server, web_network


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


def _answers_everywhere(address: str, path: str, status: int) -> bool:
    """Whether 40 requests in a row, each on a connection of its own (so the workers share
    them), answer ``status``."""
    return all(httpx.get(f"{address}{path}").status_code == status for _ in range(40))


def _wait_until_everywhere(address: str, path: str, status: int) -> None:
    # Bounded by a minute for a loaded machine; the workers check every second.
    for _ in range(120):
        if _answers_everywhere(address, path, status):
            return
        time.sleep(0.5)
    pytest.fail(f"{path} did not answer {status} in every worker")


def test_a_plugin_switched_on_in_the_browser_reaches_every_worker(deployment) -> None:
    web_network(deployment)
    with running_server(deployment.folder, workers=2) as server:
        address = server.address
        assert _answers_everywhere(address, "/single_parents/caseloads", 404)
        admin = httpx.Client(base_url=address)
        admin.get("/login")
        signed_in = admin.post(
            "/login",
            data={
                "username": "admin",
                "password": WEB_PASSWORD,
                "_csrf_token": admin.cookies["netzwerker_csrf"],
            },
        )
        assert signed_in.status_code == 303
        switched = admin.post(
            "/admin/plugins/single_parents/switch",
            data={"to": "on", "_csrf_token": admin.cookies["netzwerker_csrf"]},
        )
        assert switched.status_code == 303
        # Without a session the page asks to sign in: it exists in every worker.
        _wait_until_everywhere(address, "/single_parents/caseloads", 303)
        assert admin.get("/single_parents/caseloads").status_code == 200
        admin.post(
            "/admin/plugins/single_parents/switch",
            data={"to": "off", "_csrf_token": admin.cookies["netzwerker_csrf"]},
        )
        _wait_until_everywhere(address, "/single_parents/caseloads", 404)
    assert "plugins now enabled: health, single_parents" in server.output


def _spin(until: float) -> None:
    while time.monotonic() < until:
        pass


def test_two_workers_stay_up_on_a_machine_whose_cores_are_all_busy(api: Api) -> None:
    """Every core busy with other work while the workers start and serve: no request fails
    and the supervisor replaces no worker (its ping waits for a busy worker)."""
    import multiprocessing
    import os

    cores = os.cpu_count() or 2
    busy = [
        multiprocessing.Process(target=_spin, args=(time.monotonic() + 120,), daemon=True)
        for _ in range(2 * cores)
    ]
    for process in busy:
        process.start()
    try:
        with (
            running_server(api.deployment.folder, workers=2) as server,
            httpx.Client(base_url=server.address, headers=api.headers("coordinator")) as client,
        ):
            answers = [
                client.get("/api/tasks" if number % 2 else "/login", timeout=60).status_code
                for number in range(120)
            ]
    finally:
        for process in busy:
            process.terminate()
    assert answers == [200] * 120
    assert "died" not in server.output and "failed to start" not in server.output, server.output


def test_behind_a_trusted_proxy_failed_sign_ins_count_for_the_client(make_deployment) -> None:
    from sqlmodel import select

    from netzwerker.domain.users.models import SignInThrottle
    from netzwerker.testing import MINIMAL_CONFIG

    deployment = make_deployment(
        toml=MINIMAL_CONFIG + '\n[web]\ntrusted_proxies = ["127.0.0.1"]\n', migrate=True
    )
    with (
        running_server(deployment.folder) as server,
        httpx.Client(base_url=server.address) as proxy,
    ):
        proxy.get("/login")
        for client in ("203.0.113.9", "198.51.100.20"):
            answer = proxy.post(
                "/login",
                data={
                    "username": "sabine",
                    "password": "geraten",
                    "_csrf_token": proxy.cookies["netzwerker_csrf"],
                },
                headers={"X-Forwarded-For": client},
            )
            assert answer.status_code == 401
    with deployment.session() as session:
        keys = sorted(row.key for row in session.exec(select(SignInThrottle)))
    assert keys == [
        "account:sabine@198.51.100.20",
        "account:sabine@203.0.113.9",
        "address:198.51.100.20",
        "address:203.0.113.9",
    ]
