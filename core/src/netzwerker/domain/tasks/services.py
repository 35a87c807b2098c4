"""Creating, changing and moving tasks; every change leaves an entry in the task's history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
from sqlmodel import Session, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, next_in_history
from netzwerker.deployment import emit
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import Goal
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import field_problems, partner_problems
from netzwerker.domain.tasks.models import Task, TaskEvent, TaskParty
from netzwerker.domain.tasks.workflow import TASK_WORKFLOW
from netzwerker.errors import InvalidInput, NotFound, Problem, Refused, require_version

PARTY_ROLES = ("consulted", "informed")


@attrs.frozen
class TaskChanges:
    """The fields of a task that :func:`update_task` may change, and why it changes."""

    title: str
    description: str
    due_date: date
    origin: str
    goal_id: int | None
    responsible_partner_id: int
    responsible_person_id: int | None
    accountable_person_id: int | None
    accountable_circle_id: int | None
    reason: str = ""


#: Fields of a task that :func:`update_task` may change.
EDITABLE = tuple(field.name for field in attrs.fields(TaskChanges) if field.name != "reason")
#: A change of these withdraws a commitment: it was given by one partner for one date.
COMMITMENT_TERMS = ("responsible_partner_id", "due_date")


@attrs.frozen
class TaskDraft:
    """What it takes to propose a task."""

    title: str
    working_field: str
    responsible_partner_id: int
    due_date: date
    accountable_person_id: int | None = None
    accountable_circle_id: int | None = None
    responsible_person_id: int | None = None
    description: str = ""
    goal_id: int | None = None
    origin: str = ""
    consulted: tuple[int, ...] = attrs.field(default=(), converter=tuple)
    informed: tuple[int, ...] = attrs.field(default=(), converter=tuple)


def _reference_problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    """Whether a task's parties, field and goal exist and fit together."""
    problems: list[Problem] = []
    if not str(values.get("title", "")).strip():
        problems.append(Problem("title", "must not be empty"))
    problems.extend(field_problems(session, values["working_field"]))
    problems.extend(
        partner_problems(session, values["responsible_partner_id"], "responsible_partner_id")
    )
    person_id = values.get("responsible_person_id")
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None or person.partner_id != values["responsible_partner_id"]:
            problems.append(
                Problem(
                    "responsible_person_id",
                    f"no person {person_id!r} at the responsible partner",
                )
            )
    accountable_person = values.get("accountable_person_id")
    accountable_circle = values.get("accountable_circle_id")
    if (accountable_person is None) == (accountable_circle is None):
        problems.append(
            Problem(
                "accountable",
                "exactly one accountable party is required: a coordinator "
                "(accountable_person_id) or a circle (accountable_circle_id)",
            )
        )
    if accountable_person is not None and session.get(Person, accountable_person) is None:
        problems.append(Problem("accountable_person_id", f"no person {accountable_person!r}"))
    if accountable_circle is not None and session.get(Circle, accountable_circle) is None:
        problems.append(Problem("accountable_circle_id", f"no circle {accountable_circle!r}"))
    goal_id = values.get("goal_id")
    if goal_id is not None:
        goal = session.get(Goal, goal_id)
        if goal is None:
            problems.append(Problem("goal_id", f"no goal {goal_id!r}"))
        elif goal.working_field != values["working_field"]:
            problems.append(
                Problem(
                    "goal_id", f"goal {goal.key!r} belongs to working field {goal.working_field!r}"
                )
            )
    return problems


