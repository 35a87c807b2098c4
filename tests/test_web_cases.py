"""Cases changed in the browser: their field, groups and note, closing them, the coaches
and scouts who work on them, and the direct identifiers kept apart."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.cases.models import CaseIdentity, CaseWorker
from netzwerker.domain.cases.referrals import ReferralDraft, send_referral
from netzwerker.domain.cases.services import CaseDraft, ConsentDraft, create_case, give_consent
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _case(browser) -> str:
    answer = browser.post("/cases", {"pseudonym": "F-2027-001"}, follow_redirects=False)
    return answer.headers["location"]


def test_a_coordinator_changes_and_closes_a_case(web):
    coordinator = web.sign_in("coordinator")
    path = _case(coordinator)
    assert "Fall ändern" in coordinator.get(path).text
    edit = coordinator.get(f"{path}/edit").text
    form = {
        "version": _version(edit),
        "working_field": "health",
        "target_groups": "Langzeitarbeitslose, Alleinerziehende",
        "note": "Erstgespräch geführt",
        "closed_on": "2000-01-01",
    }
    before = snapshot(web.deployment)
    early = coordinator.post(path, form)
    assert early.status_code == 422 and "Das liegt vor der Eröffnung des Falls." in early.text
    assert snapshot(web.deployment) == before
    form["closed_on"] = ""
    assert coordinator.post(path, form, follow_redirects=False).status_code == 303
    page = coordinator.get(path).text
    assert "Der Fall wurde gespeichert." in page and "Alleinerziehende" in page
    stale = coordinator.post(path, {**form, "note": "veraltet"})
    assert stale.status_code == 409 and "Erstgespräch geführt" in stale.text


def test_a_coordinator_assigns_and_releases_a_coach(web):
    coordinator = web.sign_in("coordinator")
    path = _case(coordinator)
    counsellor = web.network.counsellor
    assigned = coordinator.post(
        f"{path}/workers", {"person_id": str(counsellor.id), "role": "scout"}
    )
    assert "Tom Hilfe arbeitet jetzt an dem Fall." in assigned.text
    again = coordinator.post(f"{path}/workers", {"person_id": str(counsellor.id), "role": "scout"})
    assert again.status_code == 422 and "arbeitet bereits" in again.text
    with web.deployment.session() as session:
        worker = session.exec(select(CaseWorker)).one()
    early = coordinator.post(f"{path}/workers/{worker.id}/end", {"until": "2000-01-01"})
    assert early.status_code == 422 and "vor dem Beginn der Zuordnung" in early.text
    released = coordinator.post(f"{path}/workers/{worker.id}/end", {})
    assert "Tom Hilfe arbeitet nicht mehr an dem Fall." in released.text
    with web.deployment.session() as session:
        assert session.exec(select(CaseWorker)).one().until is not None


def test_direct_identifiers_are_kept_apart_and_every_reading_is_logged(web):
    coordinator = web.sign_in("coordinator")
    path = _case(coordinator)
    assert "Direkte Identifikatoren" in coordinator.get(path).text
    form = coordinator.get(f"{path}/identity").text
    assert 'name="customer_number"' in form
    bad = coordinator.post(f"{path}/identity", {"name": "Erika Muster", "birth_date": "gestern"})
    assert bad.status_code == 422 and 'value="Erika Muster"' in bad.text
    saved = coordinator.post(
        f"{path}/identity", {"name": "Erika Muster", "customer_number": "123D456789"}
    )
    assert "Die direkten Identifikatoren sind gespeichert." in saved.text
    assert "Erika Muster" not in saved.text, "the case page never shows them"
    assert 'value="Erika Muster"' in coordinator.get(f"{path}/identity").text
    with web.deployment.session() as session:
        assert session.exec(select(CaseIdentity)).one().customer_number == "123D456789"
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert actions.count("identity.read") == 2 and "identity.write" in actions


def test_others_change_no_case(web):
    path = _case(web.sign_in("coordinator"))
    before = snapshot(web.deployment)
    viewer = web.sign_in("viewer")
    page = viewer.get(path).text
    assert "Fall ändern" not in page and "Zuordnen" not in page
    assert "Direkte Identifikatoren" not in page
    assert viewer.get(f"{path}/identity").status_code == 403
    assert viewer.get(f"{path}/edit").status_code == 403
    for post_path, data in (
        (path, {"note": "x", "version": "1"}),
        (f"{path}/workers", {"person_id": "1", "role": "coach"}),
        (f"{path}/identity", {"name": "x"}),
    ):
        refused = viewer.post(post_path, data)
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
    assert snapshot(web.deployment) == before


def _refer(web, pseudonym: str, *hops: tuple[int, int]) -> list[int]:
    """A case with the consents of both partners, referred along ``hops``; the referrals."""
    operator = Actor.operator("test")
    today = web.deployment.today()
    with web.deployment.transaction() as session:
        case = create_case(session, CaseDraft(pseudonym=pseudonym), today=today, actor=operator)
        for partner in (web.network.counselling, web.network.clinic):
            draft = ConsentDraft(partner_id=partner.id, purpose="Beratung")
            give_consent(session, case.id, draft, today=today, actor=operator)
        return [
            send_referral(session, ReferralDraft(case.id, *hop), today=today, actor=operator).id
            for hop in hops
        ]


def _section(page: str, start: str, end: str = "</section>") -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def test_the_start_page_lists_the_referrals_that_await_a_step(web):
    network = web.network
    member = web.sign_in("partner_member")
    assert "Keine Verweisung wartet auf einen Schritt." in member.get("/").text
    to_us, from_us = _refer(
        web,
        "F-2027-050",
        (network.jobcenter.id, network.counselling.id),
        (network.counselling.id, network.clinic.id),
    )

    start = member.get("/").text
    awaiting = _section(start, 'id="referrals-heading"', "<h3>")
    sent = _section(start, "<h3>")
    assert f"/referrals/{to_us}" in awaiting and f"/referrals/{from_us}" not in awaiting
    assert f"/referrals/{from_us}" in sent and "F-2027-050" in sent
    clinic = _section(web.sign_in("other_member").get("/").text, 'id="referrals-heading"')
    assert f"/referrals/{from_us}" in clinic and f"/referrals/{to_us}" not in clinic
    network_wide = _section(web.sign_in("coordinator").get("/").text, 'id="referrals-heading"')
    assert "Offene Verweisungen" in network_wide
    assert f"/referrals/{to_us}" in network_wide and f"/referrals/{from_us}" in network_wide

    received = member.get("/referrals?status=open&direction=received").text
    assert f"/referrals/{to_us}" in received and f"/referrals/{from_us}" not in received
    # Once the person arrived and the loop is closed, the referral waits for nothing.
    for step in ("accept", "record_first_contact", "close"):
        member.post(f"/referrals/{to_us}/{step}", {})
    assert f"/referrals/{to_us}" not in _section(member.get("/").text, 'id="referrals-heading"')
