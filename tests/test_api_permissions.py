"""Every role against every write endpoint: allowed (2xx), or 403 with nothing changed.

``partner_member`` works for the counselling service, which is responsible for the sample
task; ``other_member`` works for the clinic, which has nothing to do with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import attrs
import pytest

from netzwerker.testing import ROLES, Api, snapshot


@attrs.frozen
class Write:
    name: str
    allowed: frozenset[str]
    send: Callable[[Api, str], Any]
    #: Transitions an admin makes on the sample task first, so that the write is possible.
    prepare: tuple[str, ...] = ()

    def set_up(self, api: Api) -> None:
        for action in self.prepare:
            response = api.post(f"/api/tasks/{api.task_id}/{action}", "admin", json={"reason": "x"})
            assert response.status_code == 200, response.text


def _version(api: Api, path: str) -> int:
    return api.get(path, as_="admin").json()["version"]


def _user_id(api: Api, username: str) -> int:
    users = api.get("/api/users", as_="admin").json()
    return next(u["id"] for u in users if u["username"] == username)


def _task_body(api: Api) -> dict[str, Any]:
    return {
        "title": "Neue Aufgabe",
        "working_field": "health",
        "responsible_partner_id": api.network.clinic.id,
        "accountable_person_id": api.network.coordinator.id,
        "due_date": str(api.deployment.today() + timedelta(days=5)),
    }


MANAGERS = frozenset({"admin", "coordinator"})
RESPONSIBLE = MANAGERS | {"partner_member"}
TASK = "/api/tasks/{id}"

WRITES = [
    Write(
        "create partner",
        MANAGERS,
        lambda api, role: api.post(
            "/api/partners", role, json={"key": "tafel", "name": "Tafel", "kind": "charity"}
        ),
    ),
    Write(
        "own partner's phone",
        RESPONSIBLE,
        lambda api, role: api.patch(
            "/api/partners/suchtberatung",
            role,
            json={"phone": "0261 99", "version": _version(api, "/api/partners/suchtberatung")},
        ),
    ),
    Write(
        "own partner's name",
        MANAGERS,
        lambda api, role: api.patch(
            "/api/partners/suchtberatung",
            role,
            json={"name": "Umbenannt", "version": _version(api, "/api/partners/suchtberatung")},
        ),
    ),
    Write(
        "another partner's phone",
        MANAGERS | {"other_member"},
        lambda api, role: api.patch(
            "/api/partners/klinik",
            role,
            json={"phone": "0261 77", "version": _version(api, "/api/partners/klinik")},
        ),
    ),
    Write(
        "add contact",
        RESPONSIBLE,
        lambda api, role: api.post(
            "/api/partners/suchtberatung/contacts", role, json={"name": "Neue Beraterin"}
        ),
    ),
    Write(
        "change contact",
        RESPONSIBLE,
        lambda api, role: api.patch(
            f"/api/partners/suchtberatung/contacts/{api.network.counsellor.id}",
            role,
            json={"phone": "0261 55"},
        ),
    ),
    Write(
        "import partners",
        MANAGERS,
        lambda api, role: api.post(
            "/api/partners/import",
            role,
            files={"data": ("p.csv", "key;name;kind\ntafel;Tafel;charity\n")},
        ),
    ),
    Write(
        "create task",
        MANAGERS,
        lambda api, role: api.post("/api/tasks", role, json=_task_body(api)),
    ),
    Write(
        "task description",
        RESPONSIBLE,
        lambda api, role: api.patch(
            TASK.format(id=api.task_id),
            role,
            json={"description": "Ablauf", "version": _version(api, TASK.format(id=api.task_id))},
        ),
    ),
    Write(
        "task due date",
        MANAGERS,
        lambda api, role: api.patch(
            TASK.format(id=api.task_id),
            role,
            json={
                "due_date": str(api.deployment.today() + timedelta(days=40)),
                "version": _version(api, TASK.format(id=api.task_id)),
            },
        ),
    ),
    *(
        Write(
            f"task {action}",
            RESPONSIBLE,
            lambda api, role, action=action: api.post(
                f"/api/tasks/{api.task_id}/{action}", role, json={"reason": "keine Kapazität"}
            ),
        )
        for action in ("commit", "decline")
    ),
    *(
        Write(
            f"task {action}",
            RESPONSIBLE,
            lambda api, role, action=action: api.post(
                f"/api/tasks/{api.task_id}/{action}", role, json={"reason": "wartet auf Räume"}
            ),
            prepare=prepare,
        )
        for action, prepare in [
            ("start", ("commit",)),
            ("complete", ("commit",)),
            ("block", ("commit", "start")),
            ("resume", ("commit", "start", "block")),
        ]
    ),
    Write(
        "task cancel",
        MANAGERS,
        lambda api, role: api.post(
            f"/api/tasks/{api.task_id}/cancel", role, json={"reason": "entfällt"}
        ),
    ),
    Write(
        "set goal",
        MANAGERS,
        lambda api, role: api.post(
            "/api/goals",
            role,
            json={
                "key": "ziel",
                "working_field": "health",
                "title": "Ziel",
                "start": "2026-01-01",
                "end": "2026-12-31",
            },
        ),
    ),
    Write(
        "add user",
        frozenset({"admin"}),
        lambda api, role: api.post("/api/users", role, json={"username": "neu", "role": "viewer"}),
    ),
    Write(
        "disable user",
        frozenset({"admin"}),
        lambda api, role: api.patch(
            f"/api/users/{_user_id(api, 'viewer')}", role, json={"active": False, "version": 1}
        ),
    ),
    Write(
        "token for the coordinator",
        frozenset({"admin", "coordinator"}),
        lambda api, role: api.post(
            "/api/tokens", role, json={"name": "x", "user_id": _user_id(api, "coordinator")}
        ),
    ),
    Write(
        "revoke another user's token",
        frozenset({"admin", "viewer"}),
        lambda api, role: api.post(
            f"/api/tokens/{api.get('/api/tokens', as_='viewer').json()[0]['id']}/revoke", role
        ),
    ),
]

ALLOWED = [(w, role) for w in WRITES for role in ROLES if role in w.allowed]


@pytest.mark.parametrize(("write", "role"), ALLOWED, ids=[f"{w.name}-{r}" for w, r in ALLOWED])
def test_allowed(api: Api, write: Write, role: str) -> None:
    write.set_up(api)
    response = write.send(api, role)
    assert 200 <= response.status_code < 300, response.text


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_denied_roles_get_403_and_change_nothing(api: Api, write: Write) -> None:
    write.set_up(api)
    for role in ROLES:
        if role in write.allowed:
            continue
        before = snapshot(api.deployment)
        response = write.send(api, role)
        assert response.status_code == 403, f"{role}: {response.status_code} {response.text}"
        assert snapshot(api.deployment) == before, role
