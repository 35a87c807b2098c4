"""Tasks: a list and a board with filters, proposing a task, and moving it with reasons."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.references import field_choices, partner_choices
from netzwerker.domain.tasks import services as tasks
from netzwerker.domain.tasks.overview import line_page
from netzwerker.domain.tasks.queries import TaskFilter, is_overdue
from netzwerker.domain.tasks.workflow import OPEN_STATUSES, REQUESTED_ACTIONS, TASK_WORKFLOW
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict, InvalidInput, Problem, TransitionRefused
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import Form, FormField, PostedForm, read_form, refusal, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import local_path, notify, page, redirect, translate

PAGE_SIZE = 50
BOARD_SIZE = 400
TASK_FIELDS = (
    FormField("title", required=True),
    FormField("working_field", required=True),
    FormField("responsible_partner_id", "int", required=True),
    FormField("due_date", "date", required=True),
    FormField("accountable_person_id", "int"),
    FormField("accountable_circle_id", "int"),
    FormField("goal_id", "int"),
    FormField("description"),
    FormField("origin"),
    FormField("consulted", "ints"),
    FormField("informed", "ints"),
)
#: What a form changing a task may send: its fields the actor may change, then why.
CHANGE_FIELDS = (
    *TASK_FIELDS,
    FormField("responsible_person_id", "int"),
)
#: Where the task service's problems are shown in the form.
TASK_PROBLEM_FIELDS = {
    "accountable": "accountable_person_id",
    **{f"{role}[{index}]": role for role in ("consulted", "informed") for index in range(100)},
}
PROPOSED = mark("The task was proposed to its responsible partner.")
CHANGED = mark("The task was changed.")
REPROPOSED = mark("The task was changed and proposed again to its responsible partner.")
MOVED = mark("Saved: “%(title)s” is now “%(status)s”.")
ONE_ACCOUNTABLE = mark("Choose either a coordinator or a circle.")
CHANGED_MEANWHILE = mark("Someone changed the task meanwhile; it is shown as it is now.")
ACTION_LABELS = {
    "create": mark("proposed"),
    "update": mark("changed"),
    "escalation:reminder": mark("reminded of the due date"),
    "escalation:overdue": mark("marked overdue"),
    "escalation:accountable": mark("escalated to the accountable party"),
    "escalation:network": mark("reported to the network"),
}


def status_labels() -> dict[str, str]:
    return {state: TASK_WORKFLOW.label(state) for state in TASK_WORKFLOW.states}


def _filter_from(query: dict[str, str]) -> TaskFilter:
    def number(name: str) -> int | None:
        value = query.get(name, "")
        return int(value) if value.isdigit() else None

    status = query.get("status", "")
    overdue = query.get("overdue", "")
    return TaskFilter(
        working_field=query.get("working_field") or None,
        partner_id=number("partner_id"),
        statuses=tuple(OPEN_STATUSES) if status == "open" else ((status,) if status else ()),
        overdue=True if overdue == "yes" else None,
        text=query.get("q") or None,
        goal_id=number("goal_id"),
        escalated=query.get("escalated") == "yes",
        due_within_week=query.get("due") == "week",
    )


def _task_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    template: str,
    limit: int,
    offset: int,
) -> Template:
    """The list or the board; the board also offers each task's moves to the actor."""
    query = dict(request.query_params)
    with deployment.session() as session:
        found = line_page(
            session,
            _filter_from(query),
            actor=actor,
            today=deployment.today(),
            limit=limit,
            offset=offset,
        )
        fields, partners = field_choices(session), partner_choices(session)
    moves = {
        line.id: tasks.task_actions(actor, line.status, line.responsible_partner_id)
        for line in found.lines
    }
    return page(
        request,
        template,
        lines=found.lines,
        moves=moves,
        total=found.total,
        offset=offset,
        limit=limit,
        query=query,
        statuses=status_labels(),
        columns=TASK_WORKFLOW.states,
        fields=fields,
        partners=partners,
        may_propose=permissions.allows(actor, permissions.TASK_PROPOSE),
        status_choices=[
            (state, translate(request, label)) for state, label in status_labels().items()
        ],
    )


@get("/tasks", sync_to_thread=False, name="tasks")
def task_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    offset: Offset = 0,
) -> Template:
    return _task_list(request, deployment, actor, "tasks/list.html", PAGE_SIZE, offset)


