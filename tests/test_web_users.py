"""Users and tokens in the browser: admins add, change, disable users and hand out
one-time passwords; everyone changes its own password and keeps its own tokens."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.users.models import ApiToken, User
from netzwerker.testing import WEB_PASSWORD, snapshot


def _secret(page: str) -> str:
    found = re.search(r'<p class="secret"><code>([^<]+)</code></p>', page)
    assert found, "the secret is shown once"
    return found.group(1)


def _sign_in(web, username: str, password: str):
    browser = web.anonymous()
    answer = browser.post(
        "/login",
        {"username": username, "password": password, "next": "/"},
        follow_redirects=False,
    )
    return browser, answer


def _user(web, username: str) -> User:
    with web.deployment.session() as session:
        return session.exec(select(User).where(User.username == username)).one()


def _actions(web) -> list[str]:
    with web.deployment.session() as session:
        return [event.action for event in session.exec(select(AuditEvent))]


def test_an_admin_adds_a_partner_member_who_sets_an_own_password_first(web):
    admin = web.sign_in("admin")
    added = admin.post(
        "/admin/users",
        {
            "username": "eva.rat",
            "display_name": "Eva Rat",
            "role": "partner_member",
            "partner": "suchtberatung",
        },
    )
    assert added.status_code == 201
    one_time = _secret(added.text)
    assert "eva.rat wurde angelegt" in added.text

    eva, signed_in = _sign_in(web, "eva.rat", one_time)
    assert signed_in.status_code == 303
    first = eva.get("/tasks", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/account/password"
    page = eva.get("/account/password").text
    assert "Einmalpasswort angemeldet" in page
    mismatch = eva.post(
        "/account/password",
        {"current": one_time, "password": "Frühling-2027!", "repeated": "Frühling-2028!"},
    )
    assert mismatch.status_code == 422
    assert "stimmt nicht mit dem neuen Passwort überein" in mismatch.text
    assert "Frühling" not in mismatch.text, "a password is never shown again"
    wrong = eva.post(
        "/account/password",
        {"current": "geraten-geraten", "password": "kurz", "repeated": "kurz"},
    )
    assert "ist nicht Ihr bisheriges Passwort" in wrong.text
    assert "muss mindestens 10 Zeichen haben" in wrong.text
    changed = eva.post(
        "/account/password",
        {"current": one_time, "password": "Frühling-2027!", "repeated": "Frühling-2027!"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert eva.get("/tasks").status_code == 200
    assert _sign_in(web, "eva.rat", one_time)[1].status_code == 401
    assert _sign_in(web, "eva.rat", "Frühling-2027!")[1].status_code == 303
    assert {"user.create", "user.password"} <= set(_actions(web))


def test_an_admin_changes_disables_and_resets_a_user(web):
    admin = web.sign_in("admin")
    viewer = _user(web, "viewer")
    page = admin.get(f"/admin/users/{viewer.id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    form = {"version": version, "display_name": "Vera Lesend", "role": "viewer"}
    answer = admin.post(f"/admin/users/{viewer.id}", form, follow_redirects=False)
    assert answer.status_code == 303
    assert _user(web, "viewer").active is False, "an unticked box disables the user"
    assert _sign_in(web, "viewer", WEB_PASSWORD)[1].status_code == 401
    stale = admin.post(f"/admin/users/{viewer.id}", {**form, "active": "1"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert _user(web, "viewer").active is False

    coordinator = _user(web, "coordinator")
    reset = admin.post(f"/admin/users/{coordinator.id}/password")
    one_time = _secret(reset.text)
    assert _sign_in(web, "coordinator", WEB_PASSWORD)[1].status_code == 401
    browser, signed_in = _sign_in(web, "coordinator", one_time)
    assert signed_in.status_code == 303
    assert browser.get("/", follow_redirects=False).headers["location"] == "/account/password"
    assert "user.password_reset" in _actions(web)


def test_everyone_keeps_its_own_tokens_and_admins_anyone(web):
    viewer = web.sign_in("viewer")
    created = viewer.post("/account/tokens", {"name": "Auswertung", "valid_days": "30"})
    assert created.status_code == 201
    secret = _secret(created.text)
    api = web.anonymous().client
    assert api.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with web.deployment.session() as session:
        token = session.exec(select(ApiToken).where(ApiToken.name == "Auswertung")).one()
    coordinator = web.sign_in("coordinator")  # signing in is audited: before the snapshot
    before = snapshot(web.deployment)
    refused = coordinator.post(f"/account/tokens/{token.id}/revoke")
    assert refused.status_code == 403
    assert snapshot(web.deployment) == before
    revoked = viewer.post(f"/account/tokens/{token.id}/revoke", {"back": "/account"})
    assert revoked.status_code == 200 and "Das Token wurde widerrufen" in revoked.text
    assert api.get("/api/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401

    admin = web.sign_in("admin")
    other = admin.get(f"/admin/users/{_user(web, 'partner-member').id}")
    assert "Token" in other.text
    missing = viewer.post("/account/tokens", {"name": ""})
    assert missing.status_code == 422 and 'id="name-error"' in missing.text


def test_only_admins_manage_users(web):
    roles = ("coordinator", "viewer", "partner_member")
    browsers = {role: web.sign_in(role) for role in roles}  # signing in is audited
    before = snapshot(web.deployment)
    for role in roles:
        browser = browsers[role]
        assert browser.get("/admin/users").status_code == 403
        posted = browser.post("/admin/users", {"username": "neu", "role": "admin"})
        assert posted.status_code == 403 and "Keine Berechtigung" in posted.text
        assert browser.get("/account").status_code == 200
    assert snapshot(web.deployment) == before
