"""Writing mails into the outbox and sending them to the relay.

A mail is written in the same transaction as the change that causes it (:func:`enqueue`):
a change rolled back writes no mail, a committed one never loses it. :func:`deliver` then
hands the waiting mails to the relay of ``[mail]``: each once, a temporary refusal (4xx, a
relay out of reach) tried again later with a growing pause, a permanent one (5xx) marked
failed for the admins to see. Two senders at once share the work: on PostgreSQL each locks
the mails it sends and skips those another one holds (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.config import MailConfig
from netzwerker.db import conflict_insert
from netzwerker.deployment import Deployment
from netzwerker.domain.audit.services import record
from netzwerker.domain.mail.models import OutboxMessage
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import NotFound, Refused

#: After this many attempts a mail that the relay keeps refusing for now is given up.
MOST_ATTEMPTS = 12
#: The pause before the next attempt doubles from a minute up to this.
LONGEST_PAUSE = timedelta(hours=6)
#: How many mails one transaction of a sender takes on.
BATCH = 100


@attrs.frozen
class Mail:
    """A mail to write: ``key`` names the event and the recipient (``task:12:due:a@b.de``),
    so that the same event never mails the same recipient twice."""

    key: str
    recipient: str
    subject: str
    text: str
    html: str = ""
    #: An iCalendar document to attach (an invitation, its update or cancellation).
    calendar: str = ""


def enqueue(session: Session, mail: Mail, *, now: datetime | None = None) -> bool:
    """Write ``mail`` into the outbox within the caller's transaction; False (and nothing
    written) when a mail of that key is there already, even one written at the same moment
    by another transaction (``INSERT … ON CONFLICT DO NOTHING``)."""
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    insert = conflict_insert(dialect)
    statement = (
        insert(OutboxMessage)
        .values(
            key=mail.key,
            recipient=mail.recipient,
            subject=mail.subject,
            body_text=mail.text,
            body_html=mail.html,
            calendar=mail.calendar,
            status="queued",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
            last_error="",
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(OutboxMessage.id))
    )
    return session.execute(statement).scalar() is not None


@attrs.frozen
class Delivery:
    """What one run of the sender did."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0

    def __add__(self, other: Delivery) -> Delivery:
        return Delivery(
            self.sent + other.sent, self.deferred + other.deferred, self.failed + other.failed
        )


def message_of(row: OutboxMessage, mail: MailConfig) -> EmailMessage:
    """The mail as it goes out: text, HTML beside it where there is some, and the calendar
    entry attached with its METHOD, so that a calendar offers to accept or update it."""
    message = EmailMessage()
    message["From"] = mail.sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = make_msgid(domain=mail.sender.rpartition("@")[2] or None)
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message["X-Netzwerker-Key"] = row.key
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    if row.calendar:
        method = next(
            (
                line.partition(":")[2].strip()
                for line in row.calendar.splitlines()
                if line.startswith("METHOD:")
            ),
            "PUBLISH",
        )
        message.add_attachment(
            row.calendar.encode(),
            maintype="text",
            subtype="calendar",
            filename="einladung.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return message


@contextmanager
def relay(mail: MailConfig, password: str | None) -> Iterator[smtplib.SMTP]:
    """A connection to the relay, secured and signed in as ``[mail]`` says."""
    context = ssl.create_default_context()
    if mail.security == "tls":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            mail.host, mail.port, timeout=mail.timeout_seconds, context=context
        )
    else:
        connection = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout_seconds)
    try:
        if mail.security == "starttls":
            connection.starttls(context=context)
        if mail.user:
            connection.login(mail.user, password or "")
        yield connection
    finally:
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def _refusal(error: Exception) -> tuple[bool, str]:
    """Whether the relay's answer refuses the mail for good (5xx), and what it said."""
    said: bytes | str
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, said = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, said = error.smtp_code, error.smtp_error
    else:
        return False, f"{type(error).__name__}: {error}"
    text = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
    return 500 <= code < 600, f"{code} {text}"


def _settle(row: OutboxMessage, error: Exception, now: datetime, *, may_fail: bool) -> str:
    """A mail the relay did not take: ``failed`` for good (a 5xx answer to this mail, or too
    many attempts), else ``deferred`` to a later run with a pause that doubles each time."""
    permanent, reason = _refusal(error)
    row.attempts += 1
    row.last_error = reason[:500]
    if (permanent and may_fail) or row.attempts >= MOST_ATTEMPTS:
        row.status = "failed"
        return "failed"
    row.next_attempt_at = now + min(timedelta(minutes=2 ** (row.attempts - 1)), LONGEST_PAUSE)
    return "deferred"


