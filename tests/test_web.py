"""The web interface through a test client: signing in, CSRF, roles, forms and their errors."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlmodel import select

from netzwerker.clock import utcnow
from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import ALL_PLUGINS_CONFIG, WEB_PASSWORD, snapshot, walk_pages
from netzwerker.web import i18n
from netzwerker.web.sessions import SESSION_COOKIE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def deployment(make_deployment):
    """All five plugins, so that their pages and navigation entries are there too."""
    return make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)


def results(page: str) -> str:
    return page.split('id="results"')[1]


def test_pages_need_a_session(web):
    browser = web.anonymous()
    answer = browser.get("/tasks?status=open", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=%2Ftasks%3Fstatus%3Dopen"
    assert browser.get("/login").status_code == 200


def test_signing_in_goes_where_the_user_wanted_and_never_elsewhere(web):
    browser = web.anonymous()
    sent = {"username": "coordinator", "password": WEB_PASSWORD}
    answer = browser.post("/login", {**sent, "next": "/partners"}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/partners")
    other = web.anonymous()
    answer = other.post("/login", {**sent, "next": "//evil.example"}, follow_redirects=False)
    assert answer.headers["location"] == "/"


def test_a_wrong_password_is_refused_in_german_and_keeps_the_name(web):
    browser = web.anonymous()
    answer = browser.post("/login", {"username": "coordinator", "password": "falsch-falsch"})
    assert answer.status_code == 401
    assert "Benutzername oder Passwort sind falsch" in answer.text
    assert 'value="coordinator"' in answer.text
    assert "falsch-falsch" not in answer.text
    assert (
        SESSION_COOKIE not in browser.client.cookies
        or browser.client.cookies[SESSION_COOKIE] == "null"
    )


def test_an_empty_login_names_each_field(web):
    answer = web.anonymous().post("/login", {"username": "", "password": ""})
    assert answer.status_code == 422
    assert answer.text.count("Bitte ausfüllen.") == 2


def test_a_form_without_the_csrf_token_is_refused(web):
    browser = web.sign_in("coordinator")
    answer = browser.client.post(
        f"/tasks/{web.overdue_task_id}/cancel", data={"reason": "Doppelstruktur"}
    )
    assert answer.status_code == 403
    assert "Das Formular ist abgelaufen" in answer.text
    with web.deployment.session() as session:
        assert session.get(Task, web.overdue_task_id).status == "proposed"


def test_signing_in_starts_a_new_session_id(web):
    browser = web.anonymous()
    browser.client.cookies.set(SESSION_COOKIE, "a" * 64, domain="testserver.local")
    browser.post("/login", {"username": "coordinator", "password": WEB_PASSWORD})
    assert browser.client.cookies[SESSION_COOKIE] != "a" * 64
    assert browser.get("/", follow_redirects=False).status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(web):
    browser = web.anonymous()
    answer = browser.post(
        "/login",
        {"username": "coordinator", "password": WEB_PASSWORD},
        follow_redirects=False,
    )
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert f"Max-Age={60 * 60}" in cookie  # [web] session_minutes = 60 by default


def test_signing_out_ends_the_session(web):
    browser = web.sign_in("coordinator")
    answer = browser.post("/logout", follow_redirects=False)
    assert answer.headers["location"] == "/login?signed_out=1"
    assert "Sie sind abgemeldet." in browser.get("/login?signed_out=1").text
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_a_session_ends_after_its_hours_even_when_used(web, monkeypatch):
    browser = web.sign_in("coordinator")
    later = utcnow() + timedelta(hours=10, minutes=1)
    monkeypatch.setattr("netzwerker.web.sessions.utcnow", lambda: later)
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_a_disabled_user_is_signed_out(web):
    from netzwerker.domain.users.models import User

    browser = web.sign_in("coordinator")
    with web.deployment.transaction() as session:
        user = session.exec(select(User).where(User.username == "coordinator")).one()
        user.active = False
    assert browser.get("/", follow_redirects=False).status_code == 303


def test_the_api_never_accepts_the_session_cookie(web):
    browser = web.sign_in("coordinator")
    assert browser.get("/api/tasks").status_code == 401


def test_the_start_page_shows_what_is_overdue_for_whom(web):
    page = web.sign_in("coordinator").get("/").text
    assert "Übersicht" in page
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert "Suchtberatung Teststadt" in overdue
    assert "Erstgespräche innerhalb von 14 Tagen anbieten" in overdue
    assert "5 Tage überfällig" in overdue
    awaiting = page.split('id="awaiting-heading"')[1].split("</section>")[0]
    assert "Entlassmanagement mit dem Jobcenter abstimmen" in awaiting
    week = page.split('id="week-heading"')[1].split("</section>")[0]
    assert "wartet noch auf ihre Zusage und ist oben aufgeführt" in week


def test_each_task_is_listed_once_and_each_figure_leads_to_its_list(web):
    browser = web.sign_in("coordinator")
    page = browser.get("/").text
    listed = re.findall(r'<a href="/tasks/(\d+)">', page)
    assert listed and len(listed) == len(set(listed))
    figures = re.findall(r'<a href="(/tasks\?[^"]+)"><span class="figure-value">(\d+)</span>', page)
    assert len(figures) == 4
    for link, count in figures:
        found = browser.get(link.replace("&amp;", "&")).text
        assert len(re.findall(r'<a href="/tasks/\d+">', found.split('id="results"')[1])) == int(
            count
        ), link


def test_a_coordinator_sees_first_what_they_answer_for(web):
    from netzwerker.domain.circles.models import CirclePerson
    from netzwerker.domain.users.models import User

    assert 'id="mine"' not in web.sign_in("coordinator").get("/").text, "no person: no section"
    with web.deployment.transaction() as session:
        user = session.exec(select(User).where(User.username == "coordinator")).one()
        user.person_id = web.network.coordinator.id
    page = web.sign_in("coordinator").get("/").text
    mine = page.split('id="mine"')[1].split("</section>")[0]
    assert "Erstgespräche innerhalb von 14 Tagen anbieten" in mine
    assert "Entlassmanagement" not in mine, "the circle's task is not hers: she is not in it"
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert f"/tasks/{web.overdue_task_id}" not in overdue and "Suchtberatung Teststadt" in overdue

    with web.deployment.transaction() as session:
        person = web.network.coordinator.id
        session.add(CirclePerson(circle_id=web.network.circle.id, person_id=person))
    page = web.sign_in("coordinator").get("/").text
    mine = page.split('id="mine"')[1].split("</section>")[0]
    assert "Entlassmanagement mit dem Jobcenter abstimmen" in mine
    listed = re.findall(r'<a href="/tasks/(\d+)">', page)
    assert sorted(listed) == sorted({str(web.overdue_task_id), str(web.clinic_task_id)})


def test_a_partner_member_sees_only_its_partners_tasks(web):
    browser = web.sign_in("other_member")
    page = browser.get("/").text
    assert "Entlassmanagement" in page and "Erstgespräche" not in page
    tasks = browser.get("/tasks").text
    assert "Entlassmanagement" in tasks and "Erstgespräche" not in tasks
    answer = browser.get(f"/tasks/{web.overdue_task_id}")
    assert answer.status_code == 403
    assert "Keine Berechtigung" in answer.text


def test_only_coordinators_propose_tasks(web):
    answer = web.sign_in("partner_member").get("/tasks/new")
    assert answer.status_code == 403
    assert "Keine Berechtigung" in answer.text
    before = snapshot(web.deployment)
    answer = web.sign_in("viewer").post("/tasks", {"title": "Nicht erlaubt"})
    assert answer.status_code == 403
    assert snapshot(web.deployment)["task"] == before["task"]


def _task_form(web, **fields):
    """The task form as a coordinator fills it in for the counselling service."""
    return {
        "title": "Sprechstunde im Jobcenter",
        "working_field": "health",
        "responsible_partner_id": str(web.network.counselling.id),
        **fields,
    }


def test_a_task_form_keeps_what_was_typed_and_names_each_problem(web):
    browser = web.sign_in("coordinator")
    form = _task_form(web, due_date="31.02.2027", informed=[str(web.network.clinic.id)])
    answer = browser.post("/tasks", form)
    assert answer.status_code == 422
    assert 'value="Sprechstunde im Jobcenter"' in answer.text
    assert "Bitte ein Datum angeben (TT.MM.JJJJ)." in answer.text
    assert "Bitte entweder eine Koordinatorin" in answer.text
    assert re.search(rf'<option value="{web.network.clinic.id}" selected>', answer.text)
    with web.deployment.session() as session:
        assert (
            session.exec(select(Task).where(Task.title == "Sprechstunde im Jobcenter")).first()
            is None
        )


def test_proposing_a_task_through_the_form(web):
    browser = web.sign_in("coordinator")
    form = _task_form(
        web,
        due_date="2027-03-01",
        accountable_circle_id=str(web.network.circle.id),
        consulted=[str(web.network.clinic.id)],
    )
    answer = browser.post("/tasks", form, follow_redirects=False)
    assert answer.status_code == 303
    page = browser.get(answer.headers["location"]).text
    assert "Die Aufgabe wurde dem verantwortlichen Partner vorgeschlagen." in page
    assert "01.03.2027" in page and "Fachklinik Teststadt" in page


def test_a_refusal_without_reason_is_shown_at_its_field(web):
    browser = web.sign_in("partner_member")
    answer = browser.post(f"/tasks/{web.overdue_task_id}/decline", {"reason": ""})
    assert answer.status_code == 422
    assert 'id="reason-decline-error"' in answer.text
    answer = browser.post(
        f"/tasks/{web.overdue_task_id}/decline",
        {"reason": "Keine Kapazitäten"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = browser.get(f"/tasks/{web.overdue_task_id}").text
    assert "abgelehnt" in page and "Keine Kapazitäten" in page


def test_a_stale_form_tells_that_the_task_changed(web):
    browser = web.sign_in("partner_member")
    page = browser.get(f"/tasks/{web.overdue_task_id}").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    browser.post(f"/tasks/{web.overdue_task_id}/commit", {"version": version})
    answer = browser.post(f"/tasks/{web.overdue_task_id}/start", {"version": version})
    assert "inzwischen von jemand anderem geändert" in answer.text
    with web.deployment.session() as session:
        assert session.get(Task, web.overdue_task_id).status == "committed"


def test_unknown_things_get_the_german_404_page(web):
    browser = web.sign_in("coordinator")
    for path in ("/tasks/999999", "/partners/gibt-es-nicht", "/nirgendwo"):
        answer = browser.get(path)
        assert answer.status_code == 404, path
        assert "Nicht gefunden" in answer.text


def test_the_partner_directory_filters(web):
    browser = web.sign_in("viewer")
    page = results(browser.get("/partners?q=sucht").text)
    assert "Suchtberatung Teststadt" in page and "Fachklinik Teststadt" not in page
    page = results(browser.get("/partners?kind=clinic").text)
    assert "Fachklinik Teststadt" in page and "Suchtberatung Teststadt" not in page
    partner = browser.get("/partners/suchtberatung").text
    assert "Tom Hilfe" in partner and "Erstgespräche" in partner


def test_htmx_filters_get_the_same_results(web):
    browser = web.sign_in("coordinator")
    answer = browser.get(
        "/tasks?overdue=yes", headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert answer.status_code == 200
    assert 'id="results"' in answer.text and "Erstgespräche" in answer.text
    assert "Entlassmanagement" not in answer.text


def test_navigation_follows_the_role(web):
    coordinator = web.sign_in("coordinator").get("/").text
    member = web.sign_in("partner_member").get("/").text
    assert 'href="/single_parents/caseloads"' in coordinator
    assert 'href="/single_parents/caseloads"' not in member
    assert web.sign_in("partner_member").get("/single_parents/caseloads").status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "admin", "partner_member", "viewer"])
def test_every_page_a_role_reaches_is_whole(web, role):
    """Walk every page reachable by links from the start page: none fails, none refers to
    another server, and no id is used twice (a label or a skip link would find the wrong
    element)."""
    walked = 0
    for path, answer, parts in walk_pages(web.sign_in(role)):
        walked += 1
        assert answer.status_code < 500, path
        if parts is None:
            continue
        assert sorted({i for i in parts.ids if parts.ids.count(i) > 1}) == [], path
        for reference in parts.references:
            assert reference.startswith(("/", "#", "?", "mailto:", "tel:")), (path, reference)
    assert walked > 10


def test_every_text_of_the_interface_is_in_the_german_catalogue():
    method_map = [
        ("**.py", "python"),
        ("**/templates/**.html", "jinja2"),
        ("**/templates/**.md", "jinja2"),
    ]
    jinja = {"extensions": "jinja2.ext.i18n"}
    options = {"**/templates/**.html": jinja, "**/templates/**.md": jinja}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "mark": None}
    web_folder = ROOT / "core" / "src" / "netzwerker" / "web"
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(web_folder, method_map, options, keywords=keywords)
    }
    with (i18n.LOCALE_FOLDER / "de" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalogue
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert sorted(found - translated) == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_interface_language_is_configurable(make_deployment, language):
    from litestar.testing import TestClient

    from netzwerker.app import create_app
    from netzwerker.testing import MINIMAL_CONFIG, WebClient

    deployment = make_deployment(
        toml=MINIMAL_CONFIG + f'\n[web]\nlanguage = "{language}"\n', migrate=True
    )
    with TestClient(create_app(deployment)) as client:
        page = WebClient(client).get("/login").text
    assert ("Anmelden" in page) == (language == "de")
    assert ("Sign in" in page) == (language == "en")


def test_an_unknown_language_is_a_config_problem(make_deployment):
    from netzwerker.config import parse_config
    from netzwerker.structuring import InvalidInput

    with pytest.raises(InvalidInput) as raised:
        parse_config({"deployment": {"name": "X"}, "web": {"language": "tlh"}})
    assert raised.value.problems[0].path == "web.language"


def _plan_meeting(browser, circle_id, **fields):
    return browser.post(
        f"/circles/{circle_id}/meetings",
        {"title": "Sitzung Suchtarbeitskreis", "day": "2027-02-03", "starts": "14:00", **fields},
        follow_redirects=False,
    )


def test_a_circle_plans_a_meeting_and_its_decision_becomes_a_task(web):
    from netzwerker.domain.circles.models import CirclePartner

    circle = web.network.circle
    with web.deployment.transaction() as session:
        session.add(CirclePartner(circle_id=circle.id, partner_id=web.network.counselling.id))
    browser = web.sign_in("coordinator")
    answer = _plan_meeting(browser, circle.id, agenda="Wartezeiten\nFachtag")
    assert answer.status_code == 303
    meeting = answer.headers["location"]
    page = browser.get(meeting).text
    assert "Wartezeiten" in page and "Suchtberatung Teststadt" in page

    answer = browser.post(
        f"{meeting}/decisions",
        {"text": "Erstgespräche binnen 14 Tagen", "task_title": "Termine freihalten"},
    )
    assert answer.status_code == 422
    assert "Eine Aufgabe braucht einen Titel" in answer.text
    assert "Erstgespräche binnen 14 Tagen" in answer.text

    answer = browser.post(
        f"{meeting}/decisions",
        {
            "text": "Erstgespräche binnen 14 Tagen",
            "task_title": "Termine freihalten",
            "responsible_partner_id": str(web.network.counselling.id),
            "due_date": "2027-03-01",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with web.deployment.session() as session:
        task = session.exec(select(Task).where(Task.title == "Termine freihalten")).one()
    assert task.accountable_circle_id == circle.id
    assert task.origin == f"meeting:{meeting.rsplit('/', 1)[1]}"
    assert "Termine freihalten" in browser.get(meeting).text

    answer = browser.post(
        f"{meeting}/minutes",
        {"minutes": "Alle einverstanden.", "attended": [str(web.network.counselling.id)]},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = web.sign_in("partner_member").get(meeting).text
    assert "Alle einverstanden." in page and "teilgenommen" in page


def test_a_meeting_form_names_its_problems_and_only_coordinators_plan(web):
    circle = web.network.circle
    answer = _plan_meeting(web.sign_in("coordinator"), circle.id, day="morgen", starts="14 Uhr")
    assert answer.status_code == 422
    assert "Bitte ein Datum angeben" in answer.text and "Bitte eine Uhrzeit angeben" in answer.text
    assert _plan_meeting(web.sign_in("partner_member"), circle.id).status_code == 403
    assert web.sign_in("other_member").get("/circles").status_code == 200


def _conference(web, capacity=1):
    from netzwerker.domain.conferences.services import ConferenceDraft, create_conference

    starts = utcnow() + timedelta(days=20)
    draft = ConferenceDraft(
        key="fachtag",
        title="Fachtag Sucht und Arbeit",
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        capacity=capacity,
        venue="Koblenz",
    )
    with web.deployment.transaction() as session:
        return create_conference(session, web.deployment, draft, actor=Actor.operator("test")).id


def test_a_conference_seats_queues_moves_up_and_checks_in(web):
    conference = _conference(web)
    coordinator = web.sign_in("coordinator")
    path = f"/conferences/{conference}"
    first = coordinator.post(
        f"{path}/registrations", {"name": "Anna Erste", "email": "anna@example.org"}
    )
    assert "Anna Erste ist angemeldet und hat einen Platz." in first.text
    member = web.sign_in("partner_member")
    second = member.post(
        f"{path}/registrations", {"name": "Ben Zweiter", "email": "ben@example.org"}
    )
    assert "Ben Zweiter steht auf der Warteliste." in second.text
    # The partner member sees only its own partner's registrations.
    assert "Anna Erste" not in member.get(path).text.split('id="registrations-heading"')[1]

    page = coordinator.get(path).text
    anna = re.search(r'id="registration-(\d+)">\s*<td>Anna Erste', page).group(1)
    answer = coordinator.post(f"{path}/registrations/{anna}/cancel")
    assert "Ben Zweiter ist von der Warteliste nachgerückt." in answer.text
    ben = re.search(r'id="registration-(\d+)">\s*<td>Ben Zweiter', answer.text).group(1)
    answer = coordinator.post(f"{path}/registrations/{ben}/check-in")
    assert "Ben Zweiter ist eingecheckt." in answer.text
    csv = coordinator.get(f"{path}/export.csv?list=attendance")
    assert csv.status_code == 200 and "Ben Zweiter" in csv.text
    assert member.get(f"{path}/export.csv?list=attendance").status_code == 403
    assert member.post(f"{path}/registrations/{ben}/check-in").status_code == 403


def test_a_registration_form_names_its_problems(web):
    conference = _conference(web)
    answer = web.sign_in("coordinator").post(
        f"/conferences/{conference}/registrations", {"name": "Anna", "email": "keine adresse"}
    )
    assert answer.status_code == 422
    assert "Bitte eine E-Mail-Adresse angeben." in answer.text
    assert 'value="Anna"' in answer.text
    viewer = web.sign_in("viewer").post(
        f"/conferences/{conference}/registrations", {"name": "Anna", "email": "a@example.org"}
    )
    assert viewer.status_code == 403


def test_the_start_page_lists_escalated_tasks(web):
    from netzwerker.domain.tasks.models import Escalation

    browser = web.sign_in("coordinator")
    assert 'href="/tasks?escalated=yes"><span class="figure-value">0<' in browser.get("/").text
    with web.deployment.transaction() as session:
        task = session.get(Task, web.overdue_task_id)
        session.add(
            Escalation(
                task_id=task.id,
                step="accountable",
                due_date=task.due_date,
                fired_on=web.deployment.today(),
            )
        )
        session.get(Task, task.id).escalated_due = task.due_date
    page = browser.get("/").text
    assert 'href="/tasks?escalated=yes"><span class="figure-value">1<' in page
    overdue = page.split('id="overdue"')[1].split("</section>")[0]
    assert "Erstgespräche innerhalb von 14 Tagen anbieten" in overdue and "eskaliert" in overdue
    listed = results(browser.get("/tasks?escalated=yes").text)
    assert "Erstgespräche innerhalb von 14 Tagen anbieten" in listed
    assert "Entlassmanagement" not in listed


def _project_id(answer) -> str:
    return re.search(r'action="/projects/(\d+)/funding"', answer.text).group(1)


def test_a_project_idea_form_asks_for_its_types_details_and_names_its_problems(web):
    coordinator = web.sign_in("coordinator")
    form = coordinator.get("/projects/new?project_type=budget_training&title=Budget")
    assert (
        "Termine" in form.text
        and 'name="details.sessions"' in form.text
        and 'value="Budget"' in form.text
    )
    answer = coordinator.post(
        "/projects",
        {
            "key": "Kein Schlüssel",
            "title": "",
            "project_type": "budget_training",
            "details.sessions": "drei",
            "details.provider": "Schuldnerberatung",
        },
    )
    assert answer.status_code == 422
    assert "Bitte eine ganze Zahl angeben." in answer.text  # sessions
    assert "Bitte ausfüllen." in answer.text  # title
    assert 'value="Schuldnerberatung"' in answer.text
    assert web.sign_in("viewer").get("/projects/new").status_code == 403


def test_a_project_moves_through_its_lifecycle_with_funding(web):
    coordinator = web.sign_in("coordinator")
    answer = coordinator.post(
        "/projects",
        {
            "key": "budget-2027",
            "title": "Budgettraining 2027",
            "project_type": "budget_training",
            "details.sessions": "6",
            "target_groups": "Alleinerziehende, Familien",
            "lead_partner_id": str(web.network.counselling.id),
            "partner_ids": [str(web.network.clinic.id)],
        },
    )
    assert "Die Projektidee ist erfasst." in answer.text
    project = _project_id(answer)
    assert "Suchtberatung Teststadt (federführend)" in answer.text
    assert "Alleinerziehende, Familien" in answer.text
    answer = coordinator.post(f"/projects/{project}/conceive")
    assert "jetzt „Konzept“" in answer.text
    # The lifecycle's guard: no application submitted yet.
    refused = coordinator.post(f"/projects/{project}/apply_for_funding")
    assert refused.status_code == 409
    answer = coordinator.post(
        f"/projects/{project}/funding",
        {"source": "esf", "requested": "12.500,50", "programme": "ESF Plus"},
    )
    assert "Der Förderantrag ist erfasst." in answer.text
    assert "12.500,50\xa0€" in answer.text
    funding = re.search(r'action="/projects/\d+/funding/(\d+)/submit"', answer.text).group(1)
    base = f"/projects/{project}/funding/{funding}"
    coordinator.post(f"{base}/submit")
    partial = coordinator.post(f"{base}/grant_partially", {"granted": "20.000"})
    assert partial.status_code == 422
    assert f'id="granted-{funding}-grant_partially-error"' in partial.text
    answer = coordinator.post(f"{base}/grant_partially", {"granted": "10.000"})
    assert "jetzt „teilbewilligt“" in answer.text and "10.000,00\xa0€" in answer.text
    answer = coordinator.post(f"/projects/{project}/apply_for_funding")
    assert "jetzt „Förderung beantragt“" in answer.text
    without_reason = coordinator.post(f"/projects/{project}/abandon", {"reason": ""})
    assert without_reason.status_code == 422
    assert "Bitte einen Grund für diesen Schritt angeben." in without_reason.text
    listed = coordinator.get("/projects?status=funding_applied").text
    assert "Budgettraining 2027" in results(listed)
    assert "Budgettraining 2027" not in results(coordinator.get("/projects?status=idea").text)
    # A partner member reads projects but does not move them.
    member = web.sign_in("partner_member")
    assert member.get(f"/projects/{project}").status_code == 200
    assert member.post(f"/projects/{project}/launch").status_code == 403
    assert member.post(f"{base}/withdraw", {"reason": "x"}).status_code == 403


def _offers(web) -> None:
    from netzwerker.domain.catalogue.services import OfferDraft, create_offer

    network = web.network
    with web.deployment.transaction() as session:
        for key, partner, capacity in (
            ("sucht-beratung", network.counselling, 5),
            ("klinik-sprechstunde", network.clinic, None),
        ):
            draft = OfferDraft(
                key=key,
                title=f"Angebot {key}",
                partner_id=partner.id,
                target_groups=["Langzeitarbeitslose"],
                problem_areas=["Sucht"],
                capacity=capacity,
            )
            create_offer(session, draft, actor=Actor.operator("test"))


def test_the_catalogue_shows_gaps_coverage_and_duplicates(web):
    _offers(web)
    coordinator = web.sign_in("coordinator")
    today = web.deployment.today()
    need = {
        "target_group": "Langzeitarbeitslose",
        "problem_area": "Sucht",
        "people": "10",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=365)).isoformat(),
    }
    answer = coordinator.post("/catalogue/needs", need)
    assert "Der Bedarf ist erfasst." in answer.text
    coordinator.post("/catalogue/needs", {**need, "problem_area": "Schulden", "title": "Schulden"})
    page = coordinator.get("/catalogue").text
    coverage = page.split('id="coverage-heading"')[1].split("</section>")[0]
    assert "2 Bedarfe, 1 Lücke" in coverage
    # The gap comes first; the addiction need is met by both offers, one of unknown capacity.
    assert coverage.index("Schulden") < coverage.index("Angebot sucht-beratung")
    assert "Kapazität unbekannt" in coverage and "Lücke" in coverage
    duplicates = page.split('id="duplicates-heading"')[1].split("</section>")[0]
    assert "Angebot klinik-sprechstunde" in duplicates and "100" in duplicates
    assert "1 mögliche Doppelstruktur" in duplicates
    every = coordinator.get("/catalogue/duplicates")
    assert every.status_code == 200 and "Angebot klinik-sprechstunde" in every.text
    other_field = coordinator.get("/catalogue/duplicates", params={"working_field": "debt"})
    assert "0 mögliche Doppelstrukturen" in other_field.text


def test_a_need_form_names_its_problems_and_only_coordinators_record(web):
    coordinator = web.sign_in("coordinator")
    answer = coordinator.post(
        "/catalogue/needs",
        {"target_group": "Familien", "problem_area": "Wohnen", "people": "0", "period_start": "x"},
    )
    assert answer.status_code == 422
    assert "Bitte ein Datum angeben (TT.MM.JJJJ)." in answer.text
    assert 'value="Familien"' in answer.text
    answer = coordinator.post(
        "/catalogue/needs",
        {
            "target_group": "Familien",
            "problem_area": "Wohnen",
            "people": "0",
            "period_start": "01.01.2027",
            "period_end": "31.12.2026",
        },
    )
    assert answer.status_code == 422
    assert "Bitte 1 oder mehr angeben." in answer.text
    web.sign_in("viewer").get("/catalogue").raise_for_status()
    refused = web.sign_in("viewer").post("/catalogue/needs", {"target_group": "Familien"})
    assert refused.status_code == 403


def test_a_case_is_referred_with_consent_and_the_loop_closes(web):
    coordinator = web.sign_in("coordinator")
    refused = coordinator.post("/cases", {"pseudonym": "mit Leerzeichen"})
    assert refused.status_code == 422
    assert "1 bis 60 Zeichen ohne Leerzeichen" in refused.text
    answer = coordinator.post("/cases", {"pseudonym": "F-2026-017", "target_groups": "Suchtkranke"})
    assert "Der Fall ist eröffnet." in answer.text
    case = re.search(r'action="/cases/(\d+)/referrals"', answer.text).group(1)
    referral = {
        "from_partner_id": str(web.network.counselling.id),
        "to_partner_id": str(web.network.clinic.id),
        "data_categories": ["basic", "health"],
        "message": "Bitte um Aufnahme zur Entgiftung",
    }
    without = coordinator.post(f"/cases/{case}/referrals", referral)
    assert without.status_code == 422
    assert "nicht eingewilligt" in without.text
    assert "Bitte um Aufnahme zur Entgiftung" in without.text  # kept as typed
    answer = coordinator.post(
        f"/cases/{case}/consents",
        {
            "partner_id": str(web.network.clinic.id),
            "purpose": "Entgiftung",
            "categories": ["basic"],
        },
    )
    assert "Die Einwilligung ist erfasst." in answer.text
    # Health data were not consented to.
    assert coordinator.post(f"/cases/{case}/referrals", referral).status_code == 422
    answer = coordinator.post(
        f"/cases/{case}/referrals", {**referral, "data_categories": ["basic"]}
    )
    assert "Die Verweisung ist gesendet" in answer.text
    path = re.search(r'action="(/referrals/\d+)/withdraw"', answer.text).group(1)

    clinic = web.sign_in("other_member")
    assert "F-2026-017" in results(clinic.get("/referrals").text)
    counselling = web.sign_in("partner_member")
    assert counselling.post(f"{path}/accept").status_code == 403  # the receiving side's step
    assert "jetzt „angenommen“" in clinic.post(f"{path}/accept").text
    clinic.post(f"{path}/record_first_contact")
    answer = clinic.post(f"{path}/close", {"outcome": "Aufgenommen am Montag"})
    assert "jetzt „abgeschlossen“" in answer.text and "Aufgenommen am Montag" in answer.text
    # The referring partner sees the loop closed.
    assert "abgeschlossen" in results(counselling.get("/referrals?status=closed").text)
    viewer = web.sign_in("viewer")
    assert viewer.get(f"/cases/{case}").status_code == 200
    assert viewer.post(f"/cases/{case}/referrals", referral).status_code == 403
    assert "Einwilligung erfassen" not in viewer.get(f"/cases/{case}").text


def test_a_revoked_consent_stops_the_next_referral(web):
    coordinator = web.sign_in("coordinator")
    answer = coordinator.post("/cases", {"pseudonym": "F-2026-018"})
    case = re.search(r'action="/cases/(\d+)/referrals"', answer.text).group(1)
    answer = coordinator.post(
        f"/cases/{case}/consents",
        {"partner_id": str(web.network.clinic.id), "purpose": "Reha", "categories": ["basic"]},
    )
    consent = re.search(rf'action="/cases/{case}/consents/(\d+)/revoke"', answer.text).group(1)
    without_reason = coordinator.post(f"/cases/{case}/consents/{consent}/revoke", {"reason": ""})
    assert without_reason.status_code == 422
    assert f'id="reason-{consent}-revoke-error"' in without_reason.text
    answer = coordinator.post(
        f"/cases/{case}/consents/{consent}/revoke", {"reason": "Widerruf per Telefon"}
    )
    assert "Die Einwilligung ist ab heute widerrufen." in answer.text
    refused = coordinator.post(
        f"/cases/{case}/referrals",
        {
            "from_partner_id": str(web.network.counselling.id),
            "to_partner_id": str(web.network.clinic.id),
        },
    )
    assert refused.status_code == 422 and "nicht eingewilligt" in refused.text


def test_the_network_picture_shows_partners_and_what_connects_them(web, monkeypatch):
    from netzwerker.domain.circles.models import CirclePartner

    with web.deployment.transaction() as session:
        for partner in (web.network.counselling, web.network.clinic):
            session.add(CirclePartner(circle_id=web.network.circle.id, partner_id=partner.id))
    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/network").text
    svg = page.split("<svg")[1].split("</svg>")[0]
    assert f'href="/circles/{web.network.circle.id}"' in svg
    assert svg.count('class="edge edge-circle"') == 2
    assert 'href="/partners/klinik"' in svg and 'href="/partners/jobcenter"' in svg
    # The jobcenter is in no circle yet: listed as not yet connected.
    assert "Jobcenter Teststadt" in page.split("Noch nicht verbunden")[1]
    # A field's picture leaves out partners of other fields (none of these has one).
    health = coordinator.get("/network?working_field=health").text
    assert "<svg" not in results(health) and "0 Partner," in results(health)
    assert web.sign_in("partner_member").get("/network").status_code == 200
    clinics = results(coordinator.get("/network?kind=clinic").text)
    assert "1 Partner," in clinics and 'href="/partners/klinik"' in clinics
    assert 'href="/partners/jobcenter"' not in clinics.split("<svg")[1].split("</svg>")[0]
    # A picture too large to scale down is drawn at full size in a box that scrolls.
    monkeypatch.setattr("netzwerker.web.charts.FIT_SIZE", 100)
    large = coordinator.get("/network").text
    assert 'class="network network-large"' in large
    assert re.search(r'<svg viewBox="0 0 (\d+) \1" width="\1" height="\1"', large)


def test_the_network_map_connects_partners_through_circles_projects_and_chains(deployment):
    from netzwerker.domain.circles.models import CirclePartner
    from netzwerker.domain.network.services import network_map
    from netzwerker.domain.partners.models import PartnerWorkingField
    from netzwerker.testing import sample_network

    with deployment.transaction() as session:
        network = sample_network(session)
        session.add(CirclePartner(circle_id=network.circle.id, partner_id=network.clinic.id))
        session.add(PartnerWorkingField(partner_id=network.clinic.id, working_field="health"))
    with deployment.session() as session:
        everything = network_map(session)
        health = network_map(session, "health")
    assert len(everything.partners) == 3
    (circle,) = [c for c in everything.connectors if c.kind == "circle"]
    assert circle.partner_ids == (network.clinic.id,)
    assert set(everything.unconnected) == {network.jobcenter.id, network.counselling.id}
    assert list(health.partners) == [network.clinic.id]
    with deployment.session() as session:
        clinics = network_map(session, kind="clinic")
    assert list(clinics.partners) == [network.clinic.id]
    assert [c.partner_ids for c in clinics.connectors if c.kind == "circle"] == [
        (network.clinic.id,)
    ]


@pytest.mark.parametrize(("partners", "connections"), [(150, 40), (1000, 250)])
def test_the_network_picture_stays_readable_at_150_and_at_1000_partners(partners, connections):
    """Names on the ring keep their line's pitch, no two connection names overlap, and a
    picture too large to scale is drawn at full size (a scroll box) instead."""
    import math
    import random

    from netzwerker.domain.network.services import Connector, NetworkMap
    from netzwerker.web.charts import (
        CHARACTER_WIDTH,
        CONNECTOR_LABEL,
        FIT_SIZE,
        LABEL_PITCH,
        LINE_HEIGHT,
        network_chart,
    )

    rng = random.Random(partners)
    network = NetworkMap(
        {
            pid: (f"p{pid}", f"Partnerorganisation Nummer {pid}", "charity")
            for pid in range(partners)
        },
        [
            Connector(
                rng.choice(["circle", "project", "chain"]),
                index,
                f"c{index}",
                "Arbeitskreis " + "Sucht und Arbeit " * rng.randint(0, 2),
                tuple(rng.sample(range(partners), rng.randint(2, 8))),
            )
            for index in range(connections)
        ],
    )
    chart = network_chart(network)
    first, second = chart.partners[:2]
    assert math.dist((first.x, first.y), (second.x, second.y)) >= LABEL_PITCH * 0.99
    boxes = [
        (
            node.x - 7,
            node.y,
            node.x + 10 + min(len(node.label), CONNECTOR_LABEL + 1) * CHARACTER_WIDTH,
        )
        for node in chart.connectors
    ]
    overlapping = [
        (a, b)
        for index, a in enumerate(boxes)
        for b in boxes[index + 1 :]
        if abs(a[1] - b[1]) < LINE_HEIGHT and a[0] < b[2] and b[0] < a[2]
    ]
    assert overlapping == []
    assert chart.natural_size == (chart.size > FIT_SIZE)
    assert chart.natural_size is (partners == 1000)


def test_static_files_are_fingerprinted_cached_for_a_year_and_compressed(web):
    page = web.sign_in("coordinator").get("/").text
    css = re.search(r'href="(/static/web/netzwerker\.css\?v=[0-9a-f]{12})"', page).group(1)
    assert re.search(r'rel="icon" href="/static/web/favicon\.svg\?v=[0-9a-f]{12}"', page)
    answer = web.anonymous().get(css, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    directives = {part.strip() for part in answer.headers["cache-control"].split(",")}
    assert directives == {"public", "max-age=31536000", "immutable"}
    assert answer.headers["content-encoding"] == "gzip"
    api = web.anonymous().get("/api/me", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in api.headers


def test_a_task_names_its_working_field_even_when_the_field_is_switched_off(web):
    from netzwerker.web.display import FieldNames

    names = FieldNames(web.deployment)
    assert names("health") == "Gesundheit"
    with web.deployment.transaction() as session:
        session.add(
            WorkingFieldRecord(key="old_field", name="Altes Feld", source="config", active=False)
        )
    assert names("old_field") == "Altes Feld" and names("unknown_key") == "unknown_key"
