"""Every table of the core, imported in one place so the metadata is complete."""

from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord
from netzwerker.domain.partners.models import (
    Partner,
    PartnerLegalDomain,
    PartnerWorkingField,
    Person,
)
from netzwerker.domain.tasks.models import Escalation, Task, TaskEvent, TaskParty

__all__ = [
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
    "WorkingFieldRecord",
]