def _send_batch(
    session: Session, mail: MailConfig, password: str | None, now: datetime
) -> Delivery | None:
    """The next due mails, locked against other senders, handed to the relay; None when no
    mail is due."""
    due = session.exec(
        select(OutboxMessage)
        .where(col(OutboxMessage.status) == "queued", col(OutboxMessage.next_attempt_at) <= now)
        .order_by(col(OutboxMessage.id))
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    if not due:
        return None
    tally = {"sent": 0, "deferred": 0, "failed": 0}
    try:
        with relay(mail, password) as connection:
            for row in due:
                try:
                    connection.send_message(message_of(row, mail))
                except smtplib.SMTPServerDisconnected:
                    raise
                except (smtplib.SMTPException, OSError) as error:
                    tally[_settle(row, error, now, may_fail=True)] += 1
                    continue
                row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1
                tally["sent"] += 1
    except (smtplib.SMTPException, OSError) as error:
        # The relay is out of reach, refused the sign-in or broke off: not the mails' fault,
        # so what it did not take waits for the next run.
        for row in due:
            if row.status == "queued" and row.next_attempt_at <= now:
                tally[_settle(row, error, now, may_fail=False)] += 1
    return Delivery(**tally)


def _relay_of(deployment: Deployment) -> tuple[MailConfig, str | None]:
    """The deployment's relay and its password; refused when no relay is set."""
    mail = deployment.config.mail
    if not mail.host:
        raise Refused("no relay is set: give [mail] host and sender in deployment.toml")
    return mail, mail.password(deployment.folder)


def deliver(deployment: Deployment, *, now: datetime | None = None) -> Delivery:
    """Send every mail that is due, batch after batch, each batch in its own transaction;
    then delete sent mails older than ``[mail] keep_days``."""
    mail, password = _relay_of(deployment)
    now = now or utcnow()
    total = Delivery()
    while True:
        with deployment.transaction() as session:
            done = _send_batch(session, mail, password, now)
        if done is None:
            break
        total += done
    with deployment.transaction() as session:
        session.execute(
            sa.delete(OutboxMessage).where(
                col(OutboxMessage.status) == "sent",
                col(OutboxMessage.sent_at) < now - timedelta(days=mail.keep_days),
            )
        )
    return total


@attrs.frozen
class OutboxState:
    """What the admins see of the outbox: how many mails wait, failed and went out, and the
    mails in trouble (failed, or refused for now at least once), newest first."""

    queued: int
    failed: int
    sent: int
    troubled: list[OutboxMessage]


def outbox_state(session: Session, *, actor: Actor, limit: int = 200) -> OutboxState:
    """The outbox as the admins see it (``mail.outbox``)."""
    permissions.authorize(actor, permissions.MAIL_OUTBOX)
    counts = dict(
        session.execute(
            sa.select(col(OutboxMessage.status), sa.func.count()).group_by(
                col(OutboxMessage.status)
            )
        ).all()
    )
    troubled = session.exec(
        select(OutboxMessage)
        .where(
            sa.or_(
                col(OutboxMessage.status) == "failed",
                sa.and_(col(OutboxMessage.status) == "queued", col(OutboxMessage.attempts) > 0),
            )
        )
        .order_by(col(OutboxMessage.id).desc())
        .limit(limit)
    ).all()
    return OutboxState(
        counts.get("queued", 0), counts.get("failed", 0), counts.get("sent", 0), list(troubled)
    )


def retry(session: Session, message_id: int, *, actor: Actor) -> OutboxMessage:
    """Send a failed or deferred mail again at the sender's next run, with fresh attempts
    (``mail.outbox``): after the address was corrected at the relay, or the relay repaired."""
    permissions.authorize(actor, permissions.MAIL_OUTBOX)
    row = session.get(OutboxMessage, message_id)
    if row is None:
        raise NotFound("mail", message_id)
    if row.status == "sent":
        raise Refused("the mail was sent already")
    row.status, row.attempts, row.next_attempt_at = "queued", 0, utcnow()
    record(
        session,
        actor=actor.username,
        action="mail.retry",
        object_type="mail",
        object_id=row.id,
        changes={"recipient": row.recipient, "last_error": row.last_error},
    )
    session.flush()
    return row


def send_test(deployment: Deployment, address: str) -> None:
    """Send one mail straight to ``address``, to try ``[mail]``; the relay's refusal raises."""
    mail, password = _relay_of(deployment)
    row = OutboxMessage(
        key="test",
        recipient=address,
        subject=f"netzwerker: Testnachricht von {deployment.name}",
        body_text=(
            f"Diese Nachricht prüft die Mail-Einstellungen von {deployment.name}.\n"
            "Sie ist angekommen: netzwerker kann Erinnerungen und Einladungen versenden.\n"
        ),
        created_at=utcnow(),
    )
    with relay(mail, password) as connection:
        connection.send_message(message_of(row, mail))
