"""The web interface in a real browser: Debian's Chromium driven by Playwright against a real
``netzwerker serve``. Each test photographs its pages into ``screenshots/`` (or the folder
``NETZWERKER_SCREENSHOTS`` names) for a reviewer.

Without Chromium each test is reported as skipped, unless ``NETZWERKER_BROWSER_REQUIRED`` is set (as CI
does), which makes a missing browser a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from netzwerker.deployment import Deployment
from netzwerker.testing import (
    ALL_PLUGINS_CONFIG,
    WEB_PASSWORD,
    Network,
    ServerProcess,
    route_shapes,
    running_server,
    snapshot,
    walk,
    web_network,
)

CHROMIUM = os.environ.get("NETZWERKER_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(
    os.environ.get("NETZWERKER_SCREENSHOTS", Path(__file__).resolve().parents[1] / "screenshots")
)

try:
    import playwright.sync_api as playwright_api
except ImportError:
    playwright_api = None

#: axe-core, installed from the npm registry by ``npm ci --prefix tests/axe`` (as CI does).
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"

MISSING = (
    f"no Chromium at {CHROMIUM}"
    if not Path(CHROMIUM).exists()
    else ("Playwright is not installed" if playwright_api is None else None)
)
if MISSING and os.environ.get("NETZWERKER_BROWSER_REQUIRED"):
    raise RuntimeError(f"{MISSING}: apt-get install chromium; uv sync")
if not AXE.exists() and os.environ.get("NETZWERKER_BROWSER_REQUIRED"):
    raise RuntimeError(f"no axe-core at {AXE}: npm ci --prefix tests/axe")
# Each test is reported as skipped on its own, so a reader sees how many did not run.
pytestmark = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


# Rating schemes, so that the appraisal's forms are there to be driven.
APPRAISAL_SCHEMES = """
[appraisal.quality]
criteria = [{ key = "bedarfsgerecht", name = "Bedarfsgerecht", weight = 2.0 }]

[appraisal.priorities]
scale = 3
criteria = [{ key = "bedarf", name = "Bedarf" }]
"""


class Site(NamedTuple):
    """A running server on the sample network, with the two tasks of ``web_network``."""

    server: ServerProcess
    network: Network
    deployment: Deployment
    counselling_task: int
    clinic_task: int


@pytest.fixture
def site(make_deployment) -> Iterator[Site]:
    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG + APPRAISAL_SCHEMES, migrate=True)
    network, counselling_task, clinic_task = web_network(deployment)
    with running_server(deployment.folder) as server:
        yield Site(server, network, deployment, counselling_task, clinic_task)


@pytest.fixture
def page(chromium, site) -> Iterator[object]:
    """A fresh browser context that records every request it makes."""
    server = site.server
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    tab = context.new_page()
    tab.requests = []  # type: ignore[attr-defined]
    tab.on("request", lambda request: tab.requests.append(request.url))
    refused: list[str] = []
    tab.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    tab.address = server.address  # type: ignore[attr-defined]
    yield tab
    outside = [url for url in tab.requests if not url.startswith(server.address)]
    context.close()
    assert outside == [], "requests left the machine"
    assert refused == [], "the pages broke their own Content-Security-Policy"


def shoot(page, name: str) -> None:
    # A label or a skip link finds its field only when ids are unique on the page.
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(element => element.id)")
    assert sorted({i for i in ids if ids.count(i) > 1}) == [], f"ids used twice on {page.url}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str, password: str = WEB_PASSWORD) -> None:
    page.goto(page.address + "/")
    assert "/login" in page.url
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(page.address + "/")


def sign_out(page) -> None:
    page.get_by_role("button", name="Abmelden", exact=True).click()
    page.wait_for_url(re.compile(r".*/login.*"))


def refused(page, path: str) -> None:
    """The German 403 page, for a form the signed-in role may not use."""
    response = page.goto(page.address + path)
    assert response.status == 403, path
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Keine Berechtigung")


def flash(page, text: str) -> None:
    playwright_api.expect(page.locator(".flash")).to_contain_text(text)


FORGE = """([action, fields]) => {
    const form = document.createElement("form");
    form.method = "post";
    form.action = action;
    form.append(document.querySelector("input[name=_csrf_token]").cloneNode());
    for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement("input");
        input.name = name;
        input.value = value;
        form.append(input);
    }
    document.body.append(form);
    form.submit();
}"""


def forged(page, action: str, **fields: str) -> None:
    """Post a form the page does not offer, as someone with the browser's developer tools
    could: the German 403 page answers."""
    with page.expect_navigation() as navigation:
        page.evaluate(FORGE, [action, fields])
    assert navigation.value.status == 403, action
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Keine Berechtigung")


def fill(page, **values: str) -> None:
    """Type each value into the field of that id."""
    for field, value in values.items():
        page.locator(f"#{field}").fill(value)


#: The two steps of the chain the tests build: title, partner, legal domain.
CHAIN_STEPS = (
    ("Beratung", "Suchtberatung Teststadt", "SGB II"),
    ("Entzug", "Fachklinik Teststadt", "SGB V"),
)


def fill_chain(page, target_group: str) -> None:
    """The form of a new chain "Von der Sucht in Arbeit" with :data:`CHAIN_STEPS`."""
    fill(page, key="sucht-arbeit", name="Von der Sucht in Arbeit")
    page.get_by_label("Zielgruppe").fill(target_group)
    for row, (title, partner, domain) in enumerate(CHAIN_STEPS, 1):
        page.locator(f"#step-{row}-title").fill(title)
        page.locator(f"#step-{row}-partner_id").select_option(label=partner)
        page.locator(f"#step-{row}-legal_domain").select_option(domain)


def new_budget_training(page, title: str, key: str, sessions: str) -> str:
    """Record a project idea of the type budget training; its page's address."""
    page.goto(page.address + "/projects/new")
    page.get_by_label("Projektart").select_option("budget_training")
    # htmx shows the details the chosen type asks for.
    page.get_by_label("Termine").fill(sessions)
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Kürzel").fill(key)
    page.get_by_role("button", name="Erfassen").click()
    page.wait_for_url(re.compile(r".*/projects/\d+$"))
    return page.url


def open_case(page, pseudonym: str) -> str:
    """Open a case; its page's address."""
    page.goto(page.address + "/cases")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Eröffnen").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    return page.url


def record_consent(page, partner: str, purpose: str) -> None:
    """On a case's page: the person's consent to pass data to ``partner``."""
    page.get_by_label("Partner, der die Daten erhalten darf").select_option(label=partner)
    page.get_by_label("Zweck").fill(purpose)
    with page.expect_navigation():
        page.get_by_role("button", name="Erfassen").click()


def plan_conference(page, key: str, title: str, day: str, capacity: str) -> str:
    """Plan a conference from 10 to 15 o'clock on ``day``; its page's address."""
    page.goto(page.address + "/conferences/new")
    fill(
        page,
        key=key,
        title=title,
        starts_at=f"{day}T10:00",
        ends_at=f"{day}T15:00",
        capacity=capacity,
    )
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/conferences/\d+$"))
    return page.url


