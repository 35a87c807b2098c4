"""Every table of the core, imported in one place so the metadata is complete."""

from netzwerker.domain.appraisal.models import OfferResource, Rating
from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.calendars.models import CalendarFeed
from netzwerker.domain.cases.models import (
    Case,
    CaseIdentity,
    CaseTargetGroup,
    CaseWorker,
    Consent,
    Referral,
)
from netzwerker.domain.catalogue.models import Need, Offer, OfferTerm
from netzwerker.domain.chains.models import ChainAgreement, ChainInstance, ChainStep, ServiceChain
from netzwerker.domain.circles.models import Circle, CirclePartner, CirclePerson
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.fields.models import Goal, PluginChoice, WorkingFieldRecord
from netzwerker.domain.indicators.models import IndicatorValue
from netzwerker.domain.mail.models import MailPreference, OutboxMessage
from netzwerker.domain.meetings.models import Decision, Meeting, MeetingParticipant
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
from netzwerker.domain.survey.models import SurveyAnswer
from netzwerker.domain.tasks.models import Escalation, Task, TaskEvent, TaskParty
from netzwerker.domain.users.models import ApiToken, SignInThrottle, User, WebSession
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowRun

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CalendarFeed",
    "Case",
    "CaseIdentity",
    "CaseTargetGroup",
    "CaseWorker",
    "ChainAgreement",
    "ChainInstance",
    "ChainStep",
    "Circle",
    "CirclePartner",
    "CirclePerson",
    "Conference",
    "Consent",
    "Decision",
    "Escalation",
    "FundingApplication",
    "Goal",
    "IndicatorValue",
    "MailPreference",
    "Meeting",
    "MeetingParticipant",
    "Need",
    "Offer",
    "OfferResource",
    "OfferTerm",
    "OutboxMessage",
    "Partner",
    "PartnerLegalDomain",
    "PartnerWorkingField",
    "Person",
    "PluginChoice",
    "Project",
    "ProjectPartner",
    "ProjectTargetGroup",
    "Rating",
    "Referral",
    "Registration",
    "ServiceChain",
    "SignInThrottle",
    "SurveyAnswer",
    "Task",
    "TaskEvent",
    "TaskParty",
    "User",
    "WebSession",
    "WorkflowEvent",
    "WorkflowRun",
    "WorkingFieldRecord",
]
