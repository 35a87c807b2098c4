"""Projects and their funding: recording an idea, moving it through its lifecycle, and the
applications for funds with what became of them."""

from __future__ import annotations

import typing
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.contributions import ProjectType
from netzwerker.domain.projects.lifecycle import FUNDING_WORKFLOW, PROJECT_WORKFLOW
from netzwerker.domain.projects.overview import (
    project_form_choices,
    project_record,
    project_values,
)
from netzwerker.domain.projects.services import (
    FundingDecision,
    FundingDraft,
    FundingSource,
    ProjectDraft,
    ProjectFilter,
    ProjectRole,
    add_funding,
    create_project,
    decide_funding,
    find_projects,
    funding_of,
    move_project,
    project_partners,
    project_state,
    update_project,
)
from netzwerker.domain.references import field_choices, partner_choices
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict, InvalidInput
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import (
    CHANGED_MEANWHILE,
    Form,
    FormField,
    PostedForm,
    build,
    form_page,
    read_form,
    refusal,
    refused_change,
    save,
)
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate
from netzwerker.workflow import TransitionRefused

PAGE_SIZE = 50
PROJECT_FIELDS = (
    FormField("key", required=True),
    FormField("title", required=True),
    FormField("project_type", required=True),
    FormField("working_field"),
    FormField("description"),
    FormField("target_groups", "list"),
    FormField("lead_partner_id", "int"),
    FormField("partner_ids", "ints"),
    FormField("start_on", "date"),
    FormField("end_on", "date"),
)
PROJECT_CHANGE_FIELDS = (
    FormField("title", required=True, label=mark("Title")),
    FormField("working_field", "choice", label=mark("Working field")),
    FormField("description", label=mark("Description"), long=True),
    FormField(
        "target_groups",
        "list",
        label=mark("Target groups"),
        hint=mark("Several separated by commas"),
    ),
    FormField("lead_partner_id", "int", label=mark("Lead partner")),
    FormField("partner_ids", "ints", label=mark("Partners")),
    FormField("start_on", "date", label=mark("Starts on")),
    FormField("end_on", "date", label=mark("Ends on")),
    FormField("people_reached", "int", label=mark("People reached")),
)
PROJECT_CHANGED = mark("The project was saved.")
FUNDING_FIELDS = (
    FormField("source", "choice", required=True, choices=tuple(FundingSource)),
    FormField("requested", "decimal", required=True),
    FormField("programme"),
    FormField("submitted_on", "date"),
    FormField("note"),
)
DECISION_FIELDS = (
    FormField("reason"),
    FormField("granted", "decimal"),
    FormField("version", "int"),
)
#: Where the project service's problems are shown in the form.
PROJECT_PROBLEM_FIELDS = {"partners": "lead_partner_id"}
RECORDED = mark("The project idea is recorded.")
MOVED = mark("Saved: the project is now “%(status)s”.")
FUNDING_RECORDED = mark("The funding application is recorded.")
FUNDING_MOVED = mark("Saved: the application is now “%(status)s”.")
FUNDING_SOURCES = {
    FundingSource.ESF: mark("European Social Fund (ESF)"),
    FundingSource.FEDERAL: mark("Federal programme"),
    FundingSource.STATE: mark("State"),
    FundingSource.MUNICIPAL: mark("Municipality"),
    FundingSource.JOBCENTER: mark("Jobcenter"),
    FundingSource.FOUNDATION: mark("Foundation"),
    FundingSource.OTHER: mark("Other"),
}
PROJECT_ROLES = {
    ProjectRole.LEAD: mark("lead"),
    ProjectRole.PARTNER: mark("partner"),
    ProjectRole.ADVISOR: mark("advisor"),
    ProjectRole.FUNDER: mark("funder"),
}
#: Form kinds of the types a project type's details declare; anything else is text.
_DETAIL_KINDS = {int: "int", float: "decimal", date: "date", list: "list"}


def detail_fields(project_type: ProjectType | None) -> list[FormField]:
    """The form fields of a project type's details, named ``details.<field>`` and labelled
    with the field's ``metadata["label"]``."""
    if project_type is None:
        return []
    return [
        FormField(
            f"details.{field.name}",
            _DETAIL_KINDS.get(typing.get_origin(field.type) or field.type, "text"),
            required=field.required,
            label=field.label,
        )
        for field in project_type.detail_fields()
    ]