@get("/tasks/board", sync_to_thread=False, name="task_board")
def task_board(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _task_list(request, deployment, actor, "tasks/board.html", BOARD_SIZE, 0)


def _new_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        choices = tasks.proposal_choices(session, actor=actor)
    return page(request, "tasks/new.html", status=status, form=form, **choices)


@get("/tasks/new", sync_to_thread=False)
def new_task(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    defaults: dict[str, Any] = {field.name: "" for field in TASK_FIELDS}
    defaults.update(
        consulted=[], informed=[], working_field=request.query_params.get("working_field", "")
    )
    return _new_form(request, deployment, actor, Form.showing(defaults))


@post("/tasks", sync_to_thread=False, guards=permitted(permissions.TASK_PROPOSE))
def propose_task(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, TASK_FIELDS)
    accountable = (entered.values["accountable_person_id"], entered.values["accountable_circle_id"])
    if accountable.count(None) != 1:
        entered.errors["accountable_person_id"] = translate(request, ONE_ACCOUNTABLE)
    task = (
        save(
            request,
            entered,
            deployment,
            tasks.propose_task,
            tasks.TaskDraft(**entered.values),
            actor=actor,
            aliases=TASK_PROBLEM_FIELDS,
        )
        if entered.valid
        else None
    )
    if task:
        notify(request, PROPOSED)
        return redirect(request, f"/tasks/{task.id}")
    return _new_form(request, deployment, actor, entered, status=422)


def _detail(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    task_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        detail = tasks.task_detail(session, task_id, actor=actor, today=today)
    return page(
        request,
        "tasks/detail.html",
        status=status,
        **attrs.asdict(detail, recurse=False),
        overdue=is_overdue(detail.task, today),
        statuses=status_labels(),
        action_labels=ACTION_LABELS,
        errors=errors or {},
    )


@get("/tasks/{task_id:int}", sync_to_thread=False, name="task")
def task_detail(
    request: Request[Any, Any, Any],
    task_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _detail(request, deployment, actor, task_id)


@post(
    "/tasks/{task_id:int}/{action:str}",
    sync_to_thread=False,
    guards=permitted(lambda params: tasks.requested_permission(params["action"])),
)
def move_task(
    request: Request[Any, Any, Any],
    task_id: FromPath[int],
    action: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    if action not in REQUESTED_ACTIONS:
        raise InvalidInput([Problem("action", f"unknown action {action!r}")])
    entered = read_form(
        request, form, (FormField("reason"), FormField("version", "int"), FormField("next"))
    )
    # The board sends its own address, to show the card in its new column.
    back = local_path(entered.values["next"] or "", f"/tasks/{task_id}")
    today = deployment.today()
    try:
        with deployment.transaction() as session:
            moved = tasks.transition_task(
                session,
                task_id,
                action,
                actor=actor,
                today=today,
                reason=entered.values["reason"],
                expected_version=entered.values["version"],
            )
    except TransitionRefused as exc:
        errors, status = refusal(request, action, exc)
        return _detail(request, deployment, actor, task_id, errors=errors, status=status)
    except Conflict:
        notify(request, CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/tasks/{task_id}")
    notify(request, MOVED, title=moved.title, status=TASK_WORKFLOW.label(moved.status))
    return redirect(request, back)


def _change_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    task_id: int,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    """The form changing a task: as the user filled it in, or else as the task is now."""
    with deployment.session() as session:
        editing = tasks.task_editing(session, task_id, actor=actor)
    if form is None or form.stale:
        errors = form.errors if form else {}
        form = Form.showing({**editing.values, "version": editing.task.version}, errors)
    return page(
        request,
        "tasks/edit.html",
        status=status,
        form=form,
        task=editing.task,
        editable=editing.editable,
        commitment=editing.task.status != "proposed",
        statuses=status_labels(),
        **editing.choices,
    )


@get("/tasks/{task_id:int}/edit", sync_to_thread=False)
def edit_task(
    request: Request[Any, Any, Any],
    task_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _change_form(request, deployment, actor, task_id)


@post("/tasks/{task_id:int}", sync_to_thread=False, guards=permitted(permissions.TASK_EDIT))
def change_task(
    request: Request[Any, Any, Any],
    task_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a task; a new partner or due date withdraws its commitment, with a reason."""
    with deployment.session() as session:
        editing = tasks.task_editing(session, task_id, actor=actor)
    editable, before = editing.editable, editing.task.status
    fields = [field for field in CHANGE_FIELDS if field.name in editable]
    entered = read_form(
        request, form, (*fields, FormField("reason"), FormField("version", "int", required=True))
    )
    if {"accountable_person_id", "accountable_circle_id"} <= editable:
        accountable = (
            entered.values["accountable_person_id"],
            entered.values["accountable_circle_id"],
        )
        if accountable.count(None) != 1:
            entered.errors["accountable_person_id"] = translate(request, ONE_ACCOUNTABLE)
    changed = None
    if entered.valid:
        changes = {field.name: entered.values[field.name] for field in fields}
        changed = save(
            request,
            entered,
            deployment,
            tasks.update_task,
            task_id,
            changes,
            actor=actor,
            reason=entered.values["reason"],
            expected_version=entered.values["version"],
            aliases=TASK_PROBLEM_FIELDS,
        )
    if changed is None:
        status = 409 if entered.stale else 422
        return _change_form(request, deployment, actor, task_id, entered, status)
    reproposed = before != "proposed" and changed.status == "proposed"
    notify(request, REPROPOSED if reproposed else CHANGED)
    return redirect(request, f"/tasks/{task_id}")


ROUTES = [
    task_list,
    task_board,
    new_task,
    propose_task,
    task_detail,
    edit_task,
    change_task,
    move_task,
]
