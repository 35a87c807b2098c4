"""Calendar feeds: secret addresses at which a calendar subscribes to someone's dates."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow


class CalendarFeed(SQLModel, table=True):
    """A secret address at which a calendar reads a user's or a partner's dates. Only the
    token's digest is kept: the token is shown once, when the feed is made."""

    __tablename__ = "calendar_feed"
    __table_args__ = (
        sa.CheckConstraint(
            "(user_id IS NULL) <> (partner_id IS NULL)", name="calendar_feed_one_owner"
        ),
    )

    id: int = Field(default=None, primary_key=True)
    digest: str = Field(max_length=64, unique=True)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    created_by: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
