"""Changing a task in the browser: every field for coordinators, the handler's part for the
responsible partner, a declined task handed to another partner."""

from __future__ import annotations

import re

from sqlmodel import select

from netzwerker.domain.tasks.models import Task, TaskEvent
from netzwerker.testing import snapshot


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries the version it was read at"
    return found.group(1)


def _change_form(web, browser, **fields: object) -> dict[str, object]:
    """The change form as it is shown, with ``fields`` filled in differently."""
    page = browser.get(f"/tasks/{web.overdue_task_id}/edit").text
    with web.deployment.session() as session:
        task = session.get(Task, web.overdue_task_id)
        shown = {
            "title": task.title,
            "working_field": task.working_field,
            "responsible_partner_id": str(task.responsible_partner_id),
            "due_date": task.due_date.isoformat(),
            "accountable_person_id": str(task.accountable_person_id or ""),
            "accountable_circle_id": str(task.accountable_circle_id or ""),
            "description": task.description,
        }
    return {**shown, "version": _version(page), **fields}


def test_a_declined_task_is_handed_to_another_partner(web):
    member = web.sign_in("partner_member")
    member.post(f"/tasks/{web.overdue_task_id}/decline", {"reason": "Keine Kapazitäten"})
    coordinator = web.sign_in("coordinator")
    detail = coordinator.get(f"/tasks/{web.overdue_task_id}").text
    assert "An einen anderen Partner übergeben" in detail
    form = _change_form(web, coordinator, responsible_partner_id=str(web.network.clinic.id))

    without_reason = coordinator.post(f"/tasks/{web.overdue_task_id}", form)
    assert without_reason.status_code == 422
    assert 'id="reason-error"' in without_reason.text
    assert re.search(rf'<option value="{web.network.clinic.id}" selected>', without_reason.text)
    with web.deployment.session() as session:
        assert session.get(Task, web.overdue_task_id).status == "declined"

    form["reason"] = "Die Klinik übernimmt"
    answer = coordinator.post(f"/tasks/{web.overdue_task_id}", form, follow_redirects=False)
    assert answer.status_code == 303
    page = coordinator.get(answer.headers["location"]).text
    assert "neu vorgeschlagen" in page and "Fachklinik Teststadt" in page
    with web.deployment.session() as session:
        task = session.get(Task, web.overdue_task_id)
        assert (task.status, task.responsible_partner_id) == ("proposed", web.network.clinic.id)
        last = session.exec(
            select(TaskEvent).where(TaskEvent.task_id == task.id).order_by(TaskEvent.seq.desc())  # type: ignore[union-attr]
        ).first()
        assert last.action == "update" and last.reason == "Die Klinik übernimmt"
        assert last.changes["responsible_partner_id"][1] == web.network.clinic.id


