"""Every table of the core, imported in one place so the metadata is complete."""

from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord
from netzwerker.domain.partners.models import (
    Partner,
    PartnerLegalDomain,
    PartnerWorkingField,
    Person,
)
from netzwerker.domain.tasks.models import Escalation, Task, TaskEvent, TaskParty
from netzwerker.domain.users.models import ApiToken, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Circle",
    "Escalation",
    "Goal",
    "Partner",
    "PartnerLegalDomain",
    "PartnerWorkingField",
    "Person",
    "Task",
    "TaskEvent",
    "TaskParty",
    "User",
    "WorkingFieldRecord",
]
