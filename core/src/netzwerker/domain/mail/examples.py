"""A sample of each kind of mail, as ``netzwerker mail preview`` shows it: to see what a
deployment's templates (its own in ``mail/`` or the shipped ones) make of each event before
a partner does. The samples are made up (no record is read), with the names and reasons the
notices give (:mod:`netzwerker.domain.mail.notices`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from types import SimpleNamespace

import attrs

from netzwerker.config import MAIL_KINDS
from netzwerker.deployment import Deployment
from netzwerker.domain.mail import notices
from netzwerker.domain.mail.compose import Notice, Recipient, public_url, render
from netzwerker.domain.mail.digest import REASON as DIGEST_REASON

DUE = date(2027, 3, 15)
TASK = SimpleNamespace(
    id=42,
    title="Erstgespräche innerhalb von 14 Tagen anbieten",
    due_date=DUE,
    status_reason="Die Beraterin ist bis Ende März krank.",
)
TASK_CONTEXT = {
    "task": TASK,
    "partner": "Suchtberatung Teststadt",
    "accountable": "Sabine Netz",
    "field": "Gesundheit",
}
MEETING = SimpleNamespace(
    id=7,
    title="Arbeitskreis Sucht",
    starts_at=datetime(2027, 3, 3, 13, 0, tzinfo=UTC),
    ends_at=datetime(2027, 3, 3, 15, 0, tzinfo=UTC),
    location="Jobcenter, Raum 2.14",
    agenda=["Wartezeiten in der Suchtberatung", "Fachtag im Mai"],
    minutes="Die Wartezeiten sind auf drei Wochen gesunken.",
)
MEETING_CONTEXT = {"meeting": MEETING, "circle": "Suchtarbeitskreis", "changed": False}
CONFERENCE = SimpleNamespace(
    id=3,
    title="Fachtag Gesundheit und Arbeit",
    starts_at=datetime(2027, 5, 12, 7, 30, tzinfo=UTC),
    venue="Stadthalle Teststadt",
)
REFERRAL = SimpleNamespace(
    id=11, outcome="Beratung begonnen", first_contact_at=datetime(2027, 2, 9, 9, tzinfo=UTC)
)
REFERRAL_CONTEXT = {
    "referral": REFERRAL,
    "pseudonym": "K-7F3A",
    "offer": "Offene Sprechstunde Sucht",
    "from_partner": "Jobcenter Teststadt",
    "to_partner": "Suchtberatung Teststadt",
}
OWED = [
    SimpleNamespace(id=42, title=TASK.title, due_date=date(2027, 2, 26)),
    SimpleNamespace(id=51, title="Wartezeiten für den Netzwerkbericht melden", due_date=DUE),
]


def _task(kind: str, reason: str, **extra: object) -> Notice:
    return Notice(kind, f"task:42:{kind}", reason, "/tasks/42", {**TASK_CONTEXT, **extra})


def _meeting(kind: str, **extra: object) -> Notice:
    return Notice(
        kind, f"meeting:7:{kind}", notices.MEETING_MEMBER, "/meetings/7",
        {**MEETING_CONTEXT, **extra},
    )  # fmt: skip


def _conference(kind: str) -> Notice:
    return Notice(
        kind, f"registration:9:{kind}", notices.REGISTERED, "/conferences/3",
        {"conference": CONFERENCE, "whole": False},
    )  # fmt: skip


def _referral(kind: str, reason: str) -> Notice:
    return Notice(kind, f"referral:11:{kind}", reason, "/referrals/11", REFERRAL_CONTEXT)


#: One notice per kind of mail, as the events of :mod:`notices` make them.
SAMPLES: dict[str, Notice] = {
    "task_proposed": _task("task_proposed", notices.RESPONSIBLE, proposer="Sabine Netz"),
    "task_reminder": _task("task_reminder", notices.RESPONSIBLE, days=3, level="reminder"),
    "task_overdue": _task("task_overdue", notices.RESPONSIBLE, days=1, level="overdue"),
    "task_changed": _task(
        "task_changed",
        notices.RESPONSIBLE,
        actor="Sabine Netz",
        changes=["Fällig am 15.03.2027 statt am 26.02.2027"],
        withdrawn=True,
        reason_given="Der Fachtag wurde verschoben.",
    ),
    "task_escalated": _task("task_escalated", notices.ACCOUNTABLE, days=7, level="accountable"),
    "task_declined": _task("task_declined", notices.ACCOUNTABLE),
    "task_blocked": _task("task_blocked", notices.ACCOUNTABLE),
    "meeting_invitation": _meeting("meeting_invitation"),
    "meeting_cancelled": _meeting("meeting_cancelled"),
    "meeting_minutes": _meeting(
        "meeting_minutes",
        decisions=["Die Suchtberatung bietet ab April eine offene Sprechstunde im Jobcenter an."],
    ),
    "conference_registered": _conference("conference_registered"),
    "conference_waitlisted": _conference("conference_waitlisted"),
    "conference_moved_up": _conference("conference_moved_up"),
    "conference_cancelled": _conference("conference_cancelled"),
    "referral_sent": _referral("referral_sent", notices.REFERRAL_RECEIVED),
    "referral_arrived": _referral("referral_arrived", notices.REFERRAL_SENT),
    "referral_closed": _referral("referral_closed", notices.REFERRAL_SENT),
    "digest": Notice(
        "digest",
        "digest:4:2027-W09",
        DIGEST_REASON,
        "/",
        {
            "partner": "Suchtberatung Teststadt",
            "today": date(2027, 3, 1),
            "overdue": OWED[:1],
            "due_soon": OWED[1:],
            "proposed": [],
            "referrals": 2,
        },
    ),
}
RECIPIENT = Recipient("tom.hilfe@suchtberatung.example", "Tom Hilfe")


@attrs.frozen
class Preview:
    kind: str
    subject: str
    text: str
    html: str


def previews(deployment: Deployment, kinds: Iterable[str] = MAIL_KINDS) -> list[Preview]:
    """The sample of each of ``kinds`` rendered with the deployment's templates."""
    found = []
    for kind in kinds:
        notice = SAMPLES[kind]
        context = {
            **notice.context,
            "reason": notice.reason,
            "link_url": f"{public_url(deployment)}{notice.link}",
            "base_url": public_url(deployment),
        }
        mail = render(
            deployment,
            kind,
            context,
            recipient=RECIPIENT,
            choice_url=f"{public_url(deployment)}/mail/choice/…",
        )
        found.append(Preview(kind, mail.subject, mail.text, mail.html))
    return found


def as_markdown(shown: Iterable[Preview]) -> str:
    """The previews as a Markdown page: per kind its subject and its text part."""
    parts = []
    for preview in shown:
        parts.append(
            f"### `{preview.kind}`\n\n**Betreff:** {preview.subject}\n\n"
            f"```text\n{preview.text.rstrip()}\n```\n"
        )
    return "\n".join(parts)
