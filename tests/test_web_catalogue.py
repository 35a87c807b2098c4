"""Offers and needs recorded and changed in the browser; a partner member keeps its own
partner's offers."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.catalogue.models import Need, Offer
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _offer_form(partner_id: int, **fields: str) -> dict[str, str]:
    return {
        "key": "nachsorge",
        "title": "Nachsorge nach Entzug",
        "partner_id": str(partner_id),
        "target_groups": "Langzeitarbeitslose, Alleinerziehende",
        "problem_areas": "Sucht",
        "capacity": "40",
        "legal_domain": "SGB II",
        **fields,
    }


def test_a_coordinator_records_and_changes_an_offer(web):
    coordinator = web.sign_in("coordinator")
    clinic = web.network.clinic
    assert "Angebot erfassen" in coordinator.get("/catalogue").text
    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/catalogue/offers", _offer_form(clinic.id, title="", capacity="-3", legal_domain="SGB 99")
    )
    assert bad.status_code == 422 and 'id="title-error"' in bad.text
    assert 'id="legal_domain-error"' in bad.text and 'value="Nachsorge' not in bad.text
    assert 'value="-3"' in bad.text
    negative = coordinator.post("/catalogue/offers", _offer_form(clinic.id, capacity="-3"))
    assert negative.status_code == 422 and "Bitte keine negative Zahl angeben." in negative.text
    assert snapshot(web.deployment) == before

    recorded = coordinator.post("/catalogue/offers", _offer_form(clinic.id), follow_redirects=False)
    assert recorded.status_code == 303
    page = coordinator.get("/catalogue").text
    assert "Das Angebot ist erfasst." in page and "Nachsorge nach Entzug" in page
    with web.deployment.session() as session:
        offer = session.exec(select(Offer).where(Offer.key == "nachsorge")).one()

    edit = coordinator.get(f"/catalogue/offers/{offer.id}/edit").text
    assert re.search(r'name="target_groups"[^>]*value="[^"]*Alleinerziehende, ', edit), (
        "terms as text"
    )
    form = {
        **_offer_form(clinic.id),
        "version": _version(edit),
        "problem_areas": "Sucht, Wohnen",
        "active": "1",
    }
    del form["key"]
    changed = coordinator.post(f"/catalogue/offers/{offer.id}", form, follow_redirects=False)
    assert changed.status_code == 303
    assert "Wohnen" in coordinator.get("/catalogue").text

    before = snapshot(web.deployment)
    stale = coordinator.post(f"/catalogue/offers/{offer.id}", {**form, "title": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert 'value="Sucht, Wohnen"' in stale.text
    assert snapshot(web.deployment) == before


def test_a_partner_member_keeps_its_own_partners_offers_only(web):
    member = web.sign_in("partner_member")
    network = web.network
    page = member.get("/partners/suchtberatung").text
    assert "Angebot erfassen" in page
    assert "Angebot erfassen" not in member.get("/partners/klinik").text
    new = member.get("/catalogue/offers/new").text
    assert "Suchtberatung Teststadt" in new and "Fachklinik Teststadt" not in new

    before = snapshot(web.deployment)
    refused = member.post("/catalogue/offers", _offer_form(network.clinic.id))
    assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
    assert snapshot(web.deployment) == before

    own = _offer_form(network.counselling.id, key="gruppe", title="Gruppe")
    assert member.post("/catalogue/offers", own, follow_redirects=False).status_code == 303
    with web.deployment.session() as session:
        offer = session.exec(select(Offer).where(Offer.key == "gruppe")).one()
    assert f"/catalogue/offers/{offer.id}/edit" in member.get("/partners/suchtberatung").text
    form = {**own, "version": str(offer.version), "active": ""}
    del form["key"]
    assert (
        member.post(f"/catalogue/offers/{offer.id}", form, follow_redirects=False).status_code
        == 303
    )
    assert "beendet" in member.get("/partners/suchtberatung").text

    clinics = web.sign_in("coordinator").post(
        "/catalogue/offers",
        _offer_form(network.clinic.id, key="klinik-angebot"),
        follow_redirects=False,
    )
    assert clinics.status_code == 303
    with web.deployment.session() as session:
        other = session.exec(select(Offer).where(Offer.key == "klinik-angebot")).one()
    before = snapshot(web.deployment)
    assert member.get(f"/catalogue/offers/{other.id}/edit").status_code == 403
    taken = member.post(f"/catalogue/offers/{other.id}", {**form, "version": "1"})
    assert taken.status_code == 403
    moved = member.post(
        f"/catalogue/offers/{offer.id}",
        {**form, "version": "2", "partner_id": str(network.clinic.id)},
    )
    assert moved.status_code == 403, "not to another partner"
    viewer = web.sign_in("viewer")
    assert "Angebot erfassen" not in viewer.get("/catalogue").text
    assert viewer.get("/catalogue/offers/new").status_code == 403
    assert snapshot(web.deployment) == before


def test_a_coordinator_changes_a_need(web):
    coordinator = web.sign_in("coordinator")
    recorded = coordinator.post(
        "/catalogue/needs",
        {
            "target_group": "Alleinerziehende",
            "problem_area": "Kinderbetreuung",
            "people": "25",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    with web.deployment.session() as session:
        need = session.exec(select(Need)).one()
    page = coordinator.get("/catalogue").text
    assert f"/catalogue/needs/{need.id}/edit" in page
    edit = coordinator.get(f"/catalogue/needs/{need.id}/edit").text
    form = {
        "version": _version(edit),
        "target_group": "Alleinerziehende",
        "problem_area": "Kinderbetreuung",
        "people": "0",
        "period_start": "2027-01-01",
        "period_end": "2026-12-31",
    }
    before = snapshot(web.deployment)
    bad = coordinator.post(f"/catalogue/needs/{need.id}", form)
    assert bad.status_code == 422 and "Bitte 1 oder mehr angeben." in bad.text
    assert snapshot(web.deployment) == before
    form.update(people="30", period_end="2027-12-31")
    assert (
        coordinator.post(f"/catalogue/needs/{need.id}", form, follow_redirects=False).status_code
        == 303
    )
    assert "Der Bedarf wurde gespeichert." in coordinator.get("/catalogue").text
    stale = coordinator.post(f"/catalogue/needs/{need.id}", {**form, "people": "99"})
    assert stale.status_code == 409 and 'value="30"' in stale.text

    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert f"/catalogue/needs/{need.id}/edit" not in browser.get("/catalogue").text
        assert browser.get(f"/catalogue/needs/{need.id}/edit").status_code == 403
        assert browser.post(f"/catalogue/needs/{need.id}", form).status_code == 403