def test_a_coordinator_changes_every_field_of_a_task(web):
    coordinator = web.sign_in("coordinator")
    form = _change_form(
        web,
        coordinator,
        title="Sprechstunde, zweimal im Monat",
        description="Im Raum 2.14",
        origin="Koordinierungskreis März",
        consulted=[str(web.network.clinic.id)],
        informed=[str(web.network.jobcenter.id)],
        responsible_person_id=str(web.network.counsellor.id),
    )
    answer = coordinator.post(f"/tasks/{web.overdue_task_id}", form, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = coordinator.get(f"/tasks/{web.overdue_task_id}").text
    assert "Die Aufgabe wurde geändert." in page
    assert "Sprechstunde, zweimal im Monat" in page and "Tom Hilfe" in page
    assert "Fachklinik Teststadt" in page and "Im Raum 2.14" in page
    edit = coordinator.get(f"/tasks/{web.overdue_task_id}/edit").text
    assert re.search(rf'<option value="{web.network.jobcenter.id}" selected>', edit)


def test_a_change_form_names_each_problem_and_writes_nothing(web):
    coordinator = web.sign_in("coordinator")
    before = snapshot(web.deployment)
    form = _change_form(web, coordinator, title="", due_date="30.02.2027", accountable_circle_id="")
    form["accountable_person_id"] = ""
    answer = coordinator.post(f"/tasks/{web.overdue_task_id}", form)
    assert answer.status_code == 422
    assert 'id="title-error"' in answer.text
    assert "Bitte ein Datum angeben (TT.MM.JJJJ)." in answer.text
    assert "Bitte entweder eine Koordinatorin" in answer.text
    assert 'value="30.02.2027"' in answer.text
    assert snapshot(web.deployment) == before


def test_a_stale_change_shows_the_task_as_it_is_now(web):
    coordinator = web.sign_in("coordinator")
    form = _change_form(web, coordinator, title="Meine Fassung")
    other = _change_form(web, web.sign_in("admin"), title="Die andere Fassung")
    assert web.sign_in("admin").post(f"/tasks/{web.overdue_task_id}", other).status_code == 200
    before = snapshot(web.deployment)
    answer = coordinator.post(f"/tasks/{web.overdue_task_id}", form)
    assert answer.status_code == 409
    assert "inzwischen" in answer.text
    assert 'value="Die andere Fassung"' in answer.text and "Meine Fassung" not in answer.text
    assert snapshot(web.deployment) == before


def test_the_responsible_partner_changes_the_description_and_handler_only(web):
    member = web.sign_in("partner_member")
    assert "Ändern" in member.get(f"/tasks/{web.overdue_task_id}").text
    edit = member.get(f"/tasks/{web.overdue_task_id}/edit").text
    assert 'name="description"' in edit and 'name="title"' not in edit
    assert 'name="responsible_partner_id"' not in edit and "Sabine Netz" not in edit
    form = {
        "version": _version(edit),
        "description": "Termine über Frau Hilfe",
        "responsible_person_id": str(web.network.counsellor.id),
        "title": "Nicht meine Sache",
    }
    answer = member.post(f"/tasks/{web.overdue_task_id}", form, follow_redirects=False)
    assert answer.status_code == 303
    with web.deployment.session() as session:
        task = session.get(Task, web.overdue_task_id)
        assert task.description == "Termine über Frau Hilfe"
        assert task.responsible_person_id == web.network.counsellor.id
        assert task.title != "Nicht meine Sache"


def test_others_get_a_german_refusal_and_change_nothing(web):
    before = snapshot(web.deployment)
    assert "/edit" not in web.sign_in("viewer").get(f"/tasks/{web.clinic_task_id}").text
    for role in ("viewer", "other_member"):
        browser = web.sign_in(role)
        refused = browser.get(f"/tasks/{web.overdue_task_id}/edit")
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        posted = browser.post(f"/tasks/{web.overdue_task_id}", {"description": "x", "version": 1})
        assert posted.status_code == 403 and "Keine Berechtigung" in posted.text
    assert snapshot(web.deployment) == before


def test_the_board_offers_each_card_the_steps_its_reader_may_take_and_returns_to_itself(web):
    member = web.sign_in("partner_member")
    board = member.get("/tasks/board?status=open").text
    card = re.search(rf'<li class="card[^"]*" id="card-{web.overdue_task_id}".*?</li>', board, re.S)
    assert card and 'draggable="true"' in card.group(0)
    steps = re.findall(r'formaction="/tasks/\d+/(\w+)" data-to="(\w+)"', card.group(0))
    assert steps == [("commit", "committed"), ("decline", "declined")]
    assert 'name="next" value="/tasks/board?status=open"' in card.group(0)
    # The clinic's member sees its own task to move, not the counselling service's.
    other = web.sign_in("other_member").get("/tasks/board").text
    assert f'id="card-{web.overdue_task_id}"' not in other
    assert f'formaction="/tasks/{web.clinic_task_id}/commit"' in other
    viewer = web.sign_in("viewer").get("/tasks/board").text
    assert "formaction" not in viewer and 'draggable="true"' not in viewer

    version = _version(card.group(0))
    moved = member.post(
        f"/tasks/{web.overdue_task_id}/commit",
        {"version": version, "next": "/tasks/board?status=open"},
        follow_redirects=False,
    )
    assert moved.headers["location"] == "/tasks/board?status=open"
    assert "ist jetzt „zugesagt“" in member.get(moved.headers["location"]).text
    # A stale card is refused and moves nothing; a foreign address is never followed.
    stale = member.post(
        f"/tasks/{web.overdue_task_id}/start",
        {"version": version, "next": "//example.org/"},
        follow_redirects=False,
    )
    assert stale.headers["location"] == f"/tasks/{web.overdue_task_id}"
    with web.deployment.session() as session:
        assert session.get(Task, web.overdue_task_id).status == "committed"
    started = member.post(
        f"/tasks/{web.overdue_task_id}/start",
        {"next": "//example.org/"},
        follow_redirects=False,
    )
    assert started.headers["location"] == f"/tasks/{web.overdue_task_id}"
    with web.deployment.session() as session:
        assert session.get(Task, web.overdue_task_id).status == "in_progress"
