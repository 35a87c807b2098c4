"""What netzwerker mails, to whom and when: written by the changes themselves, sent to a real
SMTP server in the test process, read as a partner's mail client reads them."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from netzwerker.cli import cli
from netzwerker.clock import utcnow
from netzwerker.config import MAIL_KINDS
from netzwerker.domain.circles.models import CirclePartner, CirclePerson
from netzwerker.domain.mail.compose import choice_link
from netzwerker.domain.mail.models import MailPreference, OutboxMessage
from netzwerker.domain.mail.outbox import deliver
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.escalation import escalate
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.services import TaskDraft, create_task, transition_task, update_task
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import MINIMAL_CONFIG
from netzwerker.workflow import TransitionRefused

COORDINATOR = "sabine.netz@jobcenter-teststadt.example"
COUNSELLOR = "tom.hilfe@suchtberatung.example"
COUNSELLING = "info@suchtberatung.example"
CLINIC = "info@klinik.example"


@pytest.fixture
def deployment(make_deployment, mail_toml):
    return make_deployment(toml=MINIMAL_CONFIG + mail_toml, migrate=True)


@pytest.fixture
def net(api):
    """The sample network with addresses, and a circle of the coordinator, the counsellor and
    the clinic."""
    network = api.network
    with api.deployment.transaction() as session:
        for model, ident, address in [
            (Person, network.coordinator.id, COORDINATOR),
            (Person, network.counsellor.id, COUNSELLOR),
            (Partner, network.counselling.id, COUNSELLING),
            (Partner, network.clinic.id, CLINIC),
        ]:
            session.get(model, ident).email = address
        session.add_all(
            [
                CirclePerson(circle_id=network.circle.id, person_id=network.coordinator.id),
                CirclePerson(circle_id=network.circle.id, person_id=network.counsellor.id),
                CirclePartner(circle_id=network.circle.id, partner_id=network.clinic.id),
            ]
        )
    return network


def _outbox(deployment) -> list[OutboxMessage]:
    with deployment.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def _event(message) -> str:
    """The event a mail tells of: its key without the address."""
    return str(message["X-Netzwerker-Key"]).strip().rpartition(":")[0]


def _task(deployment, net, days: int, title: str, **extra) -> int:
    with deployment.transaction() as session:
        task = create_task(
            session,
            TaskDraft(
                title=title,
                working_field="health",
                responsible_partner_id=net.counselling.id,
                responsible_person_id=net.counsellor.id,
                due_date=deployment.today() + timedelta(days=days),
                **({"accountable_person_id": net.coordinator.id} | extra),
            ),
            actor="test",
        )
        return task.id


def _escalate(deployment, today=None):
    with deployment.transaction() as session:
        return escalate(session, deployment.config.escalation, today=today or deployment.today())


def test_escalate_mails_each_recipient_once_per_step_and_never_again(api, net, relay):
    deployment = api.deployment
    soon = _task(deployment, net, 2, "Termine für Erstgespräche anbieten")
    late = _task(deployment, net, -1, "Wartezeiten melden")
    escalated = _task(
        deployment,
        net,
        -20,
        "Fachtag vorbereiten",
        accountable_circle_id=net.circle.id,
        accountable_person_id=None,
    )
    assert _escalate(deployment).counts == {
        "reminder": 1,
        "overdue": 2,
        "accountable": 1,
        "network": 1,
    }
    assert deliver(deployment).failed == 0
    received = Counter((m["To"], _event(m)) for m in relay.received)
    due = deployment.today()
    assert received == {
        (COUNSELLOR, f"task:{soon}:reminder:{due + timedelta(days=2)}"): 1,
        (COUNSELLOR, f"task:{late}:overdue:{due - timedelta(days=1)}"): 1,
        (COUNSELLOR, f"task:{escalated}:overdue:{due - timedelta(days=20)}"): 1,
        # Escalated to the circle: its people and the partner that sits in it without one.
        (COORDINATOR, f"task:{escalated}:accountable:{due - timedelta(days=20)}"): 1,
        (COUNSELLOR, f"task:{escalated}:accountable:{due - timedelta(days=20)}"): 1,
        (CLINIC, f"task:{escalated}:accountable:{due - timedelta(days=20)}"): 1,
        # The network report: the circle as before, and the responsible partner.
        (COORDINATOR, f"task:{escalated}:network:{due - timedelta(days=20)}"): 1,
        (COUNSELLOR, f"task:{escalated}:network:{due - timedelta(days=20)}"): 1,
        (CLINIC, f"task:{escalated}:network:{due - timedelta(days=20)}"): 1,
    }
    (reminder,) = [m for m in relay.to(COUNSELLOR) if ":reminder:" in m["X-Netzwerker-Key"]]
    assert reminder["Subject"].startswith("Erinnerung: „Termine für Erstgespräche anbieten“")
    text = reminder.get_body(("plain",)).get_content()
    assert "in 2 Tagen fällig" in text and "Guten Tag Tom Hilfe" in text
    assert f"http://localhost:8000/tasks/{soon}" in text
    assert "Ihre Organisation ist für diese Aufgabe verantwortlich" in text
    assert "/mail/choice/" in text
    html = reminder.get_body(("html",)).get_content()
    assert f'href="http://localhost:8000/tasks/{soon}"' in html

    count = len(relay.received)
    assert _escalate(deployment).total == 0
    assert deliver(deployment).sent == 0 and len(relay.received) == count


def test_a_task_asks_its_partner_and_tells_the_coordinator_what_went_wrong(api, net, relay):
    deployment = api.deployment
    proposed = api.post(
        "/api/tasks",
        json={
            "title": "Sprechstunde im Jobcenter",
            "working_field": "health",
            "responsible_partner_id": net.counselling.id,
            "accountable_person_id": net.coordinator.id,
            "due_date": (deployment.today() + timedelta(days=30)).isoformat(),
        },
    ).json()
    path = f"/api/tasks/{proposed['id']}"
    # No person named: the partner's own address hears of it.
    declined = api.post(
        f"{path}/decline", "partner_member", json={"reason": "Keine Kapazität bis März"}
    )
    assert declined.status_code == 200, declined.text
    changed = api.patch(
        path,
        json={
            "responsible_partner_id": net.clinic.id,
            "version": declined.json()["version"],
            "reason": "Die Klinik übernimmt",
        },
    )
    assert changed.status_code == 200, changed.text
    deliver(deployment)
    subjects = {(m["To"], m["Subject"]) for m in relay.received}
    assert subjects == {
        (COUNSELLING, "Neue Aufgabe für Suchtberatung Teststadt: Sprechstunde im Jobcenter"),
        (COORDINATOR, "Abgelehnt: „Sprechstunde im Jobcenter“ von Suchtberatung Teststadt"),
        (CLINIC, "Geändert: „Sprechstunde im Jobcenter“"),
        (COUNSELLING, "Geändert: „Sprechstunde im Jobcenter“"),
    }
    (declined_mail,) = relay.to(COORDINATOR)
    assert "Keine Kapazität bis März" in declined_mail.get_body(("plain",)).get_content()
    (clinic_mail,) = relay.to(CLINIC)
    text = clinic_mail.get_body(("plain",)).get_content()
    assert "Verantwortlich ist jetzt Fachklinik Teststadt statt Suchtberatung Teststadt" in text
    assert "Begründung: Die Klinik übernimmt" in text


def test_a_rolled_back_change_leaves_no_mail(api, net, relay):
    with pytest.raises(RuntimeError), api.deployment.transaction() as session:
        _escalate_inside = escalate  # the same service, inside a transaction that fails
        create_task(
            session,
            TaskDraft(
                title="Verworfen",
                working_field="health",
                responsible_partner_id=net.counselling.id,
                responsible_person_id=net.counsellor.id,
                accountable_person_id=net.coordinator.id,
                due_date=api.deployment.today() - timedelta(days=3),
            ),
            actor="test",
        )
        assert _escalate_inside(
            session, api.deployment.config.escalation, today=api.deployment.today()
        ).total
        assert _outbox_in(session)
        raise RuntimeError("the change fails after the mails were written")
    assert _outbox(api.deployment) == []
    assert deliver(api.deployment).sent == 0 and relay.received == []


def _outbox_in(session) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage)))


def test_a_meeting_invitation_its_update_and_cancellation_are_one_calendar_entry(api, net, relay):
    starts = (utcnow() + timedelta(days=7)).replace(microsecond=0)
    created = api.post(
        "/api/meetings",
        json={
            "circle_id": net.circle.id,
            "title": "Sitzung Suchtarbeitskreis",
            "starts_at": starts.isoformat(),
            "location": "Jobcenter, Raum 2.14",
            "agenda": ["Wartezeiten", "Fachtag"],
        },
    )
    assert created.status_code == 201, created.text
    meeting = created.json()
    path = f"/api/meetings/{meeting['id']}"
    moved = api.patch(
        path,
        json={"starts_at": (starts + timedelta(days=1)).isoformat(), "version": meeting["version"]},
    ).json()
    api.patch(path, json={"status": "cancelled", "version": moved["version"]})
    deliver(api.deployment)

    mails = relay.to(COUNSELLOR)
    assert [m["Subject"].split(":")[0] for m in mails] == ["Einladung", "Geändert", "Abgesagt"]
    entries = []
    for mail in mails:
        (attachment,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
        document = icalendar.Calendar.from_ical(attachment.get_content())
        (event,) = document.walk("VEVENT")
        entries.append((str(document["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), event))
        assert attachment.get_param("method") == str(document["METHOD"])
    assert [method for method, *_ in entries] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({uid for _, uid, *_ in entries}) == 1
    sequences = [sequence for _, _, sequence, _ in entries]
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    assert entries[1][3].decoded("DTSTART") == starts + timedelta(days=1)
    assert str(entries[0][3]["ORGANIZER"]) == "mailto:netzwerk@jobcenter-teststadt.example"
    # Every member was invited: the coordinator and the counsellor by name, the clinic.
    assert {m["To"] for m in relay.received} == {COORDINATOR, COUNSELLOR, CLINIC}


def test_the_minutes_go_out_with_the_decisions(api, net, relay):
    created = api.post(
        "/api/meetings",
        json={
            "circle_id": net.circle.id,
            "title": "Sitzung Suchtarbeitskreis",
            "starts_at": (utcnow() - timedelta(hours=3)).isoformat(),
        },
    ).json()
    path = f"/api/meetings/{created['id']}"
    decided = api.post(f"{path}/decisions", json={"text": "Gemeinsamer Fachtag im Mai"})
    assert decided.status_code == 201, decided.text
    version = api.get(path).json()["version"]
    held = api.patch(path, json={"status": "held", "minutes": "Alle waren da.", "version": version})
    assert held.status_code == 200, held.text
    deliver(api.deployment)
    (minutes,) = [m for m in relay.to(CLINIC) if m["Subject"].startswith("Protokoll")]
    text = minutes.get_body(("plain",)).get_content()
    assert "1. Gemeinsamer Fachtag im Mai" in text and "Alle waren da." in text


def test_conference_registrations_hear_of_their_seat_the_waiting_list_and_moving_up(
    api, net, relay
):
    starts = utcnow() + timedelta(days=30)
    conference = api.post(
        "/api/conferences",
        json={
            "key": "fachtag",
            "title": "Fachtag Sucht und Arbeit",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=6)).isoformat(),
            "capacity": 1,
        },
    ).json()
    path = f"/api/conferences/{conference['id']}/registrations"
    first = api.post(path, json={"name": "Anna Erste", "email": "anna@example.org"}).json()
    api.post(path, json={"name": "Bernd Zweiter", "email": "bernd@example.org"})
    api.post(f"{path}/{first['id']}/cancel")
    deliver(api.deployment)
    assert [m["Subject"] for m in relay.to("anna@example.org")] == [
        "Anmeldung bestätigt: Fachtag Sucht und Arbeit",
        "Abgemeldet: Fachtag Sucht und Arbeit",
    ]
    assert [m["Subject"] for m in relay.to("bernd@example.org")] == [
        "Warteliste: Fachtag Sucht und Arbeit",
        "Nachgerückt: Sie haben einen Platz bei Fachtag Sucht und Arbeit",
    ]
    methods = []
    for mail in relay.to("anna@example.org"):
        (part,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
        methods.append(str(icalendar.Calendar.from_ical(part.get_content())["METHOD"]))
    assert methods == ["REQUEST", "CANCEL"]


def test_a_referral_tells_the_receiver_and_closes_the_loop_by_pseudonym_alone(api, net, relay):
    case = api.post(
        "/api/cases",
        json={
            "pseudonym": "F-2026-077",
            "working_field": "health",
            "workers": [{"person_id": net.coordinator.id, "role": "scout"}],
        },
    )
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    identity = {"name": "Erika Mustermann", "customer_number": "123D456"}
    assert api.request("PUT", f"/api/cases/{case_id}/identity", json=identity).status_code == 200
    api.post(
        f"/api/cases/{case_id}/consents",
        json={"partner_id": net.counselling.id, "purpose": "Beratung", "categories": ["health"]},
    )
    with api.deployment.transaction() as session:
        session.get(Partner, net.jobcenter.id).email = "netzwerk@jobcenter-teststadt.example"
    sent = api.post(
        "/api/referrals",
        json={
            "case_id": case_id,
            "from_partner_id": net.jobcenter.id,
            "to_partner_id": net.counselling.id,
            "data_categories": ["health"],
            "message": "Alkohol, seit drei Jahren",
        },
    ).json()
    path = f"/api/referrals/{sent['id']}"
    for step in ("accept", "record_first_contact", "close"):
        assert api.post(f"{path}/{step}", "partner_member").status_code == 200
    deliver(api.deployment)
    assert [m["Subject"] for m in relay.to(COUNSELLING)] == [
        "Neue Überweisung von Jobcenter Teststadt"
    ]
    assert [m["Subject"] for m in relay.to("netzwerk@jobcenter-teststadt.example")] == [
        "Angekommen: Fall F-2026-077 bei Suchtberatung Teststadt",
        "Abgeschlossen: Überweisung von Fall F-2026-077 an Suchtberatung Teststadt",
    ]
    for mail in relay.received:
        whole = mail.as_string()
        assert "Mustermann" not in whole and "Alkohol" not in whole


def test_each_address_chooses_single_mails_a_digest_or_none(api, net, relay, monkeypatch):
    deployment = api.deployment
    with deployment.transaction() as session:
        session.add(MailPreference(address=COUNSELLOR, choice="digest"))
        session.add(MailPreference(address=COORDINATOR, choice="none"))
    late = _task(deployment, net, -8, "Wartezeiten melden")
    _escalate(deployment)
    deliver(deployment)
    assert relay.received == [], "the digest tells it; the coordinator wants none"

    result = CliRunner().invoke(cli, ["mail", "digest", str(deployment.folder)])
    assert result.exit_code == 0 and "1 digests written" in result.output, result.output
    again = CliRunner().invoke(cli, ["mail", "digest", str(deployment.folder)])
    assert "0 digests written" in again.output, "once a week"
    deliver(deployment)
    (digest,) = relay.received
    assert digest["To"] == COUNSELLOR
    assert digest["Subject"] == (
        "Wochenübersicht für Suchtberatung Teststadt: 1 überfällig, 1 bald fällig"
    )
    assert f"/tasks/{late}" in digest.get_body(("plain",)).get_content()


def test_a_mandatory_kind_reaches_even_who_chose_none(make_deployment, mail_toml, relay):
    deployment = make_deployment(
        toml=MINIMAL_CONFIG + mail_toml + 'mandatory = ["conference_registered"]\n', migrate=True
    )
    from netzwerker.domain.conferences.services import (
        ConferenceDraft,
        RegistrationDraft,
        create_conference,
        register,
    )
    from netzwerker.testing import OPERATOR

    starts = utcnow() + timedelta(days=9)
    with deployment.transaction() as session:
        session.add(MailPreference(address="anna@example.org", choice="none"))
        conference = create_conference(
            session,
            deployment,
            ConferenceDraft(
                key="fachtag",
                title="Fachtag",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=5,
            ),
            actor=OPERATOR,
        )
        register(
            session, conference.id, RegistrationDraft("Anna", "anna@example.org"), actor=OPERATOR
        )
    deliver(deployment)
    assert [m["Subject"] for m in relay.received] == ["Anmeldung bestätigt: Fachtag"]


def test_a_deployment_writes_its_own_templates(make_deployment, mail_toml, relay, api, net):
    deployment = api.deployment
    (deployment.folder / "mail").mkdir()
    (deployment.folder / "mail" / "task_overdue.txt").write_text(
        '{% extends "_base.txt" %}{% block subject %}Bitte melden: {{ task.title }}{% endblock %}'
        "{% block body %}Moin, {{ partner }}!{% endblock %}",
        encoding="utf-8",
    )
    from netzwerker.domain.mail import compose

    compose._environment.cache_clear()
    _task(deployment, net, -1, "Wartezeiten melden")
    _escalate(deployment)
    deliver(deployment)
    (mail,) = relay.received
    assert mail["Subject"] == "Bitte melden: Wartezeiten melden"
    assert "Moin, Suchtberatung Teststadt!" in mail.get_body(("plain",)).get_content()
    assert choice_link(deployment, COUNSELLOR) in mail.get_body(("plain",)).get_content()


def test_without_a_relay_no_mail_is_written(make_deployment):
    from netzwerker.testing import OPERATOR, sample_network

    deployment = make_deployment(migrate=True)
    with deployment.transaction() as session:
        network = sample_network(session)
        network.counselling.email = COUNSELLING
        create_task(
            session,
            TaskDraft(
                title="Ohne Relay",
                working_field="health",
                responsible_partner_id=network.counselling.id,
                accountable_person_id=network.coordinator.id,
                due_date=deployment.today() - timedelta(days=1),
            ),
            actor=OPERATOR.username,
        )
    _escalate(deployment)
    assert _outbox(deployment) == []


#: What happens to a task in the property below: days pass (and the escalation runs), its
#: due date moves, its responsible partner changes, or it moves through its workflow.
steps_of_a_task = st.lists(
    st.one_of(
        st.tuples(st.just("days"), st.integers(min_value=0, max_value=12)),
        st.tuples(st.just("due"), st.integers(min_value=-10, max_value=10)),
        st.tuples(st.just("partner"), st.sampled_from(["counselling", "clinic"])),
        st.tuples(st.just("move"), st.sampled_from(["commit", "decline", "block", "resume"])),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.integers(min_value=-15, max_value=10), steps=steps_of_a_task)
def test_no_recipient_ever_gets_the_same_mail_twice(api, net, relay, start, steps):
    """Whatever happens to a task in whichever order, and however often the escalation and
    the sender run, each recipient gets each event's mail at most once."""
    deployment = api.deployment
    task_id = _task(deployment, net, start, "Wartezeiten melden")
    today = deployment.today()
    operator = Actor.operator("test")
    for step, value in steps:
        with deployment.transaction() as session:
            task = session.get(Task, task_id)
            if step == "days":
                today += timedelta(days=value)
                escalate(session, deployment.config.escalation, today=today)
            elif step == "due":
                due = task.due_date + timedelta(days=value)
                update_task(session, task_id, {"due_date": due}, actor=operator, reason="Grund")
            elif step == "partner":
                partner = getattr(net, value).id
                person = net.counsellor.id if value == "counselling" else None
                changes = {"responsible_partner_id": partner, "responsible_person_id": person}
                update_task(session, task_id, changes, actor=operator, reason="Grund")
            else:
                with contextlib.suppress(TransitionRefused):
                    transition_task(
                        session, task_id, value, actor=operator, today=today, reason="Grund"
                    )
        deliver(deployment)
        deliver(deployment)
    keys = Counter((m["To"], str(m["X-Netzwerker-Key"])) for m in relay.received)
    assert [key for key, times in keys.items() if times > 1] == []
    outbox = _outbox(deployment)
    assert len({row.key for row in outbox}) == len(outbox)
    assert all(row.status == "sent" for row in outbox)