def overdue_section(page):
    return page.locator("section#overdue")


def test_a_coordinator_proposes_a_task_and_a_partner_commits_and_delivers(page, site):
    network = site.network
    page.goto(page.address + "/")
    shoot(page, "01-anmeldung")
    sign_in(page, "coordinator")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Übersicht")
    assert "Erstgespräche innerhalb von 14 Tagen anbieten" in overdue_section(page).inner_text()
    shoot(page, "02-uebersicht")

    # The form keeps what was typed and says what is missing, in German.
    page.get_by_role("link", name="Aufgaben", exact=True).click()
    shoot(page, "03-aufgaben-liste")
    page.get_by_role("link", name="Aufgabe vorschlagen").first.click()
    page.get_by_label("Titel").fill("Sprechstunde Sucht im Jobcenter anbieten")
    page.get_by_label("Arbeitsfeld").select_option("health")
    page.get_by_label("Verantwortlicher Partner").select_option(str(network.counselling.id))
    page.get_by_role("button", name="Vorschlagen").click()
    assert page.get_by_label("Titel").input_value() == "Sprechstunde Sucht im Jobcenter anbieten"
    playwright_api.expect(page.locator(".field", has=page.locator("#due_date"))).to_contain_text(
        "Bitte ausfüllen."
    )
    shoot(page, "04-aufgabe-formularfehler")
    page.get_by_label("Fällig am").fill("2020-03-02")
    page.get_by_label("Koordination").select_option(str(network.coordinator.id))
    page.get_by_role("button", name="Vorschlagen").click()
    page.wait_for_url(re.compile(r".*/tasks/\d+$"))
    new_task = page.url.rsplit("/", 1)[1]
    playwright_api.expect(page.locator(".task-state")).to_contain_text("vorgeschlagen")
    shoot(page, "05-aufgabe-vorgeschlagen")
    page.goto(page.address + "/")
    assert "Sprechstunde Sucht im Jobcenter anbieten" in overdue_section(page).inner_text()
    sign_out(page)

    # The partner's member commits, then delivers: the task leaves the overdue list.
    sign_in(page, "partner-member")
    page.goto(f"{page.address}/tasks/{new_task}")
    page.get_by_role("button", name="Ablehnen").click()
    playwright_api.expect(page.locator("#reason-decline-error")).to_be_visible()
    page.get_by_role("button", name="Zusagen").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("zugesagt")
    playwright_api.expect(page.locator(".flash")).to_contain_text("Gespeichert")
    shoot(page, "06-aufgabe-zugesagt")
    page.get_by_role("button", name="Als erledigt melden").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("erledigt")
    page.goto(page.address + "/")
    overdue = overdue_section(page).inner_text()
    assert "Sprechstunde Sucht im Jobcenter anbieten" not in overdue
    assert "Erstgespräche innerhalb von 14 Tagen anbieten" in overdue
    shoot(page, "07-uebersicht-partner")

    # A page the role does not allow: the German 403 page.
    response = page.goto(page.address + "/tasks/new")
    assert response.status == 403
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Keine Berechtigung")
    shoot(page, "08-keine-berechtigung")


def test_the_directory_the_board_and_a_plugin_page(page, site):
    sign_in(page, "coordinator")
    page.get_by_role("link", name="Partner", exact=True).click()
    page.get_by_label("Suche").fill("sucht")
    playwright_api.expect(page.locator("#results")).not_to_contain_text("Fachklinik")
    playwright_api.expect(page.locator("#results")).to_contain_text("Suchtberatung Teststadt")
    assert "q=sucht" in page.url
    shoot(page, "09-partner-suche")
    page.get_by_role("link", name="Suchtberatung Teststadt").click()
    playwright_api.expect(page.get_by_text("Verlässlichkeit der Zusagen")).to_be_visible()
    shoot(page, "10-partner-seite")
    page.goto(page.address + "/tasks/board")
    playwright_api.expect(
        page.get_by_role("heading", name=re.compile("vorgeschlagen"))
    ).to_be_visible()
    shoot(page, "11-aufgaben-tafel")
    page.get_by_role("link", name="Fallzahlen").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fallzahlen der Coaches"
    )
    shoot(page, "12-fallzahlen-plugin")
    page.get_by_role("link", name="Arbeitsfelder").click()
    page.get_by_role("link", name="Gesundheit").first.click()
    assert page.locator("figure.chart svg").count() >= 1
    shoot(page, "13-arbeitsfeld-kennzahlen")
    page.get_by_role("link", name="Kreise", exact=True).click()
    page.get_by_role("link", name="Suchtarbeitskreis").click()
    page.locator("#day").fill("2027-02-03")
    page.locator("#starts").fill("14:00")
    page.get_by_role("button", name="Planen").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    page.get_by_label("Beschluss", exact=True).fill("Erstgespräche binnen 14 Tagen")
    page.get_by_label("Aufgabe", exact=True).fill("Termine für Erstgespräche freihalten")
    page.get_by_label("Verantwortlicher Partner").select_option(label="Suchtberatung Teststadt")
    page.get_by_label("Fällig am").fill("2027-03-01")
    page.get_by_role("button", name="Beschluss erfassen").click()
    playwright_api.expect(page.locator("#decisions")).to_contain_text(
        "Termine für Erstgespräche freihalten"
    )
    shoot(page, "14-sitzung-beschluss")