def _details(form: Form, fields: list[FormField]) -> dict[str, Any]:
    """The entered details for the project type, leaving out what was left empty."""
    details: dict[str, Any] = {}
    for field in fields:
        value = form.values.get(field.name)
        if value in (None, "", []):
            continue
        details[field.name.removeprefix("details.")] = (
            float(value) if isinstance(value, Decimal) else value
        )
    return details


@get("/projects", sync_to_thread=False, name="projects")
def project_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    offset: Offset = 0,
) -> Template:
    query = {key: value for key, value in request.query_params.items() if value}
    project_filter = ProjectFilter(
        project_type=query.get("project_type"),
        working_field=query.get("working_field"),
        status=(query["status"],) if "status" in query else (),
    )
    with deployment.session() as session:
        rows, total = find_projects(session, project_filter, limit=PAGE_SIZE, offset=offset)
        funding = funding_of(session, [project.id for project, _ in rows])
        fields = field_choices(session)
    return page(
        request,
        "projects/list.html",
        rows=rows,
        total=total,
        offset=offset,
        limit=PAGE_SIZE,
        query=query,
        funding={pid: _funding_sums(items) for pid, items in funding.items()},
        fields=fields,
        types=_type_choices(deployment),
        type_names=dict(_type_choices(deployment)),
        states=[(state, PROJECT_WORKFLOW.label(state)) for state in PROJECT_WORKFLOW.states],
        state_labels=PROJECT_WORKFLOW.labels,
        may_record=permissions.allows(actor, permissions.PROJECT_RECORD),
    )


def _type_choices(deployment: CurrentDeployment) -> list[tuple[str, str]]:
    types = deployment.registry.project_types.values()
    return sorted(((c.value.key, c.value.name) for c in types), key=lambda t: t[1])


def _funding_sums(applications: list[Any]) -> dict[str, Decimal]:
    """What a project asked for and what it was granted."""
    return {
        "requested": sum((a.requested for a in applications), Decimal(0)),
        "granted": sum((a.granted or Decimal(0) for a in applications), Decimal(0)),
    }


def _new_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form,
    status: int = 200,
) -> Template:
    chosen = deployment.registry.project_types.get(form.raw.get("project_type", ""))
    with deployment.session() as session:
        choices = project_form_choices(session, actor=actor)
    return page(
        request,
        "projects/new.html",
        status=status,
        form=form,
        types=_type_choices(deployment),
        **choices,
        details=detail_fields(chosen.value if chosen else None),
    )


