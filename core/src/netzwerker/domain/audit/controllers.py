"""``/api/audit``: the audit log, to read only; nothing in the API writes to it directly."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import FromQuery, QueryParameter

from netzwerker.domain.audit.schemas import (
    AuditEventOut,
)
from netzwerker.domain.audit.services import audit_log
from netzwerker.http.params import CurrentActor, CurrentDeployment


@get("/api/audit", tags=["audit"], sync_to_thread=False, summary="Who changed what, newest first")
def read_audit_log(
    deployment: CurrentDeployment,
    actor: CurrentActor,
    object_type: FromQuery[str | None] = None,
    object_id: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
    offset: Annotated[int, QueryParameter(ge=0)] = 0,
) -> list[AuditEventOut]:
    with deployment.session() as session:
        events = audit_log(
            session,
            actor=actor,
            object_type=object_type,
            object_id=object_id,
            limit=limit,
            offset=offset,
        )
        return [AuditEventOut.of(event) for event in events]
