"""Mails and calendars in the browser: a recipient chooses its mails from the link in a mail
or on its account page, users and partners subscribe their calendars to a secret address,
and the admins see and retry the mails the relay refused."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
from sqlmodel import select

from netzwerker.clock import utcnow
from netzwerker.domain.calendars.models import CalendarFeed
from netzwerker.domain.circles.models import CirclePartner
from netzwerker.domain.mail.compose import choice_link
from netzwerker.domain.mail.models import MailPreference, OutboxMessage
from netzwerker.domain.mail.outbox import deliver
from netzwerker.domain.meetings.models import Meeting
from netzwerker.domain.users.models import User
from netzwerker.testing import MINIMAL_CONFIG

ADDRESS = "tom.hilfe@suchtberatung.example"


@pytest.fixture
def deployment(make_deployment, mail_toml):
    return make_deployment(toml=MINIMAL_CONFIG + mail_toml, migrate=True)


def _choice(web, address: str) -> str | None:
    with web.deployment.session() as session:
        found = session.get(MailPreference, address)
        return found.choice if found else None


def _feed_url(page: str) -> str:
    found = re.search(r'<p class="secret"><code>([^<]+)</code></p>', page)
    assert found, "the new calendar address is shown once"
    return found.group(1)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_link_in_a_mail_chooses_without_signing_in(web):
    link = _path(choice_link(web.deployment, ADDRESS))
    stranger = web.anonymous()
    shown = stranger.get(link)
    assert shown.status_code == 200
    assert ADDRESS in shown.text and "Welche Mails möchten Sie erhalten?" in shown.text
    chosen = stranger.post(link, {"choice": "digest"}, follow_redirects=False)
    assert chosen.status_code == 303
    assert _choice(web, ADDRESS) == "digest"
    assert "Ihre Wahl ist gespeichert" in stranger.get(link).text

    refused = stranger.post(link, {"choice": "alle"})
    assert refused.status_code == 422 and "Bitte eine der Möglichkeiten wählen" in refused.text
    assert _choice(web, ADDRESS) == "digest", "a refused choice keeps the stored one"

    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert stranger.get(forged).status_code == 404
    assert stranger.post(forged, {"choice": "none"}).status_code == 404
    assert _choice(web, ADDRESS) == "digest"


def test_a_user_chooses_its_mails_on_its_account_page(web):
    with web.deployment.transaction() as session:
        user = session.exec(select(User).where(User.username == "coordinator")).one()
        user.email = "Sabine.Netz@Jobcenter.example"
    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/account").text
    assert "Meine E-Mails" in page and "sabine.netz@jobcenter.example" in page
    saved = coordinator.post("/account/mail", {"choice": "none"}, follow_redirects=False)
    assert saved.status_code == 303
    assert _choice(web, "sabine.netz@jobcenter.example") == "none"
    assert coordinator.post("/account/mail", {"choice": ""}).status_code == 422

    viewer = web.sign_in("viewer")
    assert "hat keine E-Mail-Adresse" in viewer.get("/account").text
    refused = viewer.post("/account/mail", {"choice": "digest"})
    assert refused.status_code == 422 and "keine E-Mail-Adresse" in refused.text


def test_a_partner_member_subscribes_its_calendar_and_revokes_it(web):
    today = web.deployment.today()
    starts = utcnow().replace(microsecond=0) + timedelta(days=10)
    with web.deployment.transaction() as session:
        session.add(
            CirclePartner(circle_id=web.network.circle.id, partner_id=web.network.counselling.id)
        )
        meeting = Meeting(
            circle_id=web.network.circle.id,
            title="Arbeitskreis Sucht",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            created_by="test",
        )
        session.add(meeting)
        session.flush()
        meeting_id = meeting.id
    member = web.sign_in("partner_member")
    assert "Noch keine Kalenderadresse" in member.get("/account").text
    made = member.post("/account/calendars")
    assert made.status_code == 201
    url = _feed_url(made.text)
    assert url.startswith("http://localhost:8000/calendar/") and url.endswith(".ics")
    assert url not in member.get("/account").text, "the address is shown only once"

    calendar_client = web.anonymous()
    answer = calendar_client.get(_path(url))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(answer.content)
    events = {str(event["uid"]): event for event in parsed.walk("VEVENT")}
    name = web.deployment.name
    due = events[f"task-{web.overdue_task_id}@{name}"]
    assert due.decoded("dtstart") == today - timedelta(days=5), "a due date, all day"
    assert f"task-{web.clinic_task_id}@{name}" not in events, "another partner's task"
    assert f"meeting-{meeting_id}@{name}" in events

    with web.deployment.session() as session:
        feed = session.exec(select(CalendarFeed)).one()
        assert feed.digest not in url, "only the digest is kept"
    other = web.sign_in("other_member")
    assert other.post(f"/account/calendars/{feed.id}/revoke", {}).status_code == 403
    assert member.post(f"/partners/suchtberatung/calendars/{feed.id}/revoke", {}).status_code == 404
    assert calendar_client.get(_path(url)).status_code == 200
    revoked = member.post(f"/account/calendars/{feed.id}/revoke", {}, follow_redirects=False)
    assert revoked.status_code == 303
    assert calendar_client.get(_path(url)).status_code == 404
    assert calendar_client.get("/calendar/erfunden.ics").status_code == 404


def test_a_partners_calendar_is_made_by_coordinators_and_its_own_members(web):
    coordinator = web.sign_in("coordinator")
    page = coordinator.get("/partners/klinik").text
    assert "Kalender von Fachklinik Teststadt" in page
    made = coordinator.post("/partners/klinik/calendars")
    assert made.status_code == 201
    parsed = icalendar.Calendar.from_ical(web.anonymous().get(_path(_feed_url(made.text))).content)
    uids = {str(event["uid"]) for event in parsed.walk("VEVENT")}
    assert uids == {f"task-{web.clinic_task_id}@{web.deployment.name}"}

    member = web.sign_in("partner_member")
    assert "Kalender von Fachklinik" not in member.get("/partners/klinik").text
    assert member.post("/partners/klinik/calendars").status_code == 403
    assert member.post("/partners/suchtberatung/calendars").status_code == 201
    viewer = web.sign_in("viewer")
    assert viewer.post("/partners/klinik/calendars").status_code == 403
    with web.deployment.session() as session:
        owners = sorted(feed.partner_id for feed in session.exec(select(CalendarFeed)))
    assert owners == sorted([web.network.clinic.id, web.network.counselling.id])


def test_admins_see_failed_mails_and_send_them_again(web, relay):
    with web.deployment.transaction() as session:
        session.add(
            OutboxMessage(
                key="test:failed",
                recipient="nicht.da@klinik.example",
                subject="Aufgabe überfällig",
                body_text="…",
                status="failed",
                attempts=1,
                last_error="550 5.1.1 Unbekannter Empfänger",
                created_at=utcnow(),
            )
        )
    admin = web.sign_in("admin")
    page = admin.get("/admin/mail")
    assert page.status_code == 200
    assert "nicht.da@klinik.example" in page.text and "550 5.1.1 Unbekannter Empfänger" in page.text
    assert 'href="/admin/mail"' in page.text, "the navigation leads there"
    assert web.sign_in("coordinator").get("/admin/mail").status_code == 403
    with web.deployment.session() as session:
        mail_id = session.exec(select(OutboxMessage)).one().id
    assert admin.post(f"/admin/mail/{mail_id}/retry", {}, follow_redirects=False).status_code == 303
    assert deliver(web.deployment).sent == 1
    assert [message["To"] for message in relay.received] == ["nicht.da@klinik.example"]
    assert admin.post(f"/admin/mail/{mail_id}/retry", {}).status_code == 409
    assert "Jede Mail hat das Relay erreicht" in admin.get("/admin/mail").text