@get("/projects/new", sync_to_thread=False)
def new_project(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    """The form; choosing a project type shows the details that type asks for."""
    query = request.query_params
    shown = {field.name: query.get(field.name, "") for field in PROJECT_FIELDS}
    chosen = deployment.registry.project_types.get(shown["project_type"])
    details = detail_fields(chosen.value if chosen else None)
    shown.update((field.name, query.get(field.name, "")) for field in details)
    shown["partner_ids"] = query.getall("partner_ids", [])
    return _new_form(request, deployment, actor, Form.showing(shown))


def _project_draft(
    request: Request[Any, Any, Any], entered: Form, details: list[FormField]
) -> ProjectDraft | None:
    values = entered.values
    lead = values["lead_partner_id"]
    members = project_partners(lead, values["partner_ids"])
    return build(
        request,
        entered,
        ProjectDraft,
        key=values["key"],
        project_type=values["project_type"],
        title=values["title"],
        working_field=values["working_field"] or None,
        description=values["description"],
        target_groups=values["target_groups"],
        partners=members,
        details=_details(entered, details),
        start_on=values["start_on"],
        end_on=values["end_on"],
    )


@post("/projects", sync_to_thread=False, guards=permitted(permissions.PROJECT_RECORD))
def record_project(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    chosen = deployment.registry.project_types.get(str(form.get("project_type", "")))
    details = detail_fields(chosen.value if chosen else None)
    entered = read_form(request, form, (*PROJECT_FIELDS, *details))
    draft = _project_draft(request, entered, details) if entered.valid else None
    project = (
        save(
            request,
            entered,
            deployment,
            create_project,
            deployment,
            draft,
            actor=actor,
            aliases=PROJECT_PROBLEM_FIELDS,
        )
        if draft
        else None
    )
    if project:
        notify(request, RECORDED)
        return redirect(request, f"/projects/{project.id}")
    return _new_form(request, deployment, actor, entered, status=422)


def _project_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    project_id: int,
    *,
    errors: dict[str, str] | None = None,
    funding_form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = project_record(session, project_id, actor=actor)
    project = found.project
    project_type = deployment.registry.project_types.get(project.project_type)
    return page(
        request,
        "projects/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        state_labels=PROJECT_WORKFLOW.labels,
        type_name=project_type.value.name if project_type else project.project_type,
        detail_labels={
            field.name.removeprefix("details."): field.label
            for field in detail_fields(project_type.value if project_type else None)
        },
        roles=PROJECT_ROLES,
        sums=_funding_sums(found.applications),
        funding_states=FUNDING_WORKFLOW.labels,
        sources=FUNDING_SOURCES,
        source_choices=[(key, translate(request, label)) for key, label in FUNDING_SOURCES.items()],
        errors=errors or {},
        funding_form=funding_form or Form.showing({field.name: "" for field in FUNDING_FIELDS}),
    )


@get("/projects/{project_id:int}", sync_to_thread=False, name="project")
def project_detail(
    request: Request[Any, Any, Any],
    project_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _project_page(request, deployment, actor, project_id)


def _project_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    project: Any,
    form: Form,
    status: int = 200,
) -> Template:
    project_type = deployment.registry.project_types.get(project.project_type)
    with deployment.session() as session:
        partners = partner_choices(session)
        options = {
            "working_field": field_choices(session),
            "lead_partner_id": partners,
            "partner_ids": partners,
        }
    details = detail_fields(project_type.value if project_type else None)
    return form_page(
        request,
        form,
        PROJECT_CHANGE_FIELDS,
        title=mark("Change project"),
        action=f"/projects/{project.id}",
        back=f"/projects/{project.id}",
        options=options,
        status=status,
        breadcrumbs=[
            ("/projects", translate(request, mark("Projects"))),
            (f"/projects/{project.id}", project.title),
        ],
        version=project.version,
        fieldsets=(
            [(translate(request, mark("Details of the project type")), details)] if details else []
        ),
    )


def _project_shown(values: dict[str, Any]) -> dict[str, Any]:
    """A project's values as its form shows them."""
    roles = values["roles"]
    shown = {key: value for key, value in values.items() if key not in ("roles", "details")}
    shown["target_groups"] = ", ".join(values["target_groups"])
    shown["lead_partner_id"] = next((pid for pid, role in roles.items() if role == "lead"), None)
    shown["partner_ids"] = [pid for pid, role in roles.items() if role != "lead"]
    for name, value in values["details"].items():
        shown[f"details.{name}"] = ", ".join(value) if isinstance(value, list) else value
    return shown


@get(
    "/projects/{project_id:int}/edit",
    sync_to_thread=False,
    guards=permitted(permissions.PROJECT_CHANGE),
)
def edit_project(
    request: Request[Any, Any, Any],
    project_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        project, values = project_values(session, project_id, actor=actor)
    return _project_form(request, deployment, project, Form.showing(_project_shown(values)))


@post(
    "/projects/{project_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.PROJECT_CHANGE),
)
def change_project(
    request: Request[Any, Any, Any],
    project_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a project after it was recorded: its partners, dates, details and the people
    it reached. A partner keeps its role (advisor, funder) unless it becomes the lead."""
    with deployment.session() as session:
        project, values = project_values(session, project_id, actor=actor)
    project_type = deployment.registry.project_types.get(project.project_type)
    details = detail_fields(project_type.value if project_type else None)
    fields = [*PROJECT_CHANGE_FIELDS, *details, FormField("version", "int", required=True)]
    entered = read_form(request, form, fields)
    chosen = entered.values
    lead = chosen.get("lead_partner_id")
    members = project_partners(lead, chosen.get("partner_ids") or (), values["roles"])
    changes = {
        "title": chosen.get("title"),
        "working_field": chosen.get("working_field") or None,
        "description": chosen.get("description"),
        "target_groups": chosen.get("target_groups") or [],
        "partners": members,
        "details": _details(entered, details),
        "start_on": chosen.get("start_on"),
        "end_on": chosen.get("end_on"),
        "people_reached": chosen.get("people_reached") or 0,
    }
    changed = (
        save(
            request,
            entered,
            deployment,
            update_project,
            deployment,
            project_id,
            changes,
            actor=actor,
            expected_version=chosen["version"],
            aliases={
                **PROJECT_PROBLEM_FIELDS,
                **{f.name.removeprefix("details."): f.name for f in details},
            },
        )
        if entered.valid
        else None
    )
    if changed is None:
        with deployment.session() as session:
            project, values = project_values(session, project_id, actor=actor)
        shown, status = refused_change(entered, lambda: _project_shown(values))
        return _project_form(request, deployment, project, shown, status)
    notify(request, PROJECT_CHANGED)
    return redirect(request, f"/projects/{project_id}")


@post(
    "/projects/{project_id:int}/funding",
    sync_to_thread=False,
    guards=permitted(permissions.FUNDING_RECORD),
)
def record_funding(
    request: Request[Any, Any, Any],
    project_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, FUNDING_FIELDS)
    draft = (
        build(
            request,
            entered,
            FundingDraft,
            **{**entered.values, "source": FundingSource(entered.values["source"])},
        )
        if entered.valid
        else None
    )
    if draft:
        with deployment.transaction() as session:
            add_funding(session, project_id, draft, actor=actor)
        notify(request, FUNDING_RECORDED)
        return redirect(request, f"/projects/{project_id}#funding-heading")
    return _project_page(request, deployment, actor, project_id, funding_form=entered, status=422)


@post(
    "/projects/{project_id:int}/funding/{funding_id:int}/{action:str}",
    sync_to_thread=False,
    guards=permitted(permissions.FUNDING_DECIDE),
)
def move_funding(
    request: Request[Any, Any, Any],
    project_id: FromPath[int],
    funding_id: FromPath[int],
    action: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, DECISION_FIELDS)
    step = f"{funding_id}-{action}"
    if not entered.valid:
        errors = {f"{step}.{name}": message for name, message in entered.errors.items()}
        return _project_page(request, deployment, actor, project_id, errors=errors, status=422)
    try:
        decision = FundingDecision(
            action=action,
            granted=entered.values["granted"],
            reason=entered.values["reason"],
            version=entered.values["version"],
        )
        with deployment.transaction() as session:
            application = decide_funding(
                session,
                project_id,
                funding_id,
                decision,
                today=deployment.today(),
                actor=actor,
            )
    except (InvalidInput, TransitionRefused, ValueError) as exc:
        errors, status = _decision_refusal(request, step, exc)
        return _project_page(request, deployment, actor, project_id, errors=errors, status=status)
    except Conflict:
        notify(request, CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/projects/{project_id}#funding-heading")
    notify(request, FUNDING_MOVED, status=FUNDING_WORKFLOW.label(application.status))
    return redirect(request, f"/projects/{project_id}#funding-heading")


def _decision_refusal(
    request: Request[Any, Any, Any], step: str, exc: Exception
) -> tuple[dict[str, str], int]:
    if isinstance(exc, TransitionRefused):
        return refusal(request, step, exc)
    if isinstance(exc, InvalidInput):
        problem = exc.problems[0]
        return {f"{step}.{problem.path}": translate(request, problem.message)}, 422
    return {f"{step}.granted": translate(request, str(exc))}, 422


@post(
    "/projects/{project_id:int}/{action:str}",
    sync_to_thread=False,
    guards=permitted(permissions.PROJECT_MOVE),
)
def move(
    request: Request[Any, Any, Any],
    project_id: FromPath[int],
    action: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, (FormField("reason"), FormField("version", "int")))
    try:
        with deployment.transaction() as session:
            project = move_project(
                session,
                deployment,
                project_id,
                action,
                actor=actor,
                reason=entered.values["reason"],
                expected_version=entered.values["version"],
            )
            state = project_state(session, project)
    except TransitionRefused as exc:
        errors, status = refusal(request, action, exc)
        return _project_page(request, deployment, actor, project_id, errors=errors, status=status)
    except Conflict:
        notify(request, CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/projects/{project_id}")
    notify(request, MOVED, status=PROJECT_WORKFLOW.label(state))
    return redirect(request, f"/projects/{project_id}")


ROUTES = [
    edit_project,
    change_project,
    project_list,
    new_project,
    record_project,
    project_detail,
    record_funding,
    move_funding,
    move,
]
