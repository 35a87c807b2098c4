"""Tasks: a list and a board with filters, proposing a task, and moving it with reasons."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel import Session

from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import Goal
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.overview import task_lines
from netzwerker.domain.tasks.queries import TaskFilter, is_overdue, parties_of, party_partners
from netzwerker.domain.tasks.services import (
    TaskDraft,
    create_task,
    get_task,
    task_history,
    transition_task,
)
from netzwerker.domain.tasks.workflow import OPEN_STATUSES, REQUESTED_ACTIONS, TASK_WORKFLOW
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict, InvalidInput, Problem, TransitionRefused
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.choices import field_choices, names, partner_choices
from netzwerker.web.forms import Form, FormField, PostedForm, read_form, refusal, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate

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
#: Where the task service's problems are shown in the form.
TASK_PROBLEM_FIELDS = {"accountable": "accountable_person_id"}
PROPOSED = mark("The task was proposed to its responsible partner.")
MOVED = mark("Saved: the task is now “%(status)s”.")
ONE_ACCOUNTABLE = mark("Choose either a coordinator or a circle.")
CHANGED_MEANWHILE = mark("Someone changed the task meanwhile; it is shown as it is now.")
ACTION_LABELS = {
    "create": mark("proposed"),
    "update": mark("changed"),
    **{transition.name: transition.label for transition in TASK_WORKFLOW.transitions},
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
    )


def _form_choices(session: Session) -> dict[str, Any]:
    """What the task form offers: fields, partners, people, circles, goals."""
    people = sa.select(Person.id, Person.name, Partner.name).join(
        Partner, Partner.id == Person.partner_id
    )
    return {
        "fields": field_choices(session),
        "partners": partner_choices(session),
        "people": list(
            session.execute(people.where(Person.active).order_by(Partner.name, Person.name))
        ),
        "circles": list(session.execute(sa.select(Circle.id, Circle.name).order_by(Circle.name))),
        "goals": list(session.execute(sa.select(Goal.id, Goal.title).order_by(Goal.title))),
    }


def _task_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    template: str,
    limit: int,
    offset: int,
) -> Template:
    query = dict(request.query_params)
    today = deployment.today()
    where = _filter_from(query).clauses(today)
    visible = permissions.task_visibility(actor)
    if visible is not None:
        where.append(visible)
    with deployment.session() as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(Task).where(*where)) or 0
        lines = task_lines(session, *where, today=today, limit=limit, offset=offset)
        fields, partners = field_choices(session), partner_choices(session)
    return page(
        request,
        template,
        lines=lines,
        total=total,
        offset=offset,
        limit=limit,
        query=query,
        statuses=status_labels(),
        columns=TASK_WORKFLOW.states,
        fields=fields,
        partners=partners,
        may_propose=permissions.is_manager(actor),
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
    request: Request[Any, Any, Any], deployment: CurrentDeployment, form: Form, status: int = 200
) -> Template:
    with deployment.session() as session:
        choices = _form_choices(session)
    return page(request, "tasks/new.html", status=status, form=form, **choices)


@get("/tasks/new", sync_to_thread=False)
def new_task(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    permissions.require_manager(actor, "propose tasks")
    defaults = {field.name: "" for field in TASK_FIELDS}
    defaults.update(
        consulted=[], informed=[], working_field=request.query_params.get("working_field", "")
    )
    return _new_form(request, deployment, Form.showing(defaults))


@post("/tasks", sync_to_thread=False)
def propose_task(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "propose tasks")
    entered = read_form(request, form, TASK_FIELDS)
    accountable = (entered.values["accountable_person_id"], entered.values["accountable_circle_id"])
    if accountable.count(None) != 1:
        entered.errors["accountable_person_id"] = translate(request, ONE_ACCOUNTABLE)
    task = entered.valid and save(
        request,
        entered,
        deployment,
        create_task,
        TaskDraft(**entered.values),
        actor=actor.username,
        aliases=TASK_PROBLEM_FIELDS,
    )
    if task:
        notify(request, PROPOSED)
        return redirect(request, f"/tasks/{task.id}")
    return _new_form(request, deployment, entered, status=422)


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
        task = get_task(session, task_id)
        permissions.check_task_visible(actor, task, lambda: party_partners(session, task))
        line = task_lines(session, Task.id == task_id, today=today, limit=1)[0]
        parties = parties_of(session, [task_id])[task_id]
        partner_names = names(session, Partner, parties["consulted"] + parties["informed"])
        responsible_person = (
            session.get(Person, task.responsible_person_id) if task.responsible_person_id else None
        )
        history = task_history(session, task_id)
        goal = session.get(Goal, task.goal_id) if task.goal_id else None
    return page(
        request,
        "tasks/detail.html",
        status=status,
        task=task,
        line=line,
        overdue=is_overdue(task, today),
        consulted=[partner_names[pid] for pid in parties["consulted"]],
        informed=[partner_names[pid] for pid in parties["informed"]],
        responsible_person=responsible_person,
        goal=goal,
        history=history,
        actions=permissions.task_actions(actor, task),
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


@post("/tasks/{task_id:int}/{action:str}", sync_to_thread=False)
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
    entered = read_form(request, form, (FormField("reason"), FormField("version", "int")))
    today = deployment.today()
    try:
        with deployment.transaction() as session:
            task = get_task(session, task_id)
            permissions.check_task_action(actor, task, action)
            moved = transition_task(
                session,
                task_id,
                action,
                actor=actor.username,
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
    notify(request, MOVED, status=TASK_WORKFLOW.label(moved.status))
    return redirect(request, f"/tasks/{task_id}")


ROUTES = [task_list, task_board, new_task, propose_task, task_detail, move_task]
