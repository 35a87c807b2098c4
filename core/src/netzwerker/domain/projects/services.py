"""Projects: typed details, partners with roles, a lifecycle, and funding applications.

A project's type comes from a plugin (:class:`netzwerker.contributions.ProjectType`); its
details are checked against the type's attrs class. The lifecycle (idea → concept → funding
applied → running → evaluated → ended) is a run of :data:`PROJECT_WORKFLOW`, so its
history and hooks are those of every workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict
from netzwerker.deployment import Deployment
from netzwerker.domain.audit.services import record
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.projects.lifecycle import FUNDING_WORKFLOW, PROJECT_WORKFLOW
from netzwerker.domain.projects.models import (
    FundingApplication,
    Project,
    ProjectPartner,
    ProjectTargetGroup,
)
from netzwerker.domain.references import field_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.domain.workflows.services import Move, RunDraft, advance, start_run
from netzwerker.errors import InvalidInput, NotFound, Problem, require_version
from netzwerker.structuring import validated_json
from netzwerker.validators import not_blank, not_negative, record_key


class ProjectRole(StrEnum):
    LEAD = "lead"
    PARTNER = "partner"
    ADVISOR = "advisor"
    FUNDER = "funder"


class FundingSource(StrEnum):
    """Where funds come from; the programme names the concrete one."""

    ESF = "esf"
    FEDERAL = "federal"
    STATE = "state"
    MUNICIPAL = "municipal"
    JOBCENTER = "jobcenter"
    FOUNDATION = "foundation"
    OTHER = "other"


@attrs.frozen
class ProjectPartnerDraft:
    partner_id: int
    role: ProjectRole = ProjectRole.PARTNER


def project_partners(
    lead: int | None, partner_ids: Iterable[int], roles: Mapping[int, str] | None = None
) -> list[ProjectPartnerDraft]:
    """A project's partners as a form names them: the lead as lead, every other partner
    with the role it had (``roles``: partner id → role), a partner by default; a former lead
    that stays becomes a partner."""
    members = [ProjectPartnerDraft(lead, ProjectRole.LEAD)] if lead else []
    for partner_id in partner_ids:
        if partner_id == lead:
            continue
        role = (roles or {}).get(partner_id, ProjectRole.PARTNER)
        members.append(
            ProjectPartnerDraft(
                partner_id, ProjectRole.PARTNER if role == ProjectRole.LEAD else ProjectRole(role)
            )
        )
    return members


@attrs.frozen
class ProjectChanges:
    """What may change on a project (every field of the draft but its key and type)."""

    title: str = attrs.field(validator=not_blank)
    working_field: str | None = None
    description: str = ""
    target_groups: list[str] = attrs.Factory(list)
    partners: list[ProjectPartnerDraft] = attrs.Factory(list)
    details: dict[str, Any] = attrs.Factory(dict)
    start_on: date | None = None
    end_on: date | None = None
    people_reached: int = attrs.field(default=0, validator=not_negative)


@attrs.frozen
class ProjectDraft(ProjectChanges):
    """What it takes to record a project idea."""

    key: str = attrs.field(kw_only=True, validator=record_key)
    project_type: str = attrs.field(kw_only=True)


EDITABLE = tuple(field.name for field in attrs.fields(ProjectChanges))


@attrs.frozen
class FundingDraft:
    source: FundingSource
    requested: Decimal = attrs.field(validator=not_negative)
    programme: str = ""
    submitted_on: date | None = None
    note: str = ""


@attrs.frozen
class FundingDecision:
    """A move of a funding application: submit, grant, grant_partially, reject, withdraw."""

    action: str
    on: date | None = None
    granted: Decimal | None = attrs.field(default=None, validator=not_negative)
    reason: str = ""
    version: int | None = None


def _problems(session: Session, deployment: Deployment, values: dict[str, Any]) -> list[Problem]:
    """Whether a project's type, field, details, partners and dates fit together."""
    problems: list[Problem] = []
    project_type = deployment.registry.project_types.get(values["project_type"])
    if project_type is None:
        known = ", ".join(sorted(deployment.registry.project_types)) or "none"
        problems.append(
            Problem(
                "project_type",
                f"unknown project type {values['project_type']!r} (known: {known})",
            )
        )
    else:
        try:
            values["details"] = validated_json(
                values["details"], project_type.value.details, prefix="details"
            )
        except InvalidInput as exc:
            problems.extend(exc.problems)
        if values["working_field"] is None:
            values["working_field"] = project_type.value.working_field
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    seen: set[int] = set()
    leads = 0
    for index, member in enumerate(values["partners"]):
        if session.get(Partner, member.partner_id) is None:
            problems.append(
                Problem(f"partners[{index}].partner_id", f"no partner {member.partner_id!r}")
            )
        if member.partner_id in seen:
            problems.append(Problem(f"partners[{index}].partner_id", "listed twice"))
        seen.add(member.partner_id)
        leads += member.role is ProjectRole.LEAD
    if leads > 1:
        problems.append(Problem("partners", "a project has at most one lead partner"))
    for index, group in enumerate(values["target_groups"]):
        if not group.strip() or len(group) > 120:
            problems.append(Problem(f"target_groups[{index}]", "must be 1 to 120 characters"))
    start, end = values["start_on"], values["end_on"]
    if start is not None and end is not None and end < start:
        problems.append(Problem("end_on", "ends before it starts"))
    return problems


