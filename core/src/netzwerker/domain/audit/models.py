"""The audit log: who changed what outside a task's own history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import JSON, Field, SQLModel

from netzwerker.clock import utcnow


class AuditEvent(SQLModel, table=True):
    """One write: who (``actor``), what (``action`` on ``object_type`` ``object_id``), when.

    Never updated or deleted (the database refuses both). ``changes`` holds old and new
    values; secrets such as password hashes never enter it.
    """

    __tablename__ = "audit_event"

    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=60)
    object_id: str = Field(default="", max_length=80)
    changes: dict[str, Any] | None = Field(default=None, sa_type=JSON)
