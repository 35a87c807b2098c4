"""A project as its page shows it: its state and history, partners, target groups and
funding applications, and the steps the reader may take; and what the form of a new
project offers."""

from __future__ import annotations

from typing import Any

import attrs
from sqlmodel import Session

from netzwerker.domain.partners.models import Partner
from netzwerker.domain.projects.lifecycle import FUNDING_WORKFLOW, PROJECT_WORKFLOW
from netzwerker.domain.projects.models import FundingApplication, Project
from netzwerker.domain.projects.services import (
    funding_of,
    get_project,
    project_members,
    project_state,
)
from netzwerker.domain.references import field_choices, names, partner_choices
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.workflows.models import WorkflowEvent
from netzwerker.domain.workflows.services import events_of
from netzwerker.workflow import Transition


@attrs.frozen
class ProjectRecord:
    project: Project
    state: str
    #: ``(partner id, name, role)`` of each partner.
    partners: list[tuple[int, str, str]]
    target_groups: list[str]
    applications: list[FundingApplication]
    history: list[WorkflowEvent]
    #: The lifecycle's steps the reader may take now.
    actions: list[Transition]
    #: Per application, the decisions the reader may record now.
    funding_steps: dict[int, list[Transition]]
    may_record: bool
    may_change: bool


def project_record(session: Session, project_id: int, *, actor: Actor) -> ProjectRecord:
    project = get_project(session, project_id)
    state = project_state(session, project)
    members = project_members(session, [project_id])[project_id]
    partner_names = names(session, Partner, [pid for pid, _ in members["partners"]])
    applications = funding_of(session, [project_id])[project_id]
    decides = permissions.allows(actor, permissions.FUNDING_DECIDE)
    return ProjectRecord(
        project=project,
        state=state,
        partners=[(pid, partner_names[pid], role) for pid, role in members["partners"]],
        target_groups=members["target_groups"],
        applications=applications,
        history=events_of(session, project.lifecycle_id),
        actions=PROJECT_WORKFLOW.allowed(state)
        if permissions.allows(actor, permissions.PROJECT_MOVE)
        else [],
        funding_steps={
            a.id: FUNDING_WORKFLOW.allowed(a.status) if decides else [] for a in applications
        },
        may_record=permissions.allows(actor, permissions.FUNDING_RECORD),
        may_change=permissions.allows(actor, permissions.PROJECT_CHANGE),
    )


def project_values(
    session: Session, project_id: int, *, actor: Actor
) -> tuple[Project, dict[str, Any]]:
    """A project and its changeable values for its form (``project.change``): the lead
    partner apart, the other partners with their roles."""
    permissions.authorize(actor, permissions.PROJECT_CHANGE)
    project = get_project(session, project_id)
    members = project_members(session, [project_id])[project_id]
    values: dict[str, Any] = {
        key: getattr(project, key)
        for key in ("title", "working_field", "description", "start_on", "end_on")
    }
    values["people_reached"] = project.people_reached
    values["target_groups"] = members["target_groups"]
    values["roles"] = dict(members["partners"])
    values["details"] = dict(project.details or {})
    return project, values


def project_form_choices(session: Session, *, actor: Actor) -> dict[str, Any]:
    """What the form of a new project offers (``project.record``): ``fields`` and
    ``partners``."""
    permissions.authorize(actor, permissions.PROJECT_RECORD)
    return {"fields": field_choices(session), "partners": partner_choices(session)}
