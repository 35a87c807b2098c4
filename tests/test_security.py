"""What an outside tester tries: headers on every answer, bodies that are no JSON or no
text, and an access log that records what the client got."""

from __future__ import annotations

import json
import logging

import pytest
from litestar.testing import TestClient

from netzwerker.app import SwitchingApp
from netzwerker.http.headers import CONTENT_POLICY
from netzwerker.testing import MINIMAL_CONFIG


def _answers(client, token: str) -> dict[str, object]:
    auth = {"Authorization": f"Bearer {token}"}
    return {
        "page": client.get("/login"),
        "api": client.get("/api/tasks", headers=auth),
        "refused": client.get("/api/tasks"),
        "missing": client.get("/api/nothing"),
        "missing page": client.get("/nirgends"),
        "probe": client.get("/health"),
    }


def test_every_answer_carries_the_security_headers(api):
    for name, answer in _answers(api.client, api.tokens["coordinator"]).items():
        headers = answer.headers
        assert headers["content-security-policy"] == CONTENT_POLICY, name
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff", name
        assert headers["referrer-policy"] == "no-referrer", name
        assert headers["cache-control"] == "no-store", name
        assert "strict-transport-security" not in headers, "only behind HTTPS"
    static = api.client.get("/login").text.split('href="/static/web/netzwerker.css')[1]
    stylesheet = api.client.get("/static/web/netzwerker.css" + static.split('"')[0])
    assert "immutable" in stylesheet.headers["cache-control"], "hashed files stay cacheable"
    documentation = api.client.get("/schema/swagger")
    assert "'unsafe-inline'" in documentation.headers["content-security-policy"]


def test_behind_https_browsers_are_told_to_stay_on_it(make_deployment):
    from netzwerker.app import create_app

    deployment = make_deployment(
        toml=MINIMAL_CONFIG + "\n[web]\nsecure_cookies = true\n", migrate=True
    )
    with TestClient(create_app(deployment)) as client:
        answer = client.get("/login")
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b'{"title": "\\ud800"}', "title", "lone surrogate"),
        (b'{"title": "ok", "parties": {"x": ["\\udfff"]}}', "parties.x[0]", "lone surrogate"),
        (b"[" * 10_000 + b"]" * 10_000, "body", "nests deeper than 32 levels"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, "body", "nests deeper than 32 levels"),
        (b'{"title": ', "body", "not valid JSON"),
    ],
)
def test_a_body_that_is_no_json_or_no_text_is_a_400_with_a_sentence(api, body, field, words):
    before = api.client.get(
        "/api/tasks", headers={"Authorization": f"Bearer {api.tokens['admin']}"}
    ).json()["total"]
    answer = api.post("/api/tasks", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    (problem,) = answer.json()["problems"]
    assert problem["field"] == field and words in problem["message"]
    after = api.client.get(
        "/api/tasks", headers={"Authorization": f"Bearer {api.tokens['admin']}"}
    ).json()["total"]
    assert after == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_only_a_body_said_to_be_json_is_read_as_json(api, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    answer = api.post("/api/partners", content=b'{"key": "x", "name": "X"}', headers=headers)
    assert answer.status_code == 415
    assert answer.json()["detail"] == "send the body as JSON: 'Content-Type: application/json'"
    assert (
        api.post("/api/partners", json={"key": "x", "name": "X", "kind": "other"}).status_code < 300
    )


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_access_log_records_the_status_the_client_got(make_deployment):
    from netzwerker.domain.users.models import Role
    from netzwerker.domain.users.services import UserDraft, add_user, create_token
    from netzwerker.testing import OPERATOR

    deployment = make_deployment(toml=MINIMAL_CONFIG, migrate=True)
    with deployment.transaction() as session:
        user = add_user(session, UserDraft("sabine", Role.COORDINATOR), actor=OPERATOR)
        token = create_token(session, user, "test", actor=OPERATOR).secret
        user_id = user.id
    kept = Kept()
    access = logging.getLogger("netzwerker.access")
    access.addHandler(kept)
    access.setLevel(logging.INFO)
    with TestClient(SwitchingApp(deployment, interval=3600)) as client:
        _answers(client, token)
        client.post(
            "/api/tasks",
            content=b'{"secret": "Frau Muster"}',
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    access.removeHandler(kept)
    lines = [json.loads(line) for line in kept.lines]
    seen = {(line["path"], line["status"], line["user_id"]) for line in lines}
    assert seen == {
        ("/login", 200, None),
        ("/api/tasks", 200, user_id),
        ("/api/tasks", 401, None),
        ("/api/nothing", 404, None),
        ("/nirgends", 404, None),
        ("/health", 200, None),
        ("/api/tasks", 422, user_id),
    }
    assert all("Frau Muster" not in line for line in kept.lines), "logged without its body"


@pytest.mark.parametrize("length", [301, 1_000_000])
def test_a_text_longer_than_its_column_is_named_alike_on_every_database(api, length):
    """The same 422 naming the field on SQLite (which would store it) and PostgreSQL (which
    refuses it without a name); nothing is stored."""
    body = {
        "title": "x" * length,
        "working_field": "health",
        "responsible_partner_id": api.network.counselling.id,
        "accountable_person_id": api.network.coordinator.id,
        "due_date": str(api.deployment.today()),
    }
    created = api.post("/api/tasks", json=body)
    assert created.status_code == 422
    assert created.json()["problems"] == [
        {"field": "title", "message": f"at most 300 characters, got {length:,}"}
    ]
    assert api.get("/api/tasks").json()["total"] == 1
    changed = api.patch(f"/api/tasks/{api.task_id}", json={"title": "y" * length, "version": 1})
    assert changed.status_code == 422 and changed.json()["problems"][0]["field"] == "title"
    assert api.get(f"/api/tasks/{api.task_id}").json()["title"] != "y" * length


def test_a_form_names_a_text_too_long_in_german(web):
    coordinator = web.sign_in("coordinator")
    answer = coordinator.post(
        "/partners",
        {"key": "lang", "name": "N" * 250, "kind": "other"},
    )
    assert answer.status_code == 422
    assert "Bitte kürzen Sie diesen Text auf höchstens 200 Zeichen." in answer.text