def _replace_members(session: Session, project: Project, values: dict[str, Any]) -> None:
    for model in (ProjectPartner, ProjectTargetGroup):
        session.execute(sa.delete(model).where(col(model.project_id) == project.id))
    for member in values["partners"]:
        session.add(
            ProjectPartner(project_id=project.id, partner_id=member.partner_id, role=member.role)
        )
    for group in dict.fromkeys(group.strip() for group in values["target_groups"]):
        session.add(ProjectTargetGroup(project_id=project.id, target_group=group))


def create_project(
    session: Session,
    deployment: Deployment,
    draft: ProjectDraft,
    *,
    actor: Actor,
    now: datetime | None = None,
) -> Project:
    """Record a project idea; its lifecycle starts at ``idea``."""
    permissions.authorize(actor, permissions.PROJECT_RECORD)
    now = now or utcnow()
    values = attrs.asdict(draft, recurse=False)
    problems = _problems(session, deployment, values)
    if session.scalar(select(Project.id).where(Project.key == draft.key)) is not None:
        problems.insert(0, Problem("key", f"a project {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    lifecycle = start_run(
        session,
        deployment,
        PROJECT_WORKFLOW.key,
        RunDraft(subject=f"project:{draft.key}", working_field=values["working_field"]),
        actor=actor,
        now=now,
    )
    columns = {k: v for k, v in values.items() if k not in ("partners", "target_groups")}
    project = Project(**columns, lifecycle_id=lifecycle.id, created_at=now, updated_at=now)
    session.add(project)
    session.flush()
    _replace_members(session, project, values)
    record(
        session,
        actor=actor.username,
        action="project.create",
        object_type="project",
        object_id=project.id,
        changes={"key": draft.key, "project_type": draft.project_type},
    )
    session.flush()
    return project


def get_project(session: Session, project_id: int, expected_version: int | None = None) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("project", project_id)
    require_version("project", project_id, project.version, expected_version)
    return project


def project_by_key(session: Session, key: str) -> Project:
    project = session.exec(select(Project).where(Project.key == key)).first()
    if project is None:
        raise NotFound("project", key)
    return project


def update_project(
    session: Session,
    deployment: Deployment,
    project_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Project:
    permissions.authorize(actor, permissions.PROJECT_CHANGE)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput([Problem(key, "unknown or not editable field") for key in unknown])
    project = get_project(session, project_id, expected_version)
    members = project_members(session, [project_id])[project_id]
    current: dict[str, Any] = {
        key: getattr(project, key) for key in EDITABLE if key not in ("partners", "target_groups")
    }
    current["partners"] = [
        ProjectPartnerDraft(partner_id, ProjectRole(role))
        for partner_id, role in members["partners"]
    ]
    current["target_groups"] = members["target_groups"]
    values = {**current, **changes, "project_type": project.project_type}
    problems = _problems(session, deployment, values)
    if problems:
        raise InvalidInput(problems)
    for key in EDITABLE:
        if key not in ("partners", "target_groups"):
            setattr(project, key, values[key])
    project.updated_at = now or utcnow()
    if "partners" in changes or "target_groups" in changes:
        _replace_members(session, project, values)
    record(
        session,
        actor=actor.username,
        action="project.update",
        object_type="project",
        object_id=project_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"project {project_id}")
    return project


def move_project(
    session: Session,
    deployment: Deployment,
    project_id: int,
    action: str,
    *,
    actor: Actor,
    reason: str = "",
    expected_version: int | None = None,
) -> Project:
    """Move a project through its lifecycle (the history is its workflow run's)."""
    permissions.authorize(actor, permissions.PROJECT_MOVE)
    project = get_project(session, project_id, expected_version)
    advance(session, deployment, project.lifecycle_id, Move(action, reason), actor=actor)
    project.updated_at = utcnow()
    flush_or_conflict(session, f"project {project_id}")
    return project


def project_members(
    session: Session, project_ids: Sequence[int]
) -> dict[int, dict[str, list[Any]]]:
    """Partners ``(id, role)`` and target groups of each project, in two queries."""
    members: dict[int, dict[str, list[Any]]] = {
        project_id: {"partners": [], "target_groups": []} for project_id in project_ids
    }
    if not project_ids:
        return members
    for link in session.exec(
        select(ProjectPartner)
        .where(col(ProjectPartner.project_id).in_(project_ids))
        .order_by(col(ProjectPartner.project_id), col(ProjectPartner.partner_id))
    ):
        members[link.project_id]["partners"].append((link.partner_id, link.role))
    for group in session.exec(
        select(ProjectTargetGroup)
        .where(col(ProjectTargetGroup.project_id).in_(project_ids))
        .order_by(col(ProjectTargetGroup.project_id), col(ProjectTargetGroup.target_group))
    ):
        members[group.project_id]["target_groups"].append(group.target_group)
    return members


@attrs.frozen
class ProjectFilter:
    project_type: str | None = None
    working_field: str | None = None
    status: Sequence[str] = ()
    partner_id: int | None = None
    target_group: str | None = None


def find_projects(
    session: Session, project_filter: ProjectFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[tuple[Project, str]], int]:
    """A page of projects with their lifecycle state, newest first, and the total."""
    f = project_filter
    clauses: list[Any] = []
    if f.project_type is not None:
        clauses.append(Project.project_type == f.project_type)
    if f.working_field is not None:
        clauses.append(Project.working_field == f.working_field)
    if f.status:
        clauses.append(WorkflowRun.state.in_(f.status))  # type: ignore[attr-defined]
    if f.partner_id is not None:
        clauses.append(
            col(Project.id).in_(
                select(col(ProjectPartner.project_id)).where(
                    col(ProjectPartner.partner_id) == f.partner_id
                )
            )
        )
    if f.target_group is not None:
        clauses.append(
            col(Project.id).in_(
                select(col(ProjectTargetGroup.project_id)).where(
                    col(ProjectTargetGroup.target_group) == f.target_group
                )
            )
        )
    joined = select(Project, WorkflowRun.state).join(
        WorkflowRun,
        WorkflowRun.id == Project.lifecycle_id,  # type: ignore[arg-type]
    )
    total = session.scalar(
        select(sa.func.count())
        .select_from(Project)
        .join(WorkflowRun, WorkflowRun.id == Project.lifecycle_id)  # type: ignore[arg-type]
        .where(*clauses)
    )
    rows = session.exec(
        joined.where(*clauses)
        .order_by(col(Project.created_at).desc(), col(Project.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return [(project, state) for project, state in rows], total or 0


def project_state(session: Session, project: Project) -> str:
    return session.get(WorkflowRun, project.lifecycle_id).state  # type: ignore[union-attr]


# --------------------------------------------------------------------------------------------
# Funding applications
# --------------------------------------------------------------------------------------------


def funding_of(session: Session, project_ids: Sequence[int]) -> dict[int, list[FundingApplication]]:
    found: dict[int, list[FundingApplication]] = {project_id: [] for project_id in project_ids}
    if project_ids:
        for application in session.exec(
            select(FundingApplication)
            .where(col(FundingApplication.project_id).in_(project_ids))
            .order_by(col(FundingApplication.id))
        ):
            found[application.project_id].append(application)
    return found


def add_funding(
    session: Session, project_id: int, draft: FundingDraft, *, actor: Actor
) -> FundingApplication:
    """Record a planned application (or a submitted one, with ``submitted_on``)."""
    permissions.authorize(actor, permissions.FUNDING_RECORD)
    get_project(session, project_id)
    application = FundingApplication(
        project_id=project_id,
        source=draft.source.value,
        programme=draft.programme,
        requested=draft.requested,
        status="submitted" if draft.submitted_on else FUNDING_WORKFLOW.initial,
        submitted_on=draft.submitted_on,
        note=draft.note,
    )
    session.add(application)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="funding.create",
        object_type="funding_application",
        object_id=application.id,
        changes={"project_id": project_id, "source": draft.source.value},
    )
    return application


def decide_funding(
    session: Session,
    project_id: int,
    funding_id: int,
    decision: FundingDecision,
    *,
    today: date,
    actor: Actor,
) -> FundingApplication:
    """Submit, grant (fully or partly), reject or withdraw an application."""
    permissions.authorize(actor, permissions.FUNDING_DECIDE)
    application = session.get(FundingApplication, funding_id)
    if application is None or application.project_id != project_id:
        raise NotFound("funding application", funding_id)
    require_version("funding application", funding_id, application.version, decision.version)
    old_status = application.status
    status = FUNDING_WORKFLOW.apply(old_status, decision.action, reason=decision.reason)
    day = decision.on or today
    granted = decision.granted
    if status == "granted" and granted is None:
        granted = application.requested
    if status == "partially_granted":
        if granted is None:
            raise InvalidInput([Problem("granted", "a partial grant needs the amount granted")])
        if granted >= application.requested:
            raise InvalidInput(
                [Problem("granted", f"a partial grant is less than {application.requested}")]
            )
    elif granted is not None and status != "granted":
        raise InvalidInput([Problem("granted", f"only a grant has an amount, not {status!r}")])
    if status == "submitted":
        application.submitted_on = day
    else:
        application.decided_on = day
    application.granted = granted
    application.status = status
    if decision.reason:
        application.note = decision.reason
    application.updated_at = utcnow()
    record(
        session,
        actor=actor.username,
        action=f"funding.{decision.action}",
        object_type="funding_application",
        object_id=funding_id,
        changes={"status": [old_status, status], "granted": str(granted) if granted else None},
    )
    flush_or_conflict(session, f"funding application {funding_id}")
    return application
