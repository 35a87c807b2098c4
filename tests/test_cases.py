"""Cases, consent, referrals with their closed loop, case conferences, caseloads, and
service chains along which every handover is a referral."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from netzwerker.domain.audit.models import AuditEvent
from netzwerker.testing import snapshot


def _case(api, pseudonym="F-2026-001", **extra):
    body = {
        "pseudonym": pseudonym,
        "working_field": "health",
        "target_groups": ["Langzeitarbeitslose"],
        "workers": [{"person_id": api.network.coordinator.id, "role": "scout"}],
        **extra,
    }
    created = api.post("/api/cases", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def _consent(api, case, partner, categories=("health",), **extra):
    body = {
        "partner_id": partner.id,
        "purpose": "Suchtberatung",
        "categories": list(categories),
        **extra,
    }
    created = api.post(f"/api/cases/{case['id']}/consents", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def _refer(api, case, to, as_="coordinator", categories=("health",)):
    return api.post(
        "/api/referrals",
        as_,
        json={
            "case_id": case["id"],
            "from_partner_id": api.network.jobcenter.id,
            "to_partner_id": to.id,
            "data_categories": list(categories),
            "message": "Bitte um Erstgespräch",
        },
    )


def test_a_referral_needs_consent_and_closes_the_loop(api) -> None:
    net = api.network
    case = _case(api)
    before = snapshot(api.deployment)
    refused = _refer(api, case, net.counselling)
    assert refused.status_code == 409
    assert "consent" in refused.json()["detail"] and "Suchtberatung" in refused.json()["detail"]
    assert snapshot(api.deployment) == before

    # Consent for other data than the referral carries is not enough either.
    _consent(api, case, net.counselling, categories=["contact"])
    assert _refer(api, case, net.counselling).status_code == 409
    _consent(api, case, net.counselling, categories=["health", "contact"])
    sent = _refer(api, case, net.counselling)
    assert sent.status_code == 201, sent.text
    referral = sent.json()
    assert referral["status"] == "sent" and referral["pseudonym"] == "F-2026-001"
    assert referral["data_categories"] == ["basic", "health"]

    path = f"/api/referrals/{referral['id']}"
    # Only the receiving partner (or a coordinator) accepts; the clinic sees nothing.
    assert api.post(f"{path}/accept", "other_member").status_code == 403
    assert api.get(path, "other_member").status_code == 403
    assert api.post(f"{path}/record_first_contact", "partner_member").status_code == 409
    accepted = api.post(f"{path}/accept", "partner_member")
    assert accepted.status_code == 200 and accepted.json()["accepted_at"]
    contact = api.post(f"{path}/record_first_contact", "partner_member")
    assert contact.json()["status"] == "first_contact"
    closed = api.post(f"{path}/close", "partner_member", json={"outcome": "in Beratung"})
    assert closed.json()["status"] == "closed" and closed.json()["outcome"] == "in Beratung"

    # The referring side sees the loop closed, with every step's time.
    seen = api.get("/api/referrals", params={"from_partner_id": net.jobcenter.id}).json()
    loop = seen["items"][0]
    assert (
        loop["first_contact_at"] and loop["closed_at"] and loop["status_label"] == "abgeschlossen"
    )
    # The receiving partner reads the case it has consent for; the clinic does not.
    assert api.get(f"/api/cases/{case['id']}", "partner_member").status_code == 200
    # Without consent the case does not exist for the clinic: 404 as for a missing case,
    # and not even the pseudonym is told.
    refused = api.get(f"/api/cases/{case['id']}", "other_member")
    missing = api.get("/api/cases/999999", "other_member")
    assert refused.status_code == missing.status_code == 404
    assert case["pseudonym"] not in refused.text
    assert refused.json().keys() == missing.json().keys()
    assert api.get("/api/cases", "other_member").json()["total"] == 0

    # The loop is measured: two referrals tried, one sent and arrived, waiting under a day.
    today = api.deployment.today().isoformat()
    report = api.get("/api/indicators/report", params={"from": today, "to": today}).json()
    values = {r["indicator"]: r["value"] for r in report["readings"]}
    assert values["referrals_sent"] == 1 and values["referrals_arrived"] == 1
    assert 0 <= values["referral_wait_days"] < 1


def test_a_declined_referral_says_why_and_revoked_consent_stops_acceptance(api) -> None:
    net = api.network
    case = _case(api)
    consent = _consent(api, case, net.counselling)
    first = _refer(api, case, net.counselling).json()
    no_reason = api.post(f"/api/referrals/{first['id']}/decline", "partner_member")
    assert no_reason.status_code == 422
    assert no_reason.json()["problems"][0]["field"] == "reason"
    declined = api.post(
        f"/api/referrals/{first['id']}/decline", "partner_member", json={"reason": "keine Plätze"}
    )
    assert declined.json()["status"] == "declined" and declined.json()["reason"] == "keine Plätze"

    second = _refer(api, case, net.counselling).json()
    revoked = api.post(
        f"/api/cases/{case['id']}/consents/{consent['id']}/revoke",
        json={"reason": "widerrufen am Telefon"},
    )
    assert revoked.status_code == 200 and not revoked.json()["valid_today"]
    assert api.post(f"/api/referrals/{second['id']}/accept", "partner_member").status_code == 409
    assert _refer(api, case, net.counselling).status_code == 409
    history = api.get(f"/api/cases/{case['id']}/consents").json()
    assert [c["revoked_on"] is not None for c in history] == [True]
    assert api.get(f"/api/cases/{case['id']}/consents", "partner_member").status_code == 403
    # An expired consent counts as none.
    _consent(api, case, net.clinic, given_on="2025-01-01", valid_until="2025-12-31")
    assert _refer(api, case, net.clinic).status_code == 409


def test_identifiers_are_kept_apart_and_every_read_is_audited(api) -> None:
    case = _case(api)
    path = f"/api/cases/{case['id']}/identity"
    written = api.request("PUT", path, json={"name": "Erika Muster", "customer_number": "123D456"})
    assert written.status_code == 200, written.text
    assert "Erika" not in str(api.get(f"/api/cases/{case['id']}").json())
    assert api.get(path).json()["name"] == "Erika Muster"
    for role in ("viewer", "partner_member", "admin"):
        assert api.get(path, role).status_code == 403
    with api.deployment.session() as session:
        reads = session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "identity.read")
        )
    assert reads == 1
    changed = api.request("PUT", path, json={"name": "Erika Muster", "customer_number": "9X"})
    assert changed.status_code == 200
    with api.deployment.session() as session:
        writes = session.scalars(
            sa.select(AuditEvent.changes)
            .where(AuditEvent.action == "identity.write")
            .order_by(AuditEvent.id)
        ).all()
    # Which identifiers changed, never their values.
    assert [entry["fields"] for entry in writes][-1] == ["customer_number"]
    assert "Erika" not in str(writes) and "9X" not in str(writes)


def test_bad_cases_are_refused_with_their_fields(api) -> None:
    before = snapshot(api.deployment)
    bad = api.post(
        "/api/cases",
        json={"pseudonym": "Erika Muster", "working_field": "x", "workers": [{"person_id": 999}]},
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"pseudonym"}
    bad = api.post(
        "/api/cases",
        json={"pseudonym": "F-1", "working_field": "x", "workers": [{"person_id": 999}]},
    )
    assert {p["field"] for p in bad.json()["problems"]} == {"working_field", "workers[0].person_id"}
    assert api.post("/api/cases", "partner_member", json={"pseudonym": "F-2"}).status_code == 403
    assert snapshot(api.deployment) == before


def test_caseloads_count_open_cases_per_coach(api) -> None:
    net = api.network
    for number in range(3):
        _case(
            api,
            f"BG-{number}",
            kind="household",
            workers=[{"person_id": net.counsellor.id, "role": "coach"}],
        )
    closed = _case(api, "BG-9", workers=[{"person_id": net.counsellor.id, "role": "coach"}])
    api.patch(
        f"/api/cases/{closed['id']}",
        json={"closed_on": api.deployment.today().isoformat(), "version": closed["version"]},
    )
    loads = api.get("/api/caseloads", params={"role": "coach"}).json()
    assert loads == [
        {
            "person_id": net.counsellor.id,
            "name": "Tom Hilfe",
            "partner_id": net.counselling.id,
            "role": "coach",
            "open_cases": 3,
        }
    ]
    case = api.get("/api/cases", params={"pseudonym": "BG-0"}).json()["items"][0]
    worker = case["workers"][0]
    ended = api.post(f"/api/cases/{case['id']}/workers/{worker['id']}/end")
    assert ended.status_code == 200
    assert api.get("/api/caseloads", params={"role": "coach"}).json()[0]["open_cases"] == 2


def test_a_case_conference_needs_consent_of_every_partner_at_the_table(api) -> None:
    net = api.network
    case = _case(api)
    body = {
        "case_id": case["id"],
        "title": "Fallkonferenz F-2026-001",
        "starts_at": "2026-12-10T10:00",
        "participants": [
            {"partner_id": net.jobcenter.id, "person_id": net.coordinator.id},
            {"partner_id": net.counselling.id, "person_id": net.counsellor.id},
        ],
    }
    refused = api.post("/api/meetings", json=body)
    assert refused.status_code == 409 and "Suchtberatung" in refused.json()["detail"]
    _consent(api, case, net.counselling)
    created = api.post("/api/meetings", json=body)
    assert created.status_code == 201, created.text
    due = (api.deployment.today() + timedelta(days=7)).isoformat()
    decided = api.post(
        f"/api/meetings/{created.json()['id']}/decisions",
        json={
            "text": "Entgiftung vorbereiten",
            "task": {
                "title": "Klinikplatz anfragen",
                "responsible_partner_id": net.counselling.id,
                "due_date": due,
                "accountable_person_id": net.coordinator.id,
            },
        },
    )
    assert decided.status_code == 201, decided.text
    no_one = api.post(
        f"/api/meetings/{created.json()['id']}/decisions",
        json={
            "text": "x",
            "task": {"title": "t", "responsible_partner_id": net.counselling.id, "due_date": due},
        },
    )
    assert no_one.json()["problems"][0]["field"] == "task.accountable_person_id"
    assert (
        api.get("/api/meetings", "partner_member", params={"case_conferences": True}).json()[
            "total"
        ]
        == 1
    )


def _chain(api):
    net = api.network
    body = {
        "key": "suchtkette",
        "name": "Unterstützungskette Sucht",
        "target_group": "Langzeitarbeitslose mit Suchterkrankung",
        "working_field": "health",
        "steps": [
            {
                "title": "Suchtberatung",
                "partner_id": net.counselling.id,
                "legal_domain": "SGB II",
                "handover_criteria": "Einwilligung liegt vor",
                "max_wait_days": 14,
            },
            {
                "title": "Entgiftung",
                "partner_id": net.clinic.id,
                "legal_domain": "SGB V",
                "max_wait_days": 7,
            },
        ],
    }
    created = api.post("/api/service-chains", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def test_a_service_chain_is_binding_once_agreed_and_reports_waits_and_drop_outs(api) -> None:
    net = api.network
    chain = _chain(api)
    assert chain["awaiting_agreement"] == [net.counselling.id, net.clinic.id]
    case = _case(api)
    start = {
        "case_id": case["id"],
        "from_partner_id": net.jobcenter.id,
        "data_categories": ["health"],
    }
    path = f"/api/service-chains/{chain['id']}"
    not_agreed = api.post(f"{path}/instances", json=start)
    assert not_agreed.status_code == 409 and "agreed" in not_agreed.json()["detail"]
    for partner in (net.counselling, net.clinic):
        agreed = api.post(
            f"{path}/agreements", json={"partner_id": partner.id, "agreed_by": "Leitung"}
        )
        assert agreed.status_code == 201, agreed.text
    assert api.get(path).json()["agreed"]
    outsider = api.post(
        f"{path}/agreements", json={"partner_id": net.jobcenter.id, "agreed_by": "X"}
    )
    assert outsider.status_code == 422

    # Without the person's consent for the first step's partner, the chain does not start.
    assert api.post(f"{path}/instances", json=start).status_code == 409
    _consent(api, case, net.counselling)
    started = api.post(f"{path}/instances", json=start)
    assert started.status_code == 201, started.text
    instance = started.json()
    referrals = api.get("/api/referrals", params={"chain_instance_id": instance["id"]}).json()[
        "items"
    ]
    assert [(r["to_partner_id"], r["step"]) for r in referrals] == [(net.counselling.id, 1)]

    ipath = f"/api/chain-instances/{instance['id']}"
    assert api.post(f"{ipath}/advance").status_code == 409  # no first contact yet
    first = referrals[0]["id"]
    api.post(f"/api/referrals/{first}/accept", "partner_member")
    api.post(f"/api/referrals/{first}/record_first_contact", "partner_member")
    # Handing over to the clinic needs consent for the clinic.
    assert api.post(f"{ipath}/advance", json={"data_categories": ["health"]}).status_code == 409
    _consent(api, case, net.clinic)
    moved = api.post(f"{ipath}/advance", json={"data_categories": ["health"]})
    assert moved.status_code == 200, moved.text
    assert moved.json()["step"] == 2
    dropped = api.post(f"{ipath}/drop-out", json={"reason": "Termin nicht wahrgenommen"})
    assert dropped.json()["status"] == "dropped_out"

    report = {s["position"]: s for s in api.get(f"{path}/report").json()["steps"]}
    assert report[1]["referred"] == 1 and report[1]["reached"] == 1
    assert report[1]["median_wait_days"] is not None and report[1]["over_max_wait"] == 0
    assert report[2]["referred"] == 1 and report[2]["reached"] == 0
    assert report[2]["dropped_out"] == 1 and report[2]["waiting"] == 0
    second = api.get(
        "/api/referrals", params={"chain_instance_id": instance["id"], "status": "withdrawn"}
    )
    assert second.json()["total"] == 1
    # The steps of a chain with people on it do not change; a new chain's steps would void
    # the agreements.
    changed = api.patch(path, json={"steps": [], "version": chain["version"]})
    assert changed.status_code == 422


def test_the_referral_workflow_always_reaches_an_end() -> None:
    from netzwerker.domain.cases.referrals import REFERRAL_WORKFLOW
    from netzwerker.testing import check_workflow_walks

    assert REFERRAL_WORKFLOW.problems() == []
    check_workflow_walks(REFERRAL_WORKFLOW)
