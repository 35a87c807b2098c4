"""What the API of audit takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from netzwerker.http.answers import Answer


@attrs.frozen
class AuditEventOut(Answer):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any] | None
