"""The outbox: mails written with the change that causes them, sent afterwards."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow


class OutboxMessage(SQLModel, table=True):
    """A mail to one recipient. ``key`` names the event and the recipient, so that the same
    event never writes a second mail to the same person. ``status``: ``queued`` until the
    relay took it (``sent``) or refused it for good (``failed``)."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: int = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(default="", sa_type=sa.Text)
    #: An iCalendar attachment (``invite.ics``), its METHOD written inside.
    calendar: str = Field(default="", sa_type=sa.Text)
    status: str = Field(default="queued", max_length=20)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, index=True)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)


class MailPreference(SQLModel, table=True):
    """Which mails an address wants: ``single`` (each as it happens, the default without a
    row), ``digest`` (what its partner owes once a week instead) or ``none``."""

    __tablename__ = "mail_preference"

    address: str = Field(primary_key=True, max_length=200)
    choice: str = Field(max_length=10)
    updated_at: datetime = Field(default_factory=utcnow)