def test_the_docs_show_each_mail_as_the_shipped_templates_write_it():
    """docs/mails.md holds `netzwerker mail preview` of the example deployment: regenerate it
    with that command when a template changes."""
    root = Path(__file__).resolve().parent.parent
    shown = CliRunner().invoke(cli, ["mail", "preview", str(root / "deployments" / "example")])
    assert shown.exit_code == 0, shown.output
    page = (root / "docs" / "mails.md").read_text(encoding="utf-8")
    documented = page.split("<!-- mail-examples:start -->\n")[1].split(
        "<!-- mail-examples:end -->"
    )[0]
    assert documented == shown.output
    assert [line[5:-1] for line in shown.output.splitlines() if line.startswith("### ")] == [
        *MAIL_KINDS
    ]


def test_a_preview_of_an_unknown_kind_names_the_kinds(deployment):
    shown = CliRunner().invoke(cli, ["mail", "preview", str(deployment.folder), "--kind", "fax"])
    assert shown.exit_code != 0 and "--kind: unknown 'fax'" in shown.output
    html = CliRunner().invoke(
        cli, ["mail", "preview", str(deployment.folder), "--kind", "task_overdue", "--html"]
    )
    assert html.exit_code == 0 and '<a href="http://localhost:8000/tasks/42"' in html.output
