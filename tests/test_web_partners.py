"""The directory kept in the browser: partners added and changed by coordinators, contact
data and contact people kept by the partner's own members."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries the version it was read at"
    return found.group(1)


def _partner(web, key: str = "suchtberatung") -> Partner:
    with web.deployment.session() as session:
        return session.exec(select(Partner).where(Partner.key == key)).one()


def _audit(web, action: str) -> list[AuditEvent]:
    with web.deployment.session() as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_coordinator_adds_a_partner_and_every_problem_is_named(web):
    coordinator = web.sign_in("coordinator")
    assert "Partner hinzufügen" in coordinator.get("/partners").text
    assert coordinator.get("/partners/new").status_code == 200
    before = snapshot(web.deployment)
    bad = {"key": "Tafel Nord", "name": "", "kind": "charity", "email": "tafel-at-nord"}
    answer = coordinator.post("/partners", bad)
    assert answer.status_code == 422
    assert "Nur Kleinbuchstaben" in answer.text and 'id="name-error"' in answer.text
    assert "Bitte eine E-Mail-Adresse angeben" in answer.text
    assert 'value="Tafel Nord"' in answer.text
    taken = coordinator.post("/partners", {**bad, "key": "suchtberatung", "name": "x", "email": ""})
    assert taken.status_code == 422 and 'id="key-error"' in taken.text
    assert snapshot(web.deployment) == before

    good = {
        "key": "tafel-nord",
        "name": "Tafel Nord",
        "kind": "charity",
        "working_fields": ["health"],
        "legal_domains": ["SGB II", "SGB XII"],
        "email": "info@tafel-nord.de",
        "active": "1",
    }
    answer = coordinator.post("/partners", good, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/partners/tafel-nord"
    page = coordinator.get("/partners/tafel-nord").text
    assert "Der Partner wurde in das Verzeichnis aufgenommen." in page
    assert "SGB II, SGB XII" in page and "info@tafel-nord.de" in page
    assert [event.object_id for event in _audit(web, "partner.create")] == ["tafel-nord"]


def test_a_coordinator_changes_and_deactivates_a_partner(web):
    coordinator = web.sign_in("coordinator")
    edit = coordinator.get("/partners/suchtberatung/edit").text
    assert 'name="name"' in edit and 'name="active"' in edit
    form = {
        "version": _version(edit),
        "name": "Suchtberatung Teststadt-Nord",
        "kind": "addiction_counselling",
        "working_fields": ["health"],
        "social_area": "Nord",
    }
    answer = coordinator.post("/partners/suchtberatung", form, follow_redirects=False)
    assert answer.status_code == 303
    partner = _partner(web)
    assert (partner.name, partner.social_area, partner.active) == (
        "Suchtberatung Teststadt-Nord",
        "Nord",
        False,
    )
    changes = _audit(web, "partner.update")[-1].changes
    assert changes["active"] == [True, False] and changes["social_area"] == ["", "Nord"]
    page = coordinator.get("/partners/suchtberatung").text
    assert "(inaktiv)" in page and "Der Partnereintrag wurde gespeichert." in page


def test_a_stale_partner_form_shows_the_entry_as_it_is_now(web):
    coordinator = web.sign_in("coordinator")
    edit = coordinator.get("/partners/suchtberatung/edit").text
    member = web.sign_in("partner_member")
    member_edit = member.get("/partners/suchtberatung/edit").text
    member.post("/partners/suchtberatung", {"version": _version(member_edit), "phone": "0261 1"})
    before = snapshot(web.deployment)
    form = {"version": _version(edit), "name": "Meine Fassung", "kind": "addiction_counselling"}
    answer = coordinator.post("/partners/suchtberatung", form)
    assert answer.status_code == 409 and "inzwischen" in answer.text
    assert 'value="0261 1"' in answer.text and "Meine Fassung" not in answer.text
    assert snapshot(web.deployment) == before


def test_a_partner_member_keeps_its_own_contact_data_only(web):
    member = web.sign_in("partner_member")
    page = member.get("/partners/suchtberatung").text
    assert "Eintrag ändern" in page and "Kontaktperson hinzufügen" in page
    edit = member.get("/partners/suchtberatung/edit").text
    assert 'name="phone"' in edit and 'name="name"' not in edit and 'name="active"' not in edit
    form = {
        "version": _version(edit),
        "phone": "0261 555",
        "email": "kontakt@sucht.de",
        "name": "Umbenannt",
        "active": "",
    }
    answer = member.post("/partners/suchtberatung", form, follow_redirects=False)
    assert answer.status_code == 303
    partner = _partner(web)
    assert (partner.phone, partner.email) == ("0261 555", "kontakt@sucht.de")
    assert partner.name == "Suchtberatung Teststadt" and partner.active

    before = snapshot(web.deployment)
    for role, path in (("other_member", "/partners/suchtberatung"), ("viewer", "/partners/klinik")):
        browser = web.sign_in(role)
        page = browser.get(path).text
        assert "Eintrag ändern" not in page and "Kontaktperson hinzufügen" not in page
        refused = browser.get(f"{path}/edit")
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        posted = browser.post(path, {"version": "1", "phone": "0"})
        assert posted.status_code == 403
        assert browser.post(f"{path}/contacts", {"name": "X"}).status_code == 403
    assert web.sign_in("viewer").get("/partners/new").status_code == 403
    assert snapshot(web.deployment) == before


def test_contact_people_are_added_changed_and_deactivated(web):
    member = web.sign_in("partner_member")
    empty = member.post("/partners/suchtberatung/contacts", {"name": " ", "email": "x"})
    assert empty.status_code == 422
    assert 'id="name-error"' in empty.text and "Bitte eine E-Mail-Adresse" in empty.text
    added = member.post(
        "/partners/suchtberatung/contacts",
        {"name": "Eva Rat", "role": "Beraterin", "email": "eva@sucht.de"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    with web.deployment.session() as session:
        eva = session.exec(select(Person).where(Person.name == "Eva Rat")).one()
    page = member.get("/partners/suchtberatung").text
    assert "Die Kontaktperson wurde hinzugefügt." in page and "eva@sucht.de" in page
    edit = member.get(f"/partners/suchtberatung/contacts/{eva.id}/edit").text
    assert 'value="Beraterin"' in edit
    changed = member.post(
        f"/partners/suchtberatung/contacts/{eva.id}",
        {"name": "Eva Rat", "role": "Leitung", "email": "eva@sucht.de"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    with web.deployment.session() as session:
        eva = session.get(Person, eva.id)
        assert (eva.role, eva.active) == ("Leitung", False)
    assert [event.action for event in _audit(web, "contact.update")] == ["contact.update"]
    assert "Eva Rat" not in web.sign_in("viewer").get("/partners/suchtberatung").text
    refused = web.sign_in("other_member").get(f"/partners/suchtberatung/contacts/{eva.id}/edit")
    assert refused.status_code == 403


GOOD_FILE = (
    "key;name;kind;working_fields;phone;contact_name;contact_role\n"
    "suchtberatung;Suchtberatung Teststadt;addiction_counselling;health;0261 9;;\n"
    "tafel;Tafel Teststadt;charity;;;Eva Rat;Leitung\n"
    "klinik;Fachklinik Teststadt;clinic;;;;\n"
)


def test_a_partner_file_is_previewed_then_imported_whole(web):
    coordinator = web.sign_in("coordinator")
    assert "Aus einer Datei importieren" in coordinator.get("/partners").text
    before = snapshot(web.deployment)
    preview = coordinator.post(
        "/partners/import/preview",
        files={"file": ("partner.csv", GOOD_FILE.encode(), "text/csv")},
    )
    assert preview.status_code == 200
    assert "partner.csv: 1 neu, 1 geändert, 1 unverändert" in preview.text
    assert "phone, working_fields" in preview.text and "neuer Partner" in preview.text
    assert snapshot(web.deployment) == before, "a preview writes nothing"
    content = re.search(r'name="content" value="([^"]+)"', preview.text).group(1)
    answer = coordinator.post(
        "/partners/import",
        {"file_name": "partner.csv", "content": content},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = coordinator.get("/partners").text
    assert "partner.csv importiert: 1 Partner angelegt, 2 aktualisiert." in page
    assert _partner(web).phone == "0261 9" and _partner(web, "tafel").name == "Tafel Teststadt"
    assert _audit(web, "partner.import")[-1].changes["file"] == "partner.csv"


def test_a_bad_partner_file_names_each_row_and_column_and_writes_nothing(web):
    coordinator = web.sign_in("coordinator")
    before = snapshot(web.deployment)
    bad = "key;name;kind;email\ntafel;;charity;x\nTafel 2;Tafel;charity;\n"
    answer = coordinator.post(
        "/partners/import/preview", files={"file": ("partner.csv", bad.encode(), "text/csv")}
    )
    assert answer.status_code == 422
    assert "partner.csv wurde nicht importiert" in answer.text
    cells = re.findall(r"<tr><td>(\d*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>", answer.text)
    assert ("2", "name", "Pflichtfeld, aber leer") in cells
    assert any(row == "2" and column == "email" for row, column, _ in cells)
    assert any(row == "3" and column == "key" for row, column, _ in cells)
    empty = coordinator.post("/partners/import/preview", {})
    assert empty.status_code == 422 and "Bitte eine CSV- oder XLSX-Datei wählen." in empty.text
    forged = coordinator.post("/partners/import", {"file_name": "x.csv", "content": "%%%"})
    assert forged.status_code == 422
    assert snapshot(web.deployment) == before
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        assert browser.get("/partners/import").status_code == 403
        refused = browser.post(
            "/partners/import/preview", files={"file": ("p.csv", GOOD_FILE.encode(), "text/csv")}
        )
        assert refused.status_code == 403


def test_a_partners_page_shows_how_it_kept_its_commitments_month_by_month(web):
    """The overdue task of the counselling service shows in its current month's bar."""
    page = web.sign_in("viewer").get("/partners/suchtberatung").text
    trend = page.split("In den letzten zwölf Monaten")[1].split("</section>")[0]
    assert "Zusagen termingerecht erfüllt" in trend and "Überfällige Aufgaben" in trend
    assert trend.count('<figure class="chart">') == 2
    overdue = trend[trend.index("Überfällige Aufgaben") :]
    month = re.findall(r"<title>([^<]+): 1</title>", overdue)
    assert len(month) == 1, "one month holds the overdue task"
