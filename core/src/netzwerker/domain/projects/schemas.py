"""What the API of projects takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
from sqlmodel import Session

from netzwerker.contributions import ProjectType
from netzwerker.deployment import Contributed
from netzwerker.domain.projects.lifecycle import PROJECT_WORKFLOW
from netzwerker.domain.projects.models import Project
from netzwerker.domain.projects.services import (
    funding_of,
    project_members,
    project_state,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class DetailFieldOut:
    name: str
    type: str
    required: bool


@attrs.frozen
class ProjectTypeOut:
    key: str
    name: str
    working_field: str | None
    description: str
    source: str
    details: list[DetailFieldOut]

    @classmethod
    def of(cls, contributed: Contributed[ProjectType]) -> ProjectTypeOut:
        project_type = contributed.value
        return cls(
            key=project_type.key,
            name=project_type.name,
            working_field=project_type.working_field,
            description=project_type.description,
            source=contributed.source,
            details=[
                DetailFieldOut(
                    field.name, getattr(field.type, "__name__", str(field.type)), field.required
                )
                for field in project_type.detail_fields()
            ],
        )


@attrs.frozen
class FundingOut(Answer):
    id: int
    source: str
    programme: str
    requested: Decimal
    granted: Decimal | None
    status: str
    submitted_on: date | None
    decided_on: date | None
    note: str
    version: int


@attrs.frozen
class ProjectPartnerOut:
    partner_id: int
    role: str


@attrs.frozen
class ProjectOut(Answer):
    id: int
    key: str
    title: str
    project_type: str
    working_field: str | None
    status: str
    status_label: str
    allowed: list[str]
    description: str
    details: dict[str, Any]
    target_groups: list[str]
    partners: list[ProjectPartnerOut]
    funding: list[FundingOut]
    start_on: date | None
    end_on: date | None
    people_reached: int
    created_at: datetime
    updated_at: datetime
    version: int


@attrs.frozen
class ProjectMove:
    reason: str = ""
    version: int | None = None


def project_answers(session: Session, rows: list[tuple[Project, str]]) -> list[ProjectOut]:
    """Projects with their members and funding, in three queries for the whole page."""
    ids = [project.id for project, _ in rows]
    members = project_members(session, ids)
    funding = funding_of(session, ids)
    return [
        ProjectOut.of(
            project,
            status=state,
            status_label=PROJECT_WORKFLOW.label(state),
            allowed=[t.name for t in PROJECT_WORKFLOW.allowed(state)],
            target_groups=members[project.id]["target_groups"],
            partners=[
                ProjectPartnerOut(partner_id, role)
                for partner_id, role in members[project.id]["partners"]
            ],
            funding=[FundingOut.of(item) for item in funding[project.id]],
        )
        for project, state in rows
    ]


def project_out(session: Session, project: Project) -> ProjectOut:
    return project_answers(session, [(project, project_state(session, project))])[0]