def test_a_project_a_referral_the_catalogue_and_the_network_picture(page, site):
    network = site.network
    sign_in(page, "coordinator")
    page.get_by_role("link", name="Projekte", exact=True).click()
    page.get_by_role("link", name="Projektidee erfassen").click()
    page.get_by_label("Projektart").select_option("budget_training")
    # htmx shows the details the chosen type asks for.
    page.get_by_label("Termine").fill("6")
    page.get_by_label("Titel").fill("Budgettraining für Alleinerziehende")
    page.get_by_label("Kürzel").fill("budget-alleinerziehende")
    page.get_by_label("Federführender Partner").select_option(str(network.counselling.id))
    page.get_by_role("button", name="Erfassen").click()
    page.wait_for_url(re.compile(r".*/projects/\d+$"))
    page.get_by_role("button", name="Konzept vorlegen").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("Konzept")
    page.get_by_label("Quelle").select_option("esf")
    page.get_by_label("Beantragter Betrag (EUR)").fill("12.500")
    page.get_by_role("button", name="Erfassen").click()
    playwright_api.expect(page.locator("#funding-heading + ul")).to_contain_text("12.500,00")
    shoot(page, "15-projekt-foerderung")

    page.get_by_role("link", name="Fälle und Verweisungen").click()
    page.get_by_role("link", name="Alle Fälle").click()
    page.get_by_label("Pseudonym").fill("F-2026-042")
    page.get_by_role("button", name="Eröffnen").click()
    page.wait_for_url(re.compile(r".*/cases/\d+$"))
    record_consent(page, "Fachklinik Teststadt", "Entgiftung")
    page.get_by_label("Vom Partner").select_option(str(network.counselling.id))
    page.get_by_label("An den Partner").select_option(str(network.clinic.id))
    page.get_by_role("button", name="Verweisen").click()
    page.wait_for_url(re.compile(r".*/referrals/\d+$"))
    playwright_api.expect(page.locator(".task-state")).to_contain_text("gesendet")
    shoot(page, "16-verweisung")
    sign_out(page)
    sign_in(page, "other-member")
    page.get_by_role("link", name="Fälle und Verweisungen").click()
    page.get_by_role("link", name="F-2026-042").click()
    page.get_by_role("button", name="Annehmen").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("angenommen")
    sign_out(page)

    sign_in(page, "coordinator")
    page.get_by_role("link", name="Angebote und Bedarfe").click()
    playwright_api.expect(
        page.get_by_role("heading", name="Mögliche Doppelstrukturen")
    ).to_be_visible()
    shoot(page, "17-angebote-bedarfe")
    page.get_by_role("link", name="Netzwerkbild").click()
    picture = page.locator("figure.network svg")
    assert picture.locator("a[href='/partners/suchtberatung']").count() == 1
    assert picture.locator("line.edge-project").count() == 1
    shoot(page, "18-netzwerkbild")


def test_a_declined_task_is_handed_to_another_partner(page, site):
    network = site.network
    sign_in(page, "partner-member")
    page.get_by_role("link", name="Erstgespräche innerhalb von 14 Tagen anbieten").first.click()
    page.locator("#reason-decline").fill("Keine Kapazitäten bis Sommer")
    page.get_by_role("button", name="Ablehnen").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("abgelehnt")
    task_url = page.url
    sign_out(page)

    sign_in(page, "coordinator")
    page.goto(task_url)
    page.get_by_role("link", name="An einen anderen Partner übergeben").click()
    page.get_by_label("Verantwortlicher Partner").select_option(str(network.clinic.id))
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".field", has=page.locator("#reason"))).to_contain_text(
        "Bitte einen Grund"
    )
    page.get_by_label("Grund der Änderung").fill("Die Klinik übernimmt die Erstgespräche")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(task_url)
    playwright_api.expect(page.locator(".task-state")).to_contain_text("vorgeschlagen")
    playwright_api.expect(page.locator(".facts")).to_contain_text("Fachklinik Teststadt")
    shoot(page, "19-aufgabe-uebergeben")


def test_tasks_move_on_the_board_by_drag_and_drop_and_by_keyboard(page, site):
    sign_in(page, "partner-member")
    page.goto(page.address + "/tasks/board")
    card = f"#card-{site.counselling_task}"

    def column(status: str):
        return page.locator(f"section.column[data-status={status}]")

    # Each column scrolls on its own: the board stays one screen high.
    overflow = column("proposed").locator("ul").evaluate("list => getComputedStyle(list).overflowY")
    assert overflow == "auto"
    assert column("proposed").locator(card).count() == 1
    with page.expect_navigation():
        page.locator(card).drag_to(column("committed"))
    flash(page, "ist jetzt „zugesagt“")
    playwright_api.expect(column("committed").locator(card)).to_be_visible()

    # A step that needs a reason asks for it, and moves nothing without one.
    page.locator(card).drag_to(column("blocked"))
    dialog = page.get_by_role("dialog")
    playwright_api.expect(dialog).to_be_visible()
    playwright_api.expect(dialog.get_by_role("heading")).to_contain_text("Blockieren")
    dialog.get_by_role("button", name="Blockieren").click()
    playwright_api.expect(dialog).to_contain_text("Bitte einen Grund für diesen Schritt angeben.")
    shoot(page, "39-tafel-grund")
    dialog.get_by_role("button", name="Zurück").click()
    playwright_api.expect(dialog).to_be_hidden()
    playwright_api.expect(column("committed").locator(card)).to_be_visible()
    page.locator(card).drag_to(column("blocked"))
    dialog.get_by_label("Begründung").fill("Kein Raum frei bis März")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Blockieren").click()
    playwright_api.expect(column("blocked").locator(card)).to_be_visible()

    # A column the workflow does not lead to: a message, and the card stays.
    page.locator(card).drag_to(column("done"))
    playwright_api.expect(page.locator("#board-message")).to_have_text(
        "In diese Spalte kann die Aufgabe nicht verschoben werden."
    )
    playwright_api.expect(column("blocked").locator(card)).to_be_visible()

    # The same by keyboard: the card's "Verschieben" offers each step as a button.
    page.locator(f"{card} summary").focus()
    page.keyboard.press("Enter")
    page.locator(f"{card}").get_by_role("button", name="Fortsetzen").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    playwright_api.expect(column("in_progress").locator(card)).to_be_visible()
    shoot(page, "40-tafel")
    page.goto(f"{page.address}/tasks/{site.counselling_task}")
    playwright_api.expect(page.locator("main")).to_contain_text("Kein Raum frei bis März")

    # Cards of other partners' tasks are not for it to move.
    sign_out(page)
    sign_in(page, "other-member")
    page.goto(page.address + "/tasks/board")
    assert page.locator(f"{card}[draggable=true]").count() == 0
    assert page.locator(f"{card} details").count() == 0


def test_an_admin_switches_a_working_field_off_and_on_and_sets_it_up(page, site):
    sign_in(page, "admin")
    page.get_by_role("link", name="Verwaltung").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text(
        "Arbeitsfelder und Erweiterungen"
    )
    exchange = page.locator("#plugin-transnational")
    exchange.get_by_role("button", name="Ausschalten").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text("transnational ist ausgeschaltet")
    playwright_api.expect(
        page.locator("#plugin-transnational").get_by_role("button", name="Einschalten")
    ).to_be_visible()
    page.locator("#plugin-transnational").get_by_role("button", name="Einschalten").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text("transnational ist eingeschaltet")
    health = page.locator("#plugin-health")
    health.locator("summary").click()
    health.get_by_label("Höchste Wartezeit (Tage)").fill("0")
    health.get_by_role("button", name="Einstellungen speichern").click()
    playwright_api.expect(page.locator("#plugin-health")).to_contain_text(
        "Bitte 1 oder mehr angeben."
    )
    page.locator("#plugin-health").get_by_label("Höchste Wartezeit (Tage)").fill("21")
    page.locator("#plugin-health").get_by_role("button", name="Einstellungen speichern").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text(
        "Die Einstellungen von health wurden gespeichert."
    )
    shoot(page, "20-verwaltung-arbeitsfelder")


