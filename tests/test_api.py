"""The HTTP API through Litestar's test client: the flows a coordinator and a partner use."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook

from netzwerker.testing import snapshot


def _task_body(api, **overrides):
    body = {
        "title": "Gruppenangebot Alkohol im Jobcenter",
        "working_field": "health",
        "responsible_partner_id": api.network.counselling.id,
        "accountable_person_id": api.network.coordinator.id,
        "due_date": (api.deployment.today() + timedelta(days=14)).isoformat(),
        "consulted": [api.network.clinic.id],
    }
    return {**body, **overrides}


def test_probes_and_documentation_need_no_token(api) -> None:
    assert api.get("/health", as_=None).json()["status"] == "ok"
    ready = api.get("/ready", as_=None)
    assert ready.status_code == 200 and ready.json()["pending_migrations"] == []
    page = api.get("/schema/swagger", as_=None)
    assert page.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text.split("<body>")[0]  # nothing from a CDN
    assert api.get("/static/swagger/swagger-ui-bundle.js", as_=None).status_code == 200
    paths = api.get("/schema/openapi.json", as_=None).json()["paths"]
    assert {"/api/tasks", "/api/partners", "/api/reports/accountability"} <= set(paths)


def test_a_request_without_a_valid_token_is_401(api) -> None:
    assert api.get("/api/tasks", as_=None).status_code == 401
    wrong = api.get("/api/tasks", as_=None, headers={"Authorization": "Bearer nzw_nope"})
    assert wrong.status_code == 401
    assert "revoked" in wrong.json()["detail"]


def test_a_revoked_token_and_a_disabled_user_stop_working(api) -> None:
    mine = api.get("/api/tokens", as_="viewer").json()
    assert api.post(f"/api/tokens/{mine[0]['id']}/revoke", as_="viewer").status_code == 200
    assert api.get("/api/tasks", as_="viewer").status_code == 401
    users = {u["username"]: u for u in api.get("/api/users", as_="admin").json()}
    member = users["partner-member"]
    changed = api.patch(
        f"/api/users/{member['id']}",
        as_="admin",
        json={"active": False, "version": member["version"]},
    )
    assert changed.status_code == 200
    assert api.get("/api/tasks", as_="partner_member").status_code == 401


def test_coordinator_and_partner_member_work_a_task_through(api) -> None:
    created = api.post("/api/partners", json={"key": "tafel", "name": "Tafel", "kind": "charity"})
    assert created.status_code == 201, created.text
    response = api.post("/api/tasks", json=_task_body(api))
    assert response.status_code == 201, response.text
    task = response.json()
    assert task["status"] == "proposed" and task["consulted"] == [api.network.clinic.id]
    assert response.headers["etag"] == f'"{task["version"]}"'

    committed = api.post(f"/api/tasks/{task['id']}/commit", as_="partner_member")
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    done = api.post(f"/api/tasks/{task['id']}/complete", as_="partner_member", json={})
    assert done.json()["status"] == "done"

    history = api.get(f"/api/tasks/{task['id']}/history", as_="partner_member").json()
    assert [(e["action"], e["actor"]) for e in history] == [
        ("create", "coordinator"),
        ("commit", "partner-member"),
        ("complete", "partner-member"),
    ]
    report = api.get("/api/reports/accountability", as_="viewer").json()
    row = next(r for r in report["rows"] if r["key"] == "suchtberatung")
    assert row["done_on_time"] == 1 and row["total"] == 2 and row["on_time_rate"] == 1.0


def test_a_partner_member_sees_only_tasks_that_concern_its_partner(api) -> None:
    api.post("/api/tasks", json=_task_body(api, consulted=[]))
    for_clinic = _task_body(api, responsible_partner_id=api.network.clinic.id, consulted=[])
    clinic_task = api.post("/api/tasks", json=for_clinic).json()
    listed = api.get("/api/tasks", as_="partner_member").json()
    assert listed["total"] == 2
    assert {t["responsible_partner_id"] for t in listed["items"]} == {api.network.counselling.id}
    assert api.get(f"/api/tasks/{clinic_task['id']}", as_="partner_member").status_code == 403
    assert api.get("/api/tasks", as_="viewer").json()["total"] == 3
    # Consulted on another partner's task, the member's partner is a party to it.
    consulted = _task_body(
        api, responsible_partner_id=api.network.clinic.id, consulted=[api.network.counselling.id]
    )
    consulting = api.post("/api/tasks", json=consulted).json()
    assert api.get(f"/api/tasks/{consulting['id']}", as_="partner_member").status_code == 200


def test_task_filters(api) -> None:
    today = api.deployment.today()
    api.post("/api/tasks", json=_task_body(api, title="Alt", due_date=str(today - timedelta(1))))
    overdue = api.get("/api/tasks", params={"overdue": "true"}).json()
    assert [t["title"] for t in overdue["items"]] == ["Alt"]
    assert overdue["items"][0]["overdue"] is True
    found = api.get("/api/tasks", params={"q": "erstgespräch"}).json()
    assert found["total"] == 1
    window = {"due_after": str(today), "due_before": str(today + timedelta(11))}
    assert api.get("/api/tasks", params=window).json()["total"] == 1
    paged = api.get("/api/tasks", params={"limit": 1, "offset": 1}).json()
    assert paged["total"] == 2 and len(paged["items"]) == 1
    by_partner = api.get("/api/tasks", params={"partner_id": api.network.clinic.id}).json()
    assert by_partner["total"] == 0
    assert api.get("/api/tasks", params={"status": ["proposed"]}).json()["total"] == 2


def test_a_stale_update_is_409_and_changes_nothing(api) -> None:
    path = f"/api/tasks/{api.task_id}"
    version = api.get(path).json()["version"]
    first = api.patch(path, json={"title": "Erstgespräche binnen 10 Tagen", "version": version})
    assert first.status_code == 200
    before = snapshot(api.deployment)
    stale = api.patch(path, json={"title": "Überschrieben"}, headers={"If-Match": f'"{version}"'})
    assert stale.status_code == 409
    assert snapshot(api.deployment) == before
    assert api.get(path).json()["title"] == "Erstgespräche binnen 10 Tagen"


def test_an_update_without_a_version_is_428(api) -> None:
    response = api.patch(f"/api/tasks/{api.task_id}", json={"title": "Neu"})
    assert response.status_code == 428


def test_moving_the_due_date_withdraws_the_commitment(api) -> None:
    path = f"/api/tasks/{api.task_id}"
    version = api.post(f"{path}/commit", as_="partner_member").json()["version"]
    later = str(api.deployment.today() + timedelta(days=30))
    moved = api.patch(path, json={"due_date": later, "reason": "Träger bat", "version": version})
    assert moved.json()["status"] == "proposed"
    assert moved.json()["due_date"] == later


def test_bad_bodies_name_every_offending_field(api) -> None:
    body = _task_body(api, due_date="morgen", responsible_partner_id="drei", colour="rot")
    response = api.post("/api/tasks", json=body)
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["problems"]}
    assert fields == {"due_date", "responsible_partner_id", "colour"}
    partner = api.post("/api/partners", json={"key": "a", "name": " ", "kind": 3})
    assert [p["field"] for p in partner.json()["problems"]] == ["kind", "name"]
    references = api.post("/api/tasks", json=_task_body(api, responsible_partner_id=999))
    assert references.status_code == 422
    assert references.json()["problems"][0]["field"] == "responsible_partner_id"
    malformed = api.post(
        "/api/tasks", content=b'{"title": ', headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    as_text = api.post("/api/tasks", content=b"{}", headers={"Content-Type": "text/plain"})
    assert as_text.status_code == 415 and "application/json" in as_text.json()["detail"]
    not_object = api.post("/api/tasks", json=[1, 2])
    assert not_object.status_code == 422


def test_illegal_transitions_and_missing_records(api) -> None:
    path = f"/api/tasks/{api.task_id}"
    refused = api.post(f"{path}/complete", as_="partner_member")
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["field"] == "action"
    no_reason = api.post(f"{path}/decline", as_="partner_member", json={})
    assert no_reason.status_code == 422
    assert no_reason.json()["problems"][0]["field"] == "reason"
    assert api.post(f"{path}/fly", as_="partner_member").status_code == 400
    assert api.get("/api/tasks/4711").status_code == 404
    assert api.get("/api/partners/gibt-es-nicht").status_code == 404


def test_partners_with_contacts(api) -> None:
    body = {
        "key": "schuldnerberatung",
        "name": "Schuldnerberatung Teststadt",
        "kind": "charity",
        "legal_domains": ["SGB II", "XII"],
        "working_fields": ["debt"],
        "email": "info@schuldner.example",
    }
    created = api.post("/api/partners", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["legal_domains"] == ["SGB II", "SGB XII"]
    contact = api.post(
        "/api/partners/schuldnerberatung/contacts", json={"name": "Eva Rat", "role": "Leitung"}
    )
    assert contact.status_code == 201
    changed = api.patch(
        f"/api/partners/schuldnerberatung/contacts/{contact.json()['id']}",
        json={"phone": "0261 1234"},
    )
    assert changed.json()["phone"] == "0261 1234"
    read = api.get("/api/partners/schuldnerberatung").json()
    assert [c["name"] for c in read["contacts"]] == ["Eva Rat"]
    listed = api.get("/api/partners", params={"legal_domain": "SGB XII"}).json()
    assert [p["key"] for p in listed["items"]] == ["schuldnerberatung"]
    assert api.get("/api/partners", params={"working_field": "debt"}).json()["total"] == 1
    assert api.get("/api/partners", params={"q": "klinik"}).json()["total"] == 1
    duplicate = api.post("/api/partners", json=body)
    assert duplicate.status_code == 422 and duplicate.json()["problems"][0]["field"] == "key"
    audit = api.get("/api/audit", params={"object_id": "schuldnerberatung"}).json()
    assert [e["action"] for e in audit] == ["contact.update", "contact.create", "partner.create"]


PARTNER_CSV = "key;name;kind;legal_domains\ntafel;Tafel Teststadt;charity;SGB II\n"


def test_import_is_all_or_nothing_with_row_numbers(api) -> None:
    bad = PARTNER_CSV + "tafel-2;;charity;SGB 99\n"
    before = snapshot(api.deployment)
    refused = api.post("/api/partners/import", files={"data": ("partner.csv", bad, "text/csv")})
    assert refused.status_code == 422
    fields = [p["field"] for p in refused.json()["problems"]]
    assert fields == ["partner.csv, row 3, name", "partner.csv, row 3, legal_domains"]
    assert snapshot(api.deployment) == before
    done = api.post("/api/partners/import", files={"data": ("partner.csv", PARTNER_CSV)})
    assert done.status_code == 201 and done.json()["created"] == 1


def test_import_reads_xlsx(api) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["key", "name", "kind"])
    sheet.append(["tafel", "Tafel Teststadt", "charity"])
    data = io.BytesIO()
    book.save(data)
    response = api.post("/api/partners/import", files={"data": ("p.xlsx", data.getvalue())})
    assert response.status_code == 201 and response.json()["created"] == 1
    assert api.get("/api/partners/tafel").status_code == 200


def test_report_as_csv_and_per_period(api) -> None:
    csv = api.get("/api/reports/accountability", params={"format": "csv", "by": "working_field"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[1].startswith("health,Gesundheit,1,")
    today = api.deployment.today()
    empty = api.get(
        "/api/reports/accountability",
        params={"from": str(today - timedelta(30)), "to": str(today)},
    )
    assert empty.json()["rows"] == []
    backwards = api.get(
        "/api/reports/accountability", params={"from": str(today), "to": str(today - timedelta(1))}
    )
    assert backwards.status_code == 422


def test_working_fields_goals_and_me(api) -> None:
    fields = {f["key"] for f in api.get("/api/working-fields", as_="viewer").json()}
    assert {"health", "debt"} <= fields
    assert api.get("/api/goals", as_="viewer").status_code == 200
    me = api.get("/api/me", as_="partner_member").json()
    assert me["role"] == "partner_member" and me["partner_id"] == api.network.counselling.id


def test_tokens_through_the_api(api) -> None:
    created = api.post("/api/tokens", as_="viewer", json={"name": "Skript", "valid_days": 30})
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert (
        api.get("/api/me", as_=None, headers={"Authorization": f"Bearer {secret}"}).json()[
            "username"
        ]
        == "viewer"
    )
    others = api.post("/api/tokens", as_="viewer", json={"name": "x", "user_id": 1})
    assert others.status_code == 403
    # Whether a user id exists is not told to someone who may not make tokens for it.
    unknown = api.post("/api/tokens", as_="viewer", json={"name": "x", "user_id": 999_999})
    assert unknown.status_code == 403
    missing = api.post("/api/tokens", as_="admin", json={"name": "x", "user_id": 999_999})
    assert missing.status_code == 404


def test_the_audit_log_is_append_only(api) -> None:
    import sqlalchemy as sa

    api.post("/api/partners", json={"key": "tafel", "name": "Tafel", "kind": "charity"})
    with pytest.raises(sa.exc.DatabaseError), api.deployment.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_event"))
    paths = api.get("/schema/openapi.json", as_=None).json()["paths"]
    assert set(paths["/api/audit"]) == {"get"}


def test_readiness_reports_pending_migrations(api) -> None:
    import sqlalchemy as sa

    with api.deployment.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001_core'"))
    response = api.get("/ready", as_=None)
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == ["core"]


GOAL = {
    "key": "schulden_erstberatung",
    "working_field": "debt",
    "title": "Erstberatung binnen vier Wochen",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "indicator": "tasks_on_time_rate",
    "target": 80.0,
}


def test_goals_set_through_the_api(api) -> None:
    created = api.post("/api/goals", json=GOAL)
    assert created.status_code == 201, created.text
    version = created.json()["version"]
    changed = api.patch(
        "/api/goals/schulden_erstberatung", json={"target": 90.0, "version": version}
    )
    assert changed.status_code == 200 and changed.json()["target"] == 90.0
    stale = api.patch("/api/goals/schulden_erstberatung", json={"target": 70.0, "version": version})
    assert stale.status_code == 409
    bad = api.post(
        "/api/goals",
        json={**GOAL, "key": "x", "indicator": "nope", "end": "2025-01-01", "status": "done"},
    )
    assert {p["field"] for p in bad.json()["problems"]} == {"indicator", "end", "status"}
    assert api.post("/api/goals", "partner_member", json=GOAL).status_code == 403
    assert api.get("/api/goals/schulden_erstberatung", "viewer").json()["target"] == 90.0


def test_goals_from_the_configuration_are_changed_there(api) -> None:
    from datetime import date

    from netzwerker.config import GoalConfig
    from netzwerker.domain.fields.services import _write_goal

    declared = GoalConfig(
        "aus_toml", "health", "Aus der Datei", date(2026, 1, 1), date(2026, 12, 31)
    )
    with api.deployment.transaction() as session:
        _write_goal(session, None, declared)  # what `netzwerker migrate` does
    version = api.get("/api/goals/aus_toml").json()["version"]
    refused = api.patch("/api/goals/aus_toml", json={"target": 1.0, "version": version})
    assert refused.status_code == 409 and "deployment.toml" in refused.json()["detail"]


def test_the_start_pages_data_for_a_coordinator_and_a_partner(api) -> None:
    """The overview answers with its figures and lists; a partner member's counts only the
    tasks its partner is a party to, and it sees no goals (those are the coordinators')."""
    due_soon = api.get("/api/reports/overview")
    assert due_soon.status_code == 200
    body = due_soon.json()
    assert body["overdue_count"] == 0 and body["awaiting_commitment"] == 1
    assert body["overdue_by_partner"] == [] and body["due_this_week"] == []
    mine = api.get("/api/reports/overview", as_="partner_member").json()
    assert mine["awaiting_commitment"] == 1
    other = api.get("/api/reports/overview", as_="other_member").json()
    assert other["awaiting_commitment"] == 0 and other["goals_off_track"] == []
    assert api.get("/api/reports/overview", as_=None).status_code == 401
