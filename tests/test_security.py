"""What an outside tester tries: headers on every answer, bodies that are no JSON or no
text, and an access log that records what the client got."""

from __future__ import annotations

import json
import logging

import pytest
from litestar.testing import TestClient

from netzwerker.app import SwitchingApp
from netzwerker.clock import utcnow
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
    kept, refused = Kept(), Kept()
    access = logging.getLogger("netzwerker.access")
    access.addHandler(kept)
    access.setLevel(logging.INFO)
    security = logging.getLogger("netzwerker.security")
    security.addHandler(refused)
    with TestClient(SwitchingApp(deployment, interval=3600)) as client:
        _answers(client, token)
        client.post(
            "/api/tasks",
            content=b'{"secret": "Frau Muster"}',
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    access.removeHandler(kept)
    security.removeHandler(refused)
    assert [json.loads(line)["event"] for line in refused.lines] == ["not signed in"]
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


def _attempt(browser, username: str, password: str):
    return browser.post(
        "/login",
        {"username": username, "password": password, "next": "/"},
        follow_redirects=False,
    )


def test_wrong_passwords_lock_the_account_from_that_address_until_an_admin_lifts_it(web):
    from datetime import timedelta

    from sqlmodel import select

    from netzwerker.domain.audit.models import AuditEvent
    from netzwerker.domain.users.models import SignInThrottle
    from netzwerker.domain.users.throttle import PAIR_FAILURES
    from netzwerker.testing import WEB_PASSWORD

    stranger = web.anonymous()
    answers = [_attempt(stranger, "coordinator", f"geraten-{n}").status_code for n in range(8)]
    assert answers[: PAIR_FAILURES - 1] == [401] * (PAIR_FAILURES - 1)
    assert set(answers[PAIR_FAILURES - 1 :]) == {429}
    locked = _attempt(stranger, "coordinator", WEB_PASSWORD)
    assert locked.status_code == 429, "the right password waits for the lock too"
    assert "Zu viele fehlgeschlagene Anmeldungen" in locked.text
    assert "Minuten erneut" in locked.text
    with web.deployment.session() as session:
        (pair,) = session.exec(
            select(SignInThrottle).where(SignInThrottle.key.startswith("account:"))
        ).all()
        # Tries while locked are refused unheard: the lock does not grow by them.
        assert pair.failures == PAIR_FAILURES
        assert timedelta(0) < pair.locked_until - utcnow() <= timedelta(minutes=15)
        outcomes = [
            event.changes["outcome"]
            for event in session.exec(select(AuditEvent).where(AuditEvent.action == "user.sign_in"))
        ]
    assert outcomes.count("wrong password or name") == PAIR_FAILURES
    assert outcomes.count("locked") == 9 - PAIR_FAILURES

    admin = web.sign_in("admin")
    from netzwerker.domain.users.models import User

    with web.deployment.session() as session:
        user_id = session.exec(select(User).where(User.username == "coordinator")).one().id
    lifted = admin.post(f"/admin/users/{user_id}/unlock", {}, follow_redirects=False)
    assert lifted.status_code == 303
    assert _attempt(stranger, "coordinator", WEB_PASSWORD).status_code == 303


def test_a_stranger_cannot_lock_a_user_out_for_good(web, monkeypatch):
    from netzwerker.testing import WEB_PASSWORD

    stranger = web.anonymous()
    for n in range(12):
        _attempt(stranger, "viewer", f"geraten-{n}")
    assert _attempt(stranger, "viewer", WEB_PASSWORD).status_code == 429
    # The user, at its own computer (another address), signs in all the same.
    import netzwerker.web.pages.account as account

    own = web.anonymous()
    monkeypatch.setattr(account, "client_address", lambda request: "10.0.0.7")
    assert _attempt(own, "viewer", WEB_PASSWORD).status_code == 303


def test_failed_sign_ins_are_counted_for_the_address_across_accounts(web):
    from netzwerker.domain.users.throttle import ADDRESS_FAILURES

    stranger = web.anonymous()
    names = [f"name-{n}" for n in range(ADDRESS_FAILURES)]
    assert {_attempt(stranger, name, "x").status_code for name in names[:-1]} == {401}
    assert _attempt(stranger, names[-1], "x").status_code == 429
    assert _attempt(stranger, "admin", "x").status_code == 429, "any account from there"


def test_the_lock_ends_by_itself(make_deployment):
    from datetime import timedelta

    from netzwerker.domain.users.throttle import locked_until, record_failure

    deployment = make_deployment(toml=MINIMAL_CONFIG, migrate=True)
    now = utcnow()
    with deployment.transaction() as session:
        for _ in range(20):
            record_failure(session, "sabine", "192.0.2.1", now=now)
        until = locked_until(session, "sabine", "192.0.2.1", now=now)
        assert until is not None and until <= now + timedelta(hours=1)
        assert (
            locked_until(session, "sabine", "192.0.2.1", now=until + timedelta(seconds=1)) is None
        )
        assert locked_until(session, "sabine", "198.51.100.4", now=now) is None


def test_the_command_line_lifts_a_lock(make_deployment):
    from click.testing import CliRunner

    from netzwerker.cli import cli
    from netzwerker.domain.users.throttle import locked_until, record_failure

    deployment = make_deployment(toml=MINIMAL_CONFIG, migrate=True)
    now = utcnow()
    with deployment.transaction() as session:
        for address in ("192.0.2.1", "192.0.2.2"):
            for _ in range(5):
                record_failure(session, "Sabine", address, now=now)
    answer = CliRunner().invoke(cli, ["user", "unlock", str(deployment.folder), "sabine"])
    assert answer.exit_code == 0, answer.output
    assert "locks and counts of 2 addresses lifted" in answer.output
    with deployment.session() as session:
        assert locked_until(session, "sabine", "192.0.2.1", now=now) is None


def test_a_changed_password_ends_the_users_other_sessions(web):
    from netzwerker.testing import WEB_PASSWORD

    laptop, phone = web.sign_in("viewer"), web.sign_in("viewer")
    assert phone.get("/account").status_code == 200
    changed = laptop.post(
        "/account/password",
        {
            "current": WEB_PASSWORD,
            "password": "ein-neues-passwort",
            "repeated": "ein-neues-passwort",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert laptop.get("/account").status_code == 200, "the session it changed it in goes on"
    signed_out = phone.get("/account", follow_redirects=False)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/login")


def test_an_admin_signs_a_user_out_everywhere(web):
    from sqlmodel import select

    from netzwerker.domain.users.models import User

    member = web.sign_in("partner_member")
    assert member.get("/tasks").status_code == 200
    with web.deployment.session() as session:
        user_id = session.exec(select(User).where(User.username == "partner-member")).one().id
    admin = web.sign_in("admin")
    ended = admin.post(f"/admin/users/{user_id}/sessions/end", {}, follow_redirects=False)
    assert ended.status_code == 303
    assert member.get("/tasks", follow_redirects=False).status_code == 303
    assert admin.get("/admin/users").status_code == 200, "only that user's sessions"


def test_a_token_expires_as_the_deployment_says_and_keeps_its_last_use(make_deployment):
    from datetime import timedelta

    from netzwerker.app import create_app
    from netzwerker.domain.users.models import ApiToken, Role
    from netzwerker.domain.users.services import UserDraft, add_user, create_token
    from netzwerker.testing import OPERATOR

    deployment = make_deployment(toml=MINIMAL_CONFIG + "\n[api]\ntoken_days = 30\n", migrate=True)
    with deployment.transaction() as session:
        user = add_user(session, UserDraft("skript", Role.VIEWER), actor=OPERATOR)
        made = create_token(session, user, "Auswertung", actor=OPERATOR)
        forever = create_token(session, user, "lang", actor=OPERATOR, valid_days=3650)
        expires = made.token.expires_at
        assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)
        assert forever.token.expires_at - utcnow() > timedelta(days=3000)
        assert made.token.last_used_at is None
    with TestClient(create_app(deployment)) as client:
        auth = {"Authorization": f"Bearer {made.secret}"}
        assert client.get("/api/me", headers=auth).status_code == 200
        with deployment.session() as session:
            first = session.get(ApiToken, made.token.id).last_used_at
        assert first is not None and utcnow() - first < timedelta(minutes=5)
        assert client.get("/api/me", headers=auth).status_code == 200
        with deployment.session() as session:
            assert session.get(ApiToken, made.token.id).last_used_at == first, "to the hour"


def test_a_session_is_known_to_every_server_of_the_deployment(web):
    """Signed in through one server, the browser goes on through another: the session is
    in the database, not in a process or a folder."""
    from netzwerker.app import create_app
    from netzwerker.deployment import load
    from netzwerker.domain.users.models import WebSession
    from netzwerker.web.sessions import SESSION_COOKIE

    browser = web.sign_in("coordinator")
    cookie = browser.client.cookies[SESSION_COOKIE]
    other = load(web.deployment.folder, database_url=web.deployment.database_url)
    try:
        with TestClient(create_app(other)) as second:
            second.cookies.set(SESSION_COOKIE, cookie)
            assert second.get("/tasks", follow_redirects=False).status_code == 200
    finally:
        other.dispose()
    with web.deployment.session() as session:
        stored = session.get(WebSession, cookie)
        assert stored is not None and b"user_id" in stored.data
    browser.post("/logout", {}, follow_redirects=False)
    with web.deployment.session() as session:
        assert session.get(WebSession, cookie) is None, "signing out deletes the session"