def test_a_coordinator_keeps_partners_and_imports_them_and_an_admin_adds_a_user(page, site):
    sign_in(page, "coordinator")
    page.goto(page.address + "/partners")
    page.get_by_role("link", name="Partner hinzufügen").click()
    page.locator("#key").fill("tafel")
    page.locator("#name").fill("Tafel Teststadt")
    page.get_by_label("Art").select_option(index=1)
    page.get_by_label("E-Mail").fill("keine adresse")
    page.get_by_role("button", name="Hinzufügen").click()
    playwright_api.expect(page.locator("#email-error")).to_be_visible()
    shoot(page, "21-partner-anlegen")
    page.get_by_label("E-Mail").fill("info@tafel.example")
    page.get_by_role("button", name="Hinzufügen").click()
    page.wait_for_url(re.compile(r".*/partners/tafel$"))
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Tafel Teststadt")

    page.goto(page.address + "/partners/import")
    upload = b"key,name,kind\nkleiderkammer,Kleiderkammer Nord,charity\ntafel,Tafel Teststadt e. V.,charity\n"
    page.locator("#file").set_input_files(
        {"name": "partner.csv", "mimeType": "text/csv", "buffer": upload}
    )
    page.get_by_role("button", name="Datei prüfen").click()
    playwright_api.expect(page.get_by_role("table")).to_contain_text("Kleiderkammer Nord")
    shoot(page, "22-partner-import-vorschau")
    page.get_by_role("button", name="Importieren").click()
    playwright_api.expect(page.locator(".flash")).to_be_visible()
    page.goto(page.address + "/partners/kleiderkammer")
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Kleiderkammer Nord")

    sign_out(page)
    sign_in(page, "admin")
    page.goto(page.address + "/admin/users")
    page.get_by_label("Benutzername").fill("neu.kollegin")
    page.get_by_label("Funktion").select_option("coordinator")
    page.get_by_role("button", name="Hinzufügen").click()
    playwright_api.expect(page.locator("body")).to_contain_text("neu.kollegin")
    shoot(page, "23-benutzer-anlegen")
    page.goto(page.address + "/account")
    page.get_by_text("Token erstellen").click()
    page.get_by_label("Wofür es ist").fill("Auswertung")
    page.get_by_role("button", name="Erstellen").click()
    page.get_by_role("button", name="Token Auswertung widerrufen").click()
    playwright_api.expect(page.locator("main")).to_contain_text("Das Token wurde widerrufen")

    page.goto(page.address + "/admin/users")
    page.get_by_role("link", name="viewer").click()
    page.get_by_label("Name", exact=True).fill("Vera Lesend")
    page.get_by_label("Aktiv").uncheck()
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_contain_text("(deaktiviert)")
    page.goto(page.address + "/admin/users")
    page.get_by_role("link", name="coordinator").click()
    page.get_by_role("button", name="Passwort zurücksetzen").click()
    one_time = page.locator(".secret code").inner_text()
    sign_out(page)

    # The coordinator signs in with the one-time password and must set an own one first.
    page.get_by_label("Benutzername").fill("coordinator")
    page.get_by_label("Passwort").fill(one_time)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/account/password$"))
    sign_out(page)
    page.get_by_label("Benutzername").fill("viewer")
    page.get_by_label("Passwort").fill(WEB_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    playwright_api.expect(page.locator("main")).to_contain_text("Konto ist gesperrt")


def test_a_coordinator_builds_a_chain_plans_a_conference_sets_a_goal_and_founds_a_circle(
    page, site
):
    sign_in(page, "coordinator")
    page.get_by_role("link", name="Dienstleistungsketten").click()
    page.get_by_role("link", name="Dienstleistungskette anlegen").click()
    fill_chain(page, "Langzeitarbeitslose mit Suchtproblemen")
    page.locator("#step-1-max_wait_days").fill("14")
    shoot(page, "24-kette-anlegen")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/chains/\d+$"))
    playwright_api.expect(page.locator(".flash")).to_contain_text(
        "Dienstleistungskette ist angelegt"
    )
    for partner in ("Suchtberatung Teststadt", "Fachklinik Teststadt"):
        page.locator("#agreements #partner_id").select_option(label=partner)
        page.get_by_label("Für den Partner unterzeichnet von").fill("Geschäftsführung")
        with page.expect_navigation():
            page.get_by_role("button", name="Zustimmung erfassen").click()
        playwright_api.expect(page.locator(".flash")).to_contain_text("ist erfasst")
    playwright_api.expect(page.locator(".lead")).to_contain_text("verbindlich: alle Partner")
    shoot(page, "25-kette")

    page.goto(page.address + "/conferences")
    page.get_by_role("link", name="Konferenz planen").click()
    page.locator("#key").fill("fachtag-2027")
    page.get_by_label("Titel").fill("Fachtag Gesundheit")
    page.get_by_label("Beginn").fill("2027-05-12T09:00")
    page.get_by_label("Ende").fill("2027-05-12T16:00")
    page.get_by_label("Plätze").fill("80")
    shoot(page, "26-konferenz-planen")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/conferences/\d+$"))
    playwright_api.expect(page.locator(".lead")).to_contain_text("12.05.27, 09:00")

    page.goto(page.address + "/fields/health")
    page.get_by_role("link", name="Ziel setzen").click()
    page.locator("#key").fill("erstgespraeche")
    page.get_by_label("Titel").fill("Mehr Erstgespräche")
    page.get_by_label("Zielwert").fill("120")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/fields/health.*"))
    playwright_api.expect(page.locator(".flash")).to_contain_text("Das Ziel ist gesetzt.")
    playwright_api.expect(page.locator("main")).to_contain_text("Mehr Erstgespräche")
    shoot(page, "27-arbeitsfeld-ziele")

    page.goto(page.address + "/circles")
    page.get_by_role("link", name="Kreis gründen").click()
    page.locator("#key").fill("jobcafe")
    page.locator("#name").fill("Jobcafé Nord")
    page.get_by_label("Mitglieder (Partner)").select_option(label="Fachklinik Teststadt")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Jobcafé Nord")


def test_a_partner_member_keeps_its_own_offers_and_a_viewer_sees_no_forms(page, site):
    sign_in(page, "partner-member")
    # The keyboard reaches the content first.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    page.goto(page.address + "/partners/suchtberatung")
    page.get_by_role("link", name="Angebot erfassen").click()
    page.locator("#key").fill("nachsorge")
    page.get_by_label("Titel").fill("Nachsorge nach Entzug")
    page.get_by_label("Zielgruppen").fill("Langzeitarbeitslose, Alleinerziehende")
    page.get_by_label("Problemlagen").fill("Sucht")
    page.get_by_label("Plätze pro Jahr").fill("-4")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator("#capacity-error")).to_be_visible()
    shoot(page, "28-angebot-erfassen")
    page.get_by_label("Plätze pro Jahr").fill("40")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text("Das Angebot ist erfasst.")
    page.goto(page.address + "/catalogue")
    page.get_by_role("link", name="Nachsorge nach Entzug ändern").click()
    page.get_by_label("Plätze pro Jahr").fill("45")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "gespeichert")
    playwright_api.expect(page.locator("main")).to_contain_text("45")
    response = page.goto(page.address + "/partners/klinik/edit")
    assert response.status == 403
    playwright_api.expect(page.get_by_role("heading", level=1)).to_have_text("Keine Berechtigung")
    sign_out(page)

    sign_in(page, "viewer")
    shoot(page, "37-uebersicht-lesend")
    for path, offered in (
        ("/catalogue", "Angebot erfassen"),
        ("/chains", "Dienstleistungskette anlegen"),
        ("/conferences", "Konferenz planen"),
        ("/circles", "Kreis gründen"),
        ("/fields/health", "Ziel setzen"),
        ("/partners/suchtberatung", "Eintrag ändern"),
        ("/catalogue/appraisal", "bewerten"),
        ("/circles", "Kreis ändern"),
        ("/runs", "Beginnen"),
        ("/tasks", "Aufgabe vorschlagen"),
        ("/tasks/board", "Aufgabe vorschlagen"),
    ):
        page.goto(page.address + path)
        assert page.get_by_role("link", name=offered).count() == 0, path
        assert page.locator("main form[method=post]").count() == 0, path
    for listing, detail in (("/tasks", "main table a"), ("/circles", "main a[href^='/circles/']")):
        page.goto(page.address + listing)
        with page.expect_navigation():
            page.locator(detail).first.click()
        assert page.locator("main form[method=post]").count() == 0, page.url