def append_event(
    session: Session,
    task: Task,
    *,
    actor: str,
    action: str,
    now: datetime,
    from_status: str | None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> TaskEvent:
    """Append to the task's history."""
    seq, at = next_in_history(
        session, TaskEvent.seq, TaskEvent.at, TaskEvent.task_id == task.id, now
    )
    event = TaskEvent(
        task_id=task.id,
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=task.status,
        reason=reason,
        changes=changes,
    )
    session.add(event)
    return event


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def create_task(
    session: Session, draft: TaskDraft, *, actor: str, now: datetime | None = None
) -> Task:
    """Propose a task to its responsible partner; it waits for that partner's commitment."""
    now = now or utcnow()
    values = attrs.asdict(draft)
    problems = _reference_problems(session, values)
    for role in PARTY_ROLES:
        for index, partner_id in enumerate(values[role]):
            if session.get(Partner, partner_id) is None:
                problems.append(Problem(f"{role}[{index}]", f"no partner {partner_id!r}"))
    if problems:
        raise InvalidInput(problems)
    parties = {role: values.pop(role) for role in PARTY_ROLES}
    task = Task(**values, status=TASK_WORKFLOW.initial, created_at=now, updated_at=now)
    session.add(task)
    session.flush()
    for role, partner_ids in parties.items():
        for partner_id in dict.fromkeys(partner_ids):
            session.add(TaskParty(task_id=task.id, partner_id=partner_id, role=role))
    snapshot = {key: _jsonable(value) for key, value in attrs.asdict(draft).items()}
    append_event(
        session, task, actor=actor, action="create", now=now, from_status=None, changes=snapshot
    )
    session.flush()
    emit(session, "task_created", task=task)
    return task


def get_task(session: Session, task_id: int, expected_version: int | None = None) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("task", task_id)
    require_version("task", task_id, task.version, expected_version)
    return task


def _move(task: Task, action: str, *, reason: str, now: datetime, today: date | None) -> None:
    """Apply a transition and what it means for the task; refused moves raise."""
    task.status = TASK_WORKFLOW.apply(task.status, action, reason=reason, subject=task)
    task.status_reason = reason
    task.updated_at = now
    if action == "commit":
        task.committed_at = now
    elif action == "complete":
        task.completed_on = today
    elif action == "repropose":
        task.committed_at = None


def _save(session: Session, task: Task, event: TaskEvent, old_status: str) -> None:
    """Write the change (a stale version is a Conflict) and announce a new status."""
    task_id = task.id  # read before the flush: a failed flush expires the task
    flush_or_conflict(session, f"task {task_id}")
    if task.status != old_status:
        emit(
            session,
            "task_status_changed",
            task=task,
            event=event,
            old_status=old_status,
            new_status=task.status,
        )


def transition_task(
    session: Session,
    task_id: int,
    action: str,
    *,
    actor: str,
    today: date,
    reason: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Task:
    """Move a task through its status machine; refused moves raise TransitionRefused."""
    now = now or utcnow()
    task = get_task(session, task_id, expected_version)
    old_status = task.status
    _move(task, action, reason=reason, now=now, today=today)
    event = append_event(
        session, task, actor=actor, action=action, now=now, from_status=old_status, reason=reason
    )
    _save(session, task, event, old_status)
    return task


def update_task(
    session: Session,
    task_id: int,
    changes: dict[str, Any],
    *,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Task:
    """Change a task's content or parties; a new partner or date withdraws a commitment."""
    now = now or utcnow()
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput([Problem(key, "unknown or not editable field") for key in unknown])
    task = get_task(session, task_id, expected_version)
    if task.status in TASK_WORKFLOW.final:
        raise Refused(f"task {task_id} is {task.status}: a closed task cannot be changed")
    current = {key: getattr(task, key) for key in (*EDITABLE, "working_field")}
    diff = {key: value for key, value in changes.items() if current[key] != value}
    if not diff:
        return task
    if diff.get("responsible_partner_id") is not None and "responsible_person_id" not in diff:
        diff["responsible_person_id"] = None  # the person belonged to the previous partner
    problems = _reference_problems(session, {**current, **diff})
    if problems:
        raise InvalidInput(problems)
    old_status = task.status
    withdraws = any(key in diff for key in COMMITMENT_TERMS) and old_status != "proposed"
    if withdraws:
        _move(task, "repropose", reason=reason, now=now, today=None)
    for key, value in diff.items():
        setattr(task, key, value)
    task.updated_at = now
    event = append_event(
        session,
        task,
        actor=actor,
        action="update",
        now=now,
        from_status=old_status,
        reason=reason,
        changes={key: [_jsonable(current[key]), _jsonable(value)] for key, value in diff.items()},
    )
    _save(session, task, event, old_status)
    return task


def task_history(session: Session, task_id: int) -> list[TaskEvent]:
    get_task(session, task_id)
    return list(
        session.exec(select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.seq))
    )
