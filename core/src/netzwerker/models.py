"""Every table of the core, imported in one place so the metadata is complete."""

from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import Goal, WorkingFieldRecord
from netzwerker.domain.indicators.models import IndicatorValue
from netzwerker.domain.partners.models import (
    Partner,
    PartnerLegalDomain,
    PartnerWorkingField,
    Person,
)
from netzwerker.domain.projects.models import (
    FundingApplication,
    Project,
    ProjectPartner,
    ProjectTargetGroup,
)
from netzwerker.domain.tasks.models import Escalation, Task, TaskEvent, TaskParty
from netzwerker.domain.users.models import ApiToken, User
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowInstance

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Circle",
    "Escalation",
    "FundingApplication",
    "Goal",
    "IndicatorValue",
    "Partner",
    "PartnerLegalDomain",
    "PartnerWorkingField",
    "Person",
    "Project",
    "ProjectPartner",
    "ProjectTargetGroup",
    "Task",
    "TaskEvent",
    "TaskParty",
    "User",
    "WorkflowEvent",
    "WorkflowInstance",
    "WorkingFieldRecord",
]