def test_a_coordinator_runs_cases_workflows_households_and_meetings_in_the_browser(page, site):
    sign_in(page, "coordinator")
    page.get_by_role("link", name="Abläufe").click()
    page.get_by_role("link", name="Gestufte Schuldnerberatung").click()
    page.locator("#subject").fill("SB-2027-001")
    page.locator("#data\\.creditors").fill("7")
    page.locator("#data\\.urgency").select_option("eviction")
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    playwright_api.expect(page.locator(".flash")).to_contain_text("angefragt")
    page.locator("#partner-pre_sort").select_option(label="Suchtberatung Teststadt")
    page.get_by_role("button", name="Unterlagen vorsortieren").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("Vorsortierung")
    shoot(page, "29-ablauf")

    open_case(page, "F-2027-007")
    page.locator("#person_id").select_option(label="Tom Hilfe")
    page.locator("#role").select_option("scout")
    page.get_by_role("button", name="Zuordnen").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text("Tom Hilfe arbeitet jetzt")
    page.get_by_role("link", name="Fall ändern").click()
    page.get_by_label("Anmerkung").fill("Erstgespräch geführt")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".description")).to_contain_text("Erstgespräch geführt")

    page.get_by_role("link", name="Haushalte").click()
    page.locator("#reference").fill("BG-2027-014")
    page.locator("#coach_person_id").select_option(label="Tom Hilfe")
    page.get_by_role("button", name="In Begleitung nehmen").click()
    page.wait_for_url(re.compile(r".*/single_parents/households/\d+$"))
    page.locator("#sponsor").fill("Patin A")
    page.get_by_label("Schwerpunkt").fill("Schule")
    page.get_by_role("button", name="Patenschaft erfassen").click()
    playwright_api.expect(page.locator("#sponsorships")).to_contain_text("Patin A")
    page.get_by_label("Ende der Patenschaft mit Patin A").fill("2027-06-30")
    page.get_by_role("button", name="Patenschaft mit Patin A beenden").click()
    playwright_api.expect(page.locator("#sponsorships")).to_contain_text("30.06.2027")
    page.locator("#barriers #kind").select_option(index=1)
    page.get_by_label("Festgestellt am").fill("2027-02-01")
    page.get_by_label("Schritt", exact=True).fill("Antrag auf Kinderbetreuung")
    page.get_by_role("button", name="Barriere erfassen").click()
    playwright_api.expect(page.locator("#barriers")).to_contain_text("Antrag auf Kinderbetreuung")
    page.get_by_label("Leistungsbezug verlassen am").fill("2027-09-01")
    page.get_by_role("button", name="Ausstieg aus dem Leistungsbezug erfassen").click()
    playwright_api.expect(page.locator(".lead")).to_contain_text(
        "Leistungsbezug verlassen am 01.09.2027"
    )
    shoot(page, "30-haushalt-patenschaft")

    page.get_by_role("link", name="Kreise", exact=True).click()
    page.get_by_role("link", name="Suchtarbeitskreis").click()
    page.get_by_role("link", name="Kreis ändern").click()
    page.get_by_label("Mitglieder (Partner)").select_option(label="Suchtberatung Teststadt")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator("main")).to_contain_text("Suchtberatung Teststadt")
    page.locator("#day").fill("2027-02-03")
    page.locator("#starts").fill("14:00")
    page.get_by_role("button", name="Planen").click()
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    page.get_by_role("link", name="Sitzung ändern").click()
    page.get_by_label("Ort").fill("Rathaus, Raum 4")
    page.locator("#status").select_option("held")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("Rathaus, Raum 4")
    page.get_by_label("Suchtberatung Teststadt").check()
    page.get_by_label("Protokoll").fill("Wartezeiten besprochen")
    page.get_by_role("button", name="Protokoll und Anwesenheit speichern").click()
    playwright_api.expect(page.get_by_label("Protokoll")).to_have_value("Wartezeiten besprochen")
    playwright_api.expect(page.get_by_label("Suchtberatung Teststadt")).to_be_checked()


def test_contacts_trainings_needs_conferences_and_ones_own_account(page, site):
    sign_in(page, "partner-member")
    page.goto(page.address + "/partners/suchtberatung")
    page.get_by_text("Kontaktperson hinzufügen").click()
    page.locator("details.add-form #name").fill("Ina Neu")
    page.locator("details.add-form").get_by_role("button", name="Hinzufügen").click()
    playwright_api.expect(page.locator("main")).to_contain_text("Ina Neu")
    page.get_by_role("link", name="Ina Neu ändern").click()
    page.get_by_label("Funktion").fill("Suchtberaterin")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "gespeichert")
    playwright_api.expect(page.locator("main")).to_contain_text("Suchtberaterin")
    page.goto(page.address + "/account")
    page.get_by_text("Token erstellen").click()
    page.get_by_label("Wofür es ist").fill("Fallsystem")
    page.get_by_role("button", name="Erstellen").click()
    playwright_api.expect(page.locator("main")).to_contain_text("nur dieses eine Mal")
    sign_out(page)

    sign_in(page, "coordinator")
    page.goto(page.address + "/health/trainings")
    page.locator("#title").fill("Sucht erkennen")
    page.locator("#participants").fill("18")
    page.get_by_role("button", name="Erfassen").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text("Sucht erkennen")

    page.goto(page.address + "/catalogue")
    page.locator("#target_group").fill("Alleinerziehende")
    page.locator("#problem_area").fill("Kinderbetreuung")
    page.locator("#people").fill("25")
    page.locator("#period_start").fill("2027-01-01")
    page.locator("#period_end").fill("2027-12-31")
    page.get_by_role("button", name="Erfassen").click()
    page.get_by_role("link", name="Alleinerziehende ändern").click()
    page.locator("#people").fill("30")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".flash")).to_contain_text("Der Bedarf wurde gespeichert.")

    plan_conference(page, "netzwerktag", "Netzwerktag", "2027-06-02", capacity="40")
    page.get_by_role("link", name="Konferenz ändern").click()
    page.locator("#capacity").fill("60")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".figures")).to_contain_text("/ 60")

    page.goto(page.address + "/account/password")
    page.locator("#current").fill(WEB_PASSWORD)
    page.locator("#password").fill("ein-noch-laengeres-passwort")
    page.locator("#repeated").fill("ein-noch-laengeres-passwort")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.locator(".flash")).to_be_visible()


