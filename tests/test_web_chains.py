"""Service chains in the browser: built with their steps, agreed by every step partner,
people put on them and moved along, and the report of waiting and drop-outs."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.cases.models import Referral
from netzwerker.domain.cases.services import CaseDraft, ConsentDraft, create_case, give_consent
from netzwerker.domain.chains.models import ChainInstance, ServiceChain
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _chain_form(network, **fields: str) -> dict[str, str]:
    return {
        "key": "sucht-arbeit",
        "name": "Von der Sucht in Arbeit",
        "target_group": "Langzeitarbeitslose mit Suchtproblemen",
        "working_field": "health",
        "step-1-title": "Beratung",
        "step-1-partner_id": str(network.counselling.id),
        "step-1-legal_domain": "SGB II",
        "step-1-max_wait_days": "14",
        "step-2-title": "Entzug",
        "step-2-partner_id": str(network.clinic.id),
        "step-2-legal_domain": "SGB V",
        "step-3-title": "",
        **fields,
    }


def _case_with_consents(web, pseudonym: str) -> int:
    operator = Actor.operator("test")
    with web.deployment.transaction() as session:
        today = web.deployment.today()
        case = create_case(session, CaseDraft(pseudonym=pseudonym), today=today, actor=operator)
        for partner in (web.network.counselling, web.network.clinic):
            give_consent(
                session,
                case.id,
                ConsentDraft(partner_id=partner.id, purpose="Kette"),
                today=web.deployment.today(),
                actor=operator,
            )
        return case.id


def test_a_coordinator_builds_a_chain_and_the_partners_agree(web):
    coordinator = web.sign_in("coordinator")
    network = web.network
    assert coordinator.get("/chains").status_code == 200
    assert 'id="step-1-title"' in coordinator.get("/chains/new").text

    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/chains",
        _chain_form(network, name="", **{"step-2-legal_domain": "", "step-1-max_wait_days": "-1"}),
    )
    assert bad.status_code == 422 and 'id="name-error"' in bad.text
    assert "Ein Schritt braucht einen Titel" in bad.text and 'value="Entzug"' in bad.text
    stepless = coordinator.post(
        "/chains", {"key": "leer", "name": "Leer", "target_group": "Alle", "step-1-title": ""}
    )
    assert (
        stepless.status_code == 422 and "Eine Kette hat mindestens einen Schritt." in stepless.text
    )
    negative = coordinator.post("/chains", _chain_form(network, **{"step-1-max_wait_days": "-1"}))
    assert negative.status_code == 422 and 'id="step-1-max_wait_days-error"' in negative.text
    assert snapshot(web.deployment) == before

    built = coordinator.post("/chains", _chain_form(network), follow_redirects=False)
    assert built.status_code == 303
    path = built.headers["location"]
    page = coordinator.get(path).text
    assert "Die Dienstleistungskette ist angelegt" in page and "noch nicht verbindlich" in page
    assert page.count("Zustimmung fehlt") == 2
    assert "Von der Sucht in Arbeit" in coordinator.get("/chains").text

    for partner in (network.counselling, network.clinic):
        agreed = coordinator.post(
            f"{path}/agreements",
            {"partner_id": str(partner.id), "agreed_by": "Geschäftsführung"},
            follow_redirects=False,
        )
        assert agreed.status_code == 303
    page = coordinator.get(path).text
    assert "verbindlich: alle Partner" in page and "Eine Person in die Kette aufnehmen" in page

    edit = coordinator.get(f"{path}/edit").text
    assert 'value="Entzug"' in edit and 'id="step-4-title"' in edit, "two spare rows"
    form = {**_chain_form(network), "version": _version(edit), "active": "1"}
    del form["key"]
    form["step-3-title"] = "Arbeit"
    form["step-3-partner_id"] = str(network.jobcenter.id)
    form["step-3-legal_domain"] = "SGB II"
    changed = coordinator.post(path, form, follow_redirects=False)
    assert changed.status_code == 303
    page = coordinator.get(path).text
    assert "3. Arbeit" in page and page.count("Zustimmung fehlt") == 3, "new steps void agreements"

    before = snapshot(web.deployment)
    stale = coordinator.post(path, {**form, "name": "Veraltet"})
    assert stale.status_code == 409 and "inzwischen" in stale.text
    assert 'value="Von der Sucht in Arbeit"' in stale.text
    assert snapshot(web.deployment) == before


def test_people_move_along_a_chain_and_the_report_counts_them(web):
    coordinator = web.sign_in("coordinator")
    network = web.network
    path = coordinator.post("/chains", _chain_form(network), follow_redirects=False).headers[
        "location"
    ]
    chain_id = int(path.rsplit("/", 1)[1])
    first = _case_with_consents(web, "F-1")
    second = _case_with_consents(web, "F-2")
    start = {"case_id": str(first), "from_partner_id": str(network.jobcenter.id)}
    before = snapshot(web.deployment)
    not_binding = coordinator.post(f"{path}/instances", start)
    assert not_binding.status_code == 422 and "noch nicht von allen Partnern" in not_binding.text
    assert snapshot(web.deployment) == before

    for partner in (network.counselling, network.clinic):
        coordinator.post(f"{path}/agreements", {"partner_id": str(partner.id), "agreed_by": "GF"})
    for case in (first, second):
        started = coordinator.post(
            f"{path}/instances", {**start, "case_id": str(case)}, follow_redirects=False
        )
        assert started.status_code == 303
    again = coordinator.post(f"{path}/instances", start)
    assert again.status_code == 422 and "bereits in der Kette" in again.text
    page = coordinator.get(path).text
    assert "F-1" in page and "F-2" in page and "ist in der Kette" not in page

    with web.deployment.session() as session:
        instances = {
            i.case_id: i
            for i in session.exec(select(ChainInstance).where(ChainInstance.chain_id == chain_id))
        }
    one, two = instances[first], instances[second]
    early = coordinator.post(
        f"/chain-instances/{one.id}/advance", {"version": str(one.version)}, follow_redirects=True
    )
    assert "noch keinen Erstkontakt" in early.text

    member = web.sign_in("partner_member")
    with web.deployment.session() as session:
        referral = session.exec(select(Referral).where(Referral.chain_instance_id == one.id)).one()
    for move in ("accept", "record_first_contact"):
        assert member.post(f"/referrals/{referral.id}/{move}", {}).status_code in (200, 303)
    moved = coordinator.post(
        f"/chain-instances/{one.id}/advance", {"version": str(one.version)}, follow_redirects=True
    )
    assert "F-1 wurde an den nächsten Schritt übergeben." in moved.text

    no_reason = coordinator.post(
        f"/chain-instances/{two.id}/drop-out",
        {"version": str(two.version), "reason": ""},
        follow_redirects=True,
    )
    assert "Bitte angeben, warum" in no_reason.text
    left = coordinator.post(
        f"/chain-instances/{two.id}/drop-out",
        {"version": str(two.version), "reason": "umgezogen"},
        follow_redirects=True,
    )
    assert "F-2 hat die Kette verlassen." in left.text and "umgezogen" in left.text
    report = re.search(r'id="report-heading".*?</table>', left.text, re.S).group(0)
    first_step = re.search(r"<tr>\s*<td>1\. Beratung</td>(.*?)</tr>", report, re.S).group(1)
    figures = re.findall(r'<td class="num">([^<]*)</td>', first_step)
    assert figures[:2] == ["2", "1"], "two referred to step 1, one reached"
    assert figures[-1] == "1", "one dropped out at step 1"

    with web.deployment.session() as session:
        steps_changed = session.get(ServiceChain, chain_id).version
    edit = {**_chain_form(network), "version": str(steps_changed), "active": "1"}
    del edit["key"]
    edit["step-2-title"] = "Reha"
    in_use = coordinator.post(path, edit)
    assert in_use.status_code == 409 and "Es sind Personen in dieser Kette" in in_use.text


def test_who_may_do_what_on_a_chain(web):
    coordinator = web.sign_in("coordinator")
    network = web.network
    path = coordinator.post("/chains", _chain_form(network), follow_redirects=False).headers[
        "location"
    ]
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        page = browser.get(path).text
        assert "Von der Sucht in Arbeit" in page and "Wie die Schritte laufen" in page
        assert "Dienstleistungskette ändern" not in page and "Zustimmung erfassen" not in page
        assert "Dienstleistungskette anlegen" not in browser.get("/chains").text
        assert browser.get("/chains/new").status_code == 403
        assert browser.get(f"{path}/edit").status_code == 403
        refused = browser.post(f"{path}/agreements", {"partner_id": "1", "agreed_by": "x"})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        assert browser.post("/chains", _chain_form(network)).status_code == 403
    assert "Personen in der Kette" not in web.sign_in("partner_member").get(path).text
    assert snapshot(web.deployment) == before
