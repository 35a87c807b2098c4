"""Workflow runs ("Abläufe"): the runs of the plugins' workflows, starting one with the data
its workflow asks for, and moving it through its steps with their reasons and handovers."""

from __future__ import annotations

from typing import Annotated, Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.domain.fields.plugins import settings_values
from netzwerker.domain.references import partner_choices, people_choices
from netzwerker.domain.users import permissions
from netzwerker.domain.workflows.overview import data_fields, run_list, run_record
from netzwerker.domain.workflows.services import (
    Move,
    RunDraft,
    RunFilter,
    advance,
    public_workflow,
    start_run,
)
from netzwerker.errors import Conflict, InvalidInput
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import (
    CHANGED_MEANWHILE,
    Form,
    FormField,
    PostedForm,
    add_problems,
    form_page,
    read_form,
    refusal,
    save,
)
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate
from netzwerker.workflow import TransitionRefused

PAGE_SIZE = 50
START_FIELDS = (
    FormField(
        "subject",
        required=True,
        label=mark("Reference"),
        hint=mark("A reference or pseudonym, never a name, e.g. BG-2026-014."),
    ),
    FormField("partner_id", "int", label=mark("Partner responsible for the first step")),
    FormField("person_id", "int", label=mark("Person who owns it")),
    FormField("reason", label=mark("Note"), long=True),
)
MOVE_FIELDS = (
    FormField("reason"),
    FormField("partner_id", "int"),
    FormField("version", "int"),
)
STARTED = mark("The run is started: “%(state)s”.")
MOVED = mark("Saved: the run is now “%(state)s”.")
#: What a field of a workflow's data is, as a form field.
_KINDS = {"int": "int", "number": "decimal", "flag": "flag", "choice": "choice", "list": "list"}


def _data_form_fields(workflow: Any) -> list[FormField]:
    return [
        FormField(
            f"data.{setting.name}",
            _KINDS.get(setting.kind, "text"),
            choices=setting.choices,
            label=setting.label,
            hint=setting.help,
        )
        for setting in data_fields(workflow)
    ]


@get("/runs", sync_to_thread=False, name="runs")
def runs_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    workflow: Annotated[str | None, QueryParameter()] = None,
    show: Annotated[str | None, QueryParameter(description="open, overdue or all")] = None,
    q: Annotated[str | None, QueryParameter()] = None,
    offset: Offset = 0,
) -> Template:
    run_filter = RunFilter(
        workflow=workflow or None,
        open=None if show == "all" else True,
        overdue=True if show == "overdue" else None,
        q=q or None,
    )
    with deployment.session() as session:
        found = run_list(
            session, deployment, run_filter, actor=actor, limit=PAGE_SIZE, offset=offset
        )
    query = {
        key: value
        for key, value in request.query_params.items()
        if value and key in ("workflow", "show", "q")
    }
    return page(
        request,
        "runs/list.html",
        **attrs.asdict(found, recurse=False),
        query=query,
        workflow_choices=[(key, flow.name or key) for key, flow in found.workflows.items()],
        offset=offset,
        limit=PAGE_SIZE,
    )


def _start_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    key: str,
    form: Form,
    status: int = 200,
) -> Template:
    workflow = public_workflow(deployment, key)
    with deployment.session() as session:
        options: dict[str, Any] = {
            "partner_id": partner_choices(session),
            "person_id": people_choices(session),
        }
    data = _data_form_fields(workflow)
    for setting in data_fields(workflow):
        if setting.kind == "choice":
            options[f"data.{setting.name}"] = setting.options()
    return form_page(
        request,
        form,
        START_FIELDS,
        title=translate(request, mark("Start: %(name)s"), name=workflow.name or key),
        action=f"/workflows/{key}/runs",
        back="/runs",
        options=options,
        status=status,
        breadcrumbs=[("/runs", translate(request, mark("Runs")))],
        fieldsets=[(translate(request, mark("What the workflow keeps")), data)] if data else [],
        button=translate(request, mark("Start")),
    )


@get(
    "/workflows/{key:str}/runs/new",
    sync_to_thread=False,
    guards=permitted(permissions.RUN_START),
)
def new_run(
    request: Request[Any, Any, Any], key: FromPath[str], deployment: CurrentDeployment
) -> Template:
    workflow = public_workflow(deployment, key)
    defaults = {
        f"data.{setting.name}": setting.default
        for setting in data_fields(workflow)
        if setting.default not in (None, "", [])
    }
    return _start_form(request, deployment, key, Form.showing(defaults))


@post("/workflows/{key:str}/runs", sync_to_thread=False, guards=permitted(permissions.RUN_START))
def start(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Start a run in its workflow's first state, with the data the workflow keeps."""
    workflow = public_workflow(deployment, key)
    entered = read_form(request, form, [*START_FIELDS, *_data_form_fields(workflow)])
    texts = {
        setting.name: str(form.get(f"data.{setting.name}", "") or "")
        for setting in data_fields(workflow)
    }
    data, problems = settings_values(data_fields(workflow), texts, skip_empty=True)
    add_problems(request, entered, [attrs.evolve(p, path=f"data.{p.path}") for p in problems])
    values = entered.values
    run = (
        save(
            request,
            entered,
            deployment,
            start_run,
            deployment,
            key,
            RunDraft(
                subject=values["subject"],
                partner_id=values["partner_id"],
                person_id=values["person_id"],
                data=data,
                reason=values["reason"],
            ),
            actor=actor,
        )
        if entered.valid
        else None
    )
    if run is None:
        return _start_form(request, deployment, key, entered, status=422)
    notify(request, STARTED, state=translate(request, workflow.label(run.state)))
    return redirect(request, f"/runs/{run.id}")


def _run_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    run_id: int,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = run_record(session, deployment, run_id, actor=actor, today=deployment.today())
        partners = partner_choices(session) if found.transitions else []
    return page(
        request,
        "runs/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        partners=partners,
        errors=errors or {},
    )


@get("/runs/{run_id:int}", sync_to_thread=False, name="run")
def run_page(
    request: Request[Any, Any, Any],
    run_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _run_page(request, deployment, actor, run_id)


@post(
    "/runs/{run_id:int}/{action:str}",
    sync_to_thread=False,
    guards=permitted(permissions.RUN_MOVE),
)
def move(
    request: Request[Any, Any, Any],
    run_id: FromPath[int],
    action: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """One step of a run, with its reason, and the partner that takes over on a handover."""
    entered = read_form(request, form, MOVE_FIELDS)
    values = entered.values
    try:
        with deployment.transaction() as session:
            run = advance(
                session,
                deployment,
                run_id,
                Move(action, values["reason"] or "", values["partner_id"]),
                actor=actor,
                expected_version=values["version"],
            )
            state = run.state
            workflow = deployment.registry.workflows[run.workflow].value
    except TransitionRefused as exc:
        errors, status = refusal(request, action, exc)
        return _run_page(request, deployment, actor, run_id, errors, status)
    except InvalidInput as exc:
        errors = {
            f"{action}.{problem.path}": translate(request, problem.message)
            for problem in exc.problems
        }
        return _run_page(request, deployment, actor, run_id, errors, 422)
    except Conflict:
        notify(request, CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/runs/{run_id}")
    notify(request, MOVED, state=translate(request, workflow.label(state)))
    return redirect(request, f"/runs/{run_id}")


ROUTES = [runs_page, new_run, start, run_page, move]