def test_a_coordinator_changes_entries_offers_goals_projects_and_rates_them(page, site):
    sign_in(page, "coordinator")
    page.goto(page.address + "/partners/suchtberatung")
    page.get_by_text("Kontaktperson hinzufügen").click()
    page.locator("details.add-form #name").fill("Eva Rat")
    page.locator("details.add-form").get_by_role("button", name="Hinzufügen").click()
    page.get_by_role("link", name="Eva Rat ändern").click()
    page.get_by_label("Funktion").fill("Leitung")
    page.get_by_label("Aktiv").uncheck()
    page.get_by_role("button", name="Speichern").click()
    flash(page, "gespeichert")

    page.goto(page.address + "/catalogue/offers/new")
    page.locator("#key").fill("nachsorge")
    page.get_by_label("Titel").fill("Nachsorge nach Entzug")
    page.locator("#partner_id").select_option(label="Fachklinik Teststadt")
    page.get_by_label("Zielgruppen").fill("Langzeitarbeitslose")
    page.get_by_label("Problemlagen").fill("Sucht")
    page.get_by_label("Plätze pro Jahr").fill("20")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "Das Angebot ist erfasst.")
    page.goto(page.address + "/catalogue")
    change_offer = page.get_by_role("link", name="Nachsorge nach Entzug ändern").first
    offer = change_offer.get_attribute("href").split("/")[3]
    change_offer.click()
    page.get_by_label("Titel").fill("Nachsorge nach dem Entzug")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "gespeichert")

    page.goto(page.address + "/catalogue/appraisal")
    page.get_by_role("link", name="Nachsorge nach dem Entzug bewerten").click()
    page.locator("#score\\.bedarfsgerecht").select_option("4")
    page.get_by_role("button", name="Bewertung erfassen").click()
    flash(page, "Die Bewertung von Nachsorge nach dem Entzug ist erfasst.")
    page.locator("#offer_id").select_option(label="Nachsorge nach dem Entzug")
    page.locator("#year").fill("2027")
    page.locator("#money").fill("12.000")
    page.get_by_role("button", name="Erfassen").click()
    flash(page, "Der Mitteleinsatz ist erfasst.")
    shoot(page, "31-bewertung")

    page.goto(page.address + "/fields/health/goals/new")
    page.locator("#key").fill("erstgespraeche")
    page.get_by_label("Titel").fill("Mehr Erstgespräche")
    page.get_by_label("Zielwert").fill("120")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Mehr Erstgespräche ändern").click()
    page.get_by_label("Zielwert").fill("150")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "gespeichert")

    project = new_budget_training(page, "Budgettraining", "budget", sessions="6")
    page.get_by_role("link", name="Projekt ändern").click()
    page.get_by_label("Titel").fill("Budgettraining für Alleinerziehende")
    page.get_by_role("button", name="Speichern").click()
    playwright_api.expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Budgettraining für Alleinerziehende"
    )

    page.goto(page.address + "/partners/klinik")
    page.get_by_role("link", name="Eintrag ändern").click()
    page.get_by_label("Aktiv").uncheck()
    page.get_by_role("button", name="Speichern").click()
    flash(page, "Der Partnereintrag wurde gespeichert.")
    playwright_api.expect(page.get_by_role("heading", level=1)).to_contain_text("(inaktiv)")
    sign_out(page)

    # A partner member keeps its own entry and is refused, in German, everything else.
    sign_in(page, "partner-member")
    page.goto(page.address + "/partners/suchtberatung")
    page.get_by_role("link", name="Eintrag ändern").click()
    assert page.locator("#name").count() == 0
    page.get_by_label("Telefon").fill("0261 555")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "Der Partnereintrag wurde gespeichert.")
    for path in (
        "/partners/klinik/edit",
        "/partners/new",
        "/goals/erstgespraeche/edit",
        f"{project.removeprefix(page.address)}/edit",
        f"/catalogue/appraisal/offers/{offer}",
        "/chains/new",
        "/conferences/new",
        "/circles/new",
        "/admin/users",
    ):
        refused(page, path)
    page.goto(project)
    assert page.get_by_role("link", name="Projekt ändern").count() == 0
    playwright_api.expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Budgettraining für Alleinerziehende"
    )


def test_a_person_moves_along_a_chain_and_the_case_is_kept_and_closed(page, site):
    sign_in(page, "coordinator")
    page.goto(page.address + "/chains/new")
    fill_chain(page, "Langzeitarbeitslose")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/chains/\d+$"))
    chain = page.url
    page.get_by_role("link", name="Dienstleistungskette ändern").click()
    page.get_by_label("Zielgruppe").fill("Langzeitarbeitslose mit Suchtproblemen")
    page.get_by_role("button", name="Speichern").click()
    flash(page, "gespeichert")
    playwright_api.expect(page.locator("main")).to_contain_text("mit Suchtproblemen")
    for partner in ("Suchtberatung Teststadt", "Fachklinik Teststadt"):
        page.locator("#agreements #partner_id").select_option(label=partner)
        page.get_by_label("Für den Partner unterzeichnet von").fill("Geschäftsführung")
        with page.expect_navigation():
            page.get_by_role("button", name="Zustimmung erfassen").click()
        flash(page, "ist erfasst")

    case = open_case(page, "F-2027-100")
    for partner in ("Suchtberatung Teststadt", "Fachklinik Teststadt"):
        record_consent(page, partner, "Dienstleistungskette")
    page.get_by_role("link", name="Direkte Identifikatoren (das Lesen wird protokolliert)").click()
    page.get_by_label("Kundennummer").fill("123A456789")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(case)
    flash(page, "gespeichert")
    page.get_by_role("link", name="Direkte Identifikatoren (das Lesen wird protokolliert)").click()
    playwright_api.expect(page.get_by_label("Kundennummer")).to_have_value("123A456789")

    page.goto(chain)
    page.locator("#case_id").select_option(label="F-2027-100")
    page.locator("#from_partner_id").select_option(label="Jobcenter Teststadt")
    page.get_by_role("button", name="In die Kette aufnehmen").click()
    playwright_api.expect(page.locator("main")).to_contain_text("F-2027-100")
    sign_out(page)

    sign_in(page, "partner-member")
    page.get_by_role("link", name="Fälle und Verweisungen").click()
    page.get_by_role("link", name="F-2027-100").first.click()
    page.get_by_role("button", name="Annehmen").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("angenommen")
    page.get_by_role("button", name="Erstkontakt melden").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("Erstkontakt")
    refused(page, chain.removeprefix(page.address) + "/edit")
    page.goto(chain)
    assert page.get_by_role("button", name="Weitergeben").count() == 0
    sign_out(page)

    sign_in(page, "coordinator")
    page.goto(chain)
    page.get_by_role("button", name="F-2027-100 weitergeben").click()
    flash(page, "F-2027-100 wurde an den nächsten Schritt übergeben.")
    page.get_by_role("button", name="Abbruch erfassen: F-2027-100").click()
    playwright_api.expect(page.locator("main")).to_contain_text("Bitte angeben, warum")
    page.get_by_label("Warum F-2027-100 die Kette verlassen hat").fill("umgezogen")
    page.get_by_role("button", name="Abbruch erfassen: F-2027-100").click()
    flash(page, "F-2027-100 hat die Kette verlassen.")
    shoot(page, "32-kette-abbruch")

    page.goto(case)
    page.get_by_role("link", name="Fall ändern").click()
    page.get_by_label("Abgeschlossen").fill("2027-03-31")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(case)
    playwright_api.expect(page.locator("main")).to_contain_text("31.03.2027")


def test_a_partner_member_writes_for_its_own_partner_and_is_refused_the_rest(page, site):
    network = site.network
    sign_in(page, "coordinator")
    page.goto(page.address + "/runs")
    page.get_by_role("link", name="Gestufte Schuldnerberatung").click()
    page.locator("#subject").fill("SB-2027-300")
    page.get_by_role("button", name="Beginnen").click()
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    run = page.url
    page.locator("#partner-pre_sort").select_option(label="Suchtberatung Teststadt")
    page.get_by_role("button", name="Unterlagen vorsortieren").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("Vorsortierung")

    case = open_case(page, "F-2027-300")
    for partner in ("Suchtberatung Teststadt", "Fachklinik Teststadt"):
        record_consent(page, partner, "Beratung")
    page.get_by_label("Vom Partner").select_option(label="Jobcenter Teststadt")
    page.get_by_label("An den Partner").select_option(label="Suchtberatung Teststadt")
    page.get_by_role("button", name="Verweisen").click()
    page.wait_for_url(re.compile(r".*/referrals/\d+$"))
    referral = page.url

    conference = plan_conference(page, "austausch", "Austauschtreffen", "2027-05-05", "30")
    fill(page, name="Anna Extern", email="anna@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()
    sign_out(page)

    sign_in(page, "partner-member")
    # The run its partner holds: it hands it on, and then holds it no longer.
    page.goto(run)
    page.locator("#partner-first_appointment").select_option(label="Fachklinik Teststadt")
    page.get_by_role("button", name="Zum Erstgespräch vermitteln").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("Schuldnerberatung")
    assert page.get_by_role("heading", name="Nächste Schritte").count() == 0

    # The referral it received, then one it sends on from the case.
    page.goto(referral)
    page.get_by_role("button", name="Annehmen").click()
    playwright_api.expect(page.locator(".task-state")).to_contain_text("angenommen")
    page.goto(case)
    playwright_api.expect(page.get_by_label("Vom Partner")).to_have_value(
        str(network.counselling.id)
    )
    page.get_by_label("An den Partner").select_option(label="Fachklinik Teststadt")
    page.get_by_label("Nachricht").fill("Bitte Entgiftung prüfen")
    page.get_by_role("button", name="Verweisen").click()
    page.wait_for_url(re.compile(r".*/referrals/\d+$"))
    playwright_api.expect(page.locator(".task-state")).to_contain_text("gesendet")
    playwright_api.expect(page.locator("main")).to_contain_text("Fachklinik Teststadt")

    # Its partner's task: the description and who handles it, nothing else.
    page.goto(f"{page.address}/tasks/{site.counselling_task}")
    page.get_by_role("link", name="Ändern").click()
    assert page.locator("#due_date").count() == 0
    page.locator("#description").fill("Termine dienstags und donnerstags")
    page.locator("#responsible_person_id").select_option(label="Tom Hilfe")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(rf".*/tasks/{site.counselling_task}$"))
    playwright_api.expect(page.locator("main")).to_contain_text("dienstags und donnerstags")
    playwright_api.expect(page.locator(".facts")).to_contain_text("Tom Hilfe")

    # Its own people at a conference; others' registrations it does not see.
    page.goto(conference)
    playwright_api.expect(page.locator("main")).not_to_contain_text("Anna Extern")
    fill(page, name="Tom Hilfe", email="tom@sucht.example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()
    playwright_api.expect(page.locator("#registrations-heading + table")).to_contain_text(
        "Tom Hilfe"
    )
    shoot(page, "38-konferenz-partner")

    # Forms it is not offered, posted anyway: refused in German, and nothing changes.
    before = snapshot(site.deployment)
    for action, fields in (
        (run.removeprefix(page.address) + "/close", {"reason": "x", "version": "1"}),
        (f"/tasks/{site.clinic_task}", {"description": "x", "version": "1"}),
        ("/partners/klinik", {"phone": "0", "version": "1"}),
        ("/partners/klinik/contacts", {"name": "Fremd"}),
        (
            case.removeprefix(page.address) + "/referrals",
            {"from_partner_id": str(network.jobcenter.id), "to_partner_id": str(network.clinic.id)},
        ),
        (conference.removeprefix(page.address), {"title": "x", "version": "1"}),
    ):
        forged(page, action, **fields)
    assert snapshot(site.deployment) == before


def test_figures_registrations_funding_consents_workers_and_the_survey(page, site):
    sign_in(page, "coordinator")
    page.goto(page.address + "/fields/health")
    page.locator("#indicator").select_option(index=1)
    page.locator("#start").fill("2026-11-01")
    page.locator("#end").fill("2026-11-30")
    page.locator("#value").fill("12")
    page.get_by_role("button", name="Erfassen").click()
    flash(page, "")
    page.goto(page.address + "/fields")
    page.locator("#start").fill("2026-10-01")
    page.locator("#end").fill("2026-10-31")
    page.get_by_role("button", name="Werte festschreiben").click()
    flash(page, "Werte sind in den Zeitreihen der Kennzahlen gespeichert.")

    conference = plan_conference(page, "fachtag", "Fachtag", "2027-06-02", capacity="1")
    for name in ("Anna Erste", "Ben Zweiter"):
        page.locator("#name").fill(name)
        page.locator("#email").fill(f"{name.split()[0].lower()}@example.org")
        with page.expect_navigation():
            page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("button", name="Anmeldung von Anna Erste stornieren").click()
    page.get_by_role("button", name="Ben Zweiter einchecken").click()
    flash(page, "Ben Zweiter ist eingecheckt.")
    shoot(page, "33-konferenz-einchecken")

    project = new_budget_training(page, "Schuldenprävention", "praevention", "4").rsplit("/", 1)[1]
    page.get_by_label("Quelle").select_option("esf")
    page.get_by_label("Beantragter Betrag (EUR)").fill("8.000")
    page.get_by_label("Eingereicht am").fill("2027-01-15")
    page.get_by_role("button", name="Erfassen").click()
    page.get_by_role("button", name="Bewilligung erfassen", exact=True).click()
    playwright_api.expect(page.locator("tr[id^='funding-']")).to_contain_text(
        re.compile("bewilligt", re.IGNORECASE)
    )
    page.goto(page.address + "/catalogue/appraisal")
    page.get_by_role("link", name="Schuldenprävention bewerten").click()
    page.locator("#score\\.bedarf").select_option("3")
    page.get_by_role("button", name="Bewertung erfassen").click()
    flash(page, "Die Bewertung von Schuldenprävention ist erfasst.")

    open_case(page, "F-2027-200")
    record_consent(page, "Fachklinik Teststadt", "Entgiftung")
    page.locator("[id^='reason-'][id$='-revoke']").fill("Die Person hat widerrufen")
    page.get_by_role("button", name="Widerrufen").click()
    playwright_api.expect(page.locator("main")).to_contain_text("widerrufen am")
    page.locator("#person_id").select_option(label="Tom Hilfe")
    page.locator("#role").select_option("scout")
    page.get_by_role("button", name="Zuordnen").click()
    page.get_by_role("button", name="Tom Hilfe vom Fall abziehen").click()
    flash(page, "Tom Hilfe")
    sign_out(page)

    sign_in(page, "partner-member")
    page.goto(page.address + "/survey")
    for question in page.locator("fieldset.rating").all():
        question.get_by_label("4").check()
    page.get_by_role("button", name="Speichern").click()
    flash(page, "")
    playwright_api.expect(page.locator("main")).to_contain_text("erneutes Speichern ersetzt")
    page.goto(conference)
    assert page.get_by_role("button", name="Ben Zweiter einchecken").count() == 0
    page.goto(page.address + "/fields")
    assert page.get_by_role("button", name="Werte festschreiben").count() == 0
    refused(page, f"/catalogue/appraisal/projects/{project}")


#: The elements that reach beyond the screen's right edge, to name them in a failure.
WIDEST = """[...document.querySelectorAll("main *")]
    .filter(element => element.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 4).map(element => element.tagName + "#" + element.id + "." + element.className)"""
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_navigation_folds_into_a_menu(chromium, site):
    context = chromium.new_context(viewport=PHONE, locale="de-DE")
    phone = context.new_page()
    phone.address = site.server.address
    try:
        sign_in(phone, "coordinator")
        navigation = phone.get_by_role("navigation", name="Hauptnavigation")
        playwright_api.expect(navigation).to_be_hidden()
        phone.get_by_role("button", name="Menü").click()
        playwright_api.expect(navigation.get_by_role("link", name="Aufgaben")).to_be_visible()
        shoot(phone, "34-telefon-menue")
        phone.goto(phone.address + "/")
        shoot(phone, "35-telefon-uebersicht")
        for role, name in (("partner-member", "partner"), ("viewer", "lesend")):
            sign_out(phone)
            sign_in(phone, role)
            shoot(phone, f"36-telefon-uebersicht-{name}")
    finally:
        context.close()


#: Which axe-core violations, as "rule (impact): where".
SERIOUS_VIOLATIONS = """axe.run({resultTypes: ["violations"]}).then(result => result.violations
    .filter(violation => ["critical", "serious"].includes(violation.impact))
    .map(violation => violation.id + " (" + violation.impact + "): "
         + violation.nodes.slice(0, 2).map(node => node.target.join(" ")).join(", ")))"""
LINKS = "links => links.map(link => link.getAttribute('href'))"


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgresql"),
    reason="what a page looks like does not depend on the database: walked once, on SQLite",
)
def test_every_page_of_the_demo_passes_axe_and_fits_a_phone_as_each_role(
    chromium, example_copy, database_url, monkeypatch
):
    """Each role walks every kind of page it can reach by links in the demo's network (one
    page of each route): axe-core finds no critical or serious violation, and at 390 px the
    page does not scroll sideways."""
    from netzwerker.app import create_app
    from netzwerker.demo import run_demo
    from netzwerker.deployment import load

    if not AXE.exists():
        pytest.skip(f"no axe-core at {AXE}: npm ci --prefix tests/axe")
    monkeypatch.setenv("DATABASE_URL", database_url)
    logins = run_demo(example_copy, seed=7, echo=lambda line: None)
    deployment = load(example_copy, database_url=database_url)
    shape_of = route_shapes(create_app(deployment))
    deployment.dispose()
    problems: list[str] = []
    walked: dict[str, list[str]] = {}
    with running_server(example_copy) as server:
        for login in logins:
            # axe-core is put into each page as an inline script, which the pages' own
            # policy forbids; the other browser tests hold the pages to it.
            context = chromium.new_context(viewport=DESKTOP, locale="de-DE", bypass_csp=True)
            tab = context.new_page()
            tab.address = server.address

            def visit(path: str, tab=tab, role=login.role) -> tuple[bool, list[str]]:
                try:
                    response = tab.goto(tab.address + path)
                except playwright_api.Error:
                    return False, []  # a download, not a page
                kind = response.headers.get("content-type", "") if response else ""
                if response is None or response.status != 200 or "text/html" not in kind:
                    return False, []
                tab.add_script_tag(path=str(AXE))
                found = tab.evaluate(SERIOUS_VIOLATIONS)
                problems.extend(f"{role} {path}: {violation}" for violation in found)
                tab.set_viewport_size(PHONE)
                wide, screen = tab.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                if wide > screen:
                    problems.append(f"{role} {path}: {wide} px on a phone: {tab.evaluate(WIDEST)}")
                tab.set_viewport_size(DESKTOP)
                return True, tab.eval_on_selector_all("a[href]", LINKS)

            try:
                sign_in(tab, login.username, login.password)
                walked[login.role] = [
                    path for path, page in walk(visit, shape_of, per_route=1) if page
                ]
            finally:
                context.close()
    assert problems == [], "\n".join(problems)
    # The walk reaches the pages: the coordinator's every section and the records in them.
    assert len(walked["coordinator"]) > 40, walked["coordinator"]
    assert any(path.startswith("/admin/") for path in walked["admin"])


def teardown_module() -> None:
    # Keep only pictures; a browser may leave its crash folder beside them.
    for leftover in SHOTS.glob("*") if SHOTS.exists() else []:
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
