"""Creating, changing and moving tasks; every change leaves an entry in the task's history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, insert_rows, next_in_history
from netzwerker.deployment import emit, listens
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import Goal
from netzwerker.domain.mail import notices
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import (
    field_choices,
    field_problems,
    names,
    partner_choices,
    partner_problems,
    people_choices,
)
from netzwerker.domain.tasks.models import Task, TaskEvent, TaskParty
from netzwerker.domain.tasks.overview import TaskLine, task_lines
from netzwerker.domain.tasks.queries import parties_of, party_partners
from netzwerker.domain.tasks.workflow import REQUESTED_ACTIONS, TASK_WORKFLOW
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor, Permission
from netzwerker.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    Refused,
    TransitionRefused,
    require_version,
)
from netzwerker.validators import ints
from netzwerker.workflow import Transition

PARTY_ROLES = ("consulted", "informed")


@attrs.frozen
class TaskChanges:
    """The fields of a task that :func:`update_task` may change, and why it changes."""

    title: str
    description: str
    due_date: date
    origin: str
    working_field: str
    goal_id: int | None
    responsible_partner_id: int
    responsible_person_id: int | None
    accountable_person_id: int | None
    accountable_circle_id: int | None
    consulted: tuple[int, ...] = attrs.field(converter=ints)
    informed: tuple[int, ...] = attrs.field(converter=ints)
    reason: str = ""


#: Fields of a task that :func:`update_task` may change.
EDITABLE = tuple(field.name for field in attrs.fields(TaskChanges) if field.name != "reason")
#: A change of these withdraws a commitment: it was given by one partner for one date.
COMMITMENT_TERMS = ("responsible_partner_id", "due_date")
#: Fields the responsible partner's members may change too (``task.edit``); every other
#: field is the coordinators' (``task.update``).
HANDLER_FIELDS = frozenset({"description", "responsible_person_id"})


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
    consulted: tuple[int, ...] = attrs.field(default=(), converter=ints)
    informed: tuple[int, ...] = attrs.field(default=(), converter=ints)


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
        session, col(TaskEvent.seq), col(TaskEvent.at), col(TaskEvent.task_id) == task.id, now
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


def _draft_problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    """What is wrong with a draft's values: its references, and its consulted and informed
    partners."""
    problems = _reference_problems(session, values)
    for role in PARTY_ROLES:
        for index, partner_id in enumerate(values[role]):
            if session.get(Partner, partner_id) is None:
                problems.append(Problem(f"{role}[{index}]", f"no partner {partner_id!r}"))
    return problems


def propose_task(
    session: Session, draft: TaskDraft, *, actor: Actor, now: datetime | None = None
) -> Task:
    """Propose a task to its responsible partner (``task.propose``); it waits for that
    partner's commitment."""
    permissions.authorize(actor, permissions.TASK_PROPOSE)
    task = create_task(session, draft, actor=actor.username, now=now)
    notices.task_proposed(session, task, actor=actor.username)
    return task


def create_task(
    session: Session, draft: TaskDraft, *, actor: str, now: datetime | None = None
) -> Task:
    """Store a proposed task under ``actor``'s name without asking the permission matrix:
    for a task that another record's rules give (a meeting's decision, a workflow step,
    whose own permission was asked). A request goes through :func:`propose_task`."""
    now = now or utcnow()
    values = attrs.asdict(draft)
    problems = _draft_problems(session, values)
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


def proposal_choices(session: Session, *, actor: Actor) -> dict[str, list[Any]]:
    """What a form proposing a task offers (``task.propose``): ``fields``, ``partners``,
    ``people`` (id, name, partner's name), ``circles`` and ``goals``, each by name."""
    permissions.authorize(actor, permissions.TASK_PROPOSE)
    return _choices(session)


def _choices(session: Session, partner_id: int | None = None) -> dict[str, list[Any]]:
    """The working fields, partners, active people (of ``partner_id`` alone, if given),
    circles and goals a task form offers, each by name."""
    return {
        "fields": field_choices(session),
        "partners": partner_choices(session),
        "people": people_choices(session, partner_id),
        "circles": list(
            session.execute(sa.select(col(Circle.id), col(Circle.name)).order_by(col(Circle.name)))
        ),
        "goals": list(
            session.execute(sa.select(col(Goal.id), col(Goal.title)).order_by(col(Goal.title)))
        ),
    }


@attrs.frozen
class TaskEditing:
    """A task as a form changing it shows it: its ``values`` now (consulted and informed
    partners included), the fields the actor may change, and the choices for them."""

    task: Task
    values: dict[str, Any]
    editable: frozenset[str]
    choices: dict[str, list[Any]]


def task_editing(session: Session, task_id: int, *, actor: Actor) -> TaskEditing:
    """What a form changing a task shows: every field to a coordinator (``task.update``),
    the description and the handler to the responsible partner's members (``task.edit``)."""
    task = readable_task(session, task_id, actor=actor)
    partner_id = task.responsible_partner_id
    if permissions.allows(actor, permissions.TASK_UPDATE, partner_id=partner_id):
        editable = frozenset(EDITABLE)
    else:
        permissions.authorize(actor, permissions.TASK_EDIT, partner_id=partner_id)
        editable = HANDLER_FIELDS
    if task.status in TASK_WORKFLOW.final:
        raise Refused(f"task {task_id} is {task.status}: a closed task cannot be changed")
    values = {key: getattr(task, key) for key in EDITABLE if key not in PARTY_ROLES}
    values.update(parties_of(session, [task_id])[task_id])
    scope = None if editable == frozenset(EDITABLE) else partner_id
    return TaskEditing(task, values, editable, _choices(session, scope))


def get_task(session: Session, task_id: int, expected_version: int | None = None) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("task", task_id)
    require_version("task", task_id, task.version, expected_version)
    return task


def readable_task(session: Session, task_id: int, *, actor: Actor) -> Task:
    """A task the actor may read (``task.read``): a partner member one its partner is a
    party to (the other parties are looked up only for it)."""
    task = get_task(session, task_id)
    partner = permissions.own_partner(actor, permissions.TASK_READ)
    if partner is None or task.responsible_partner_id == partner:
        return task
    if partner not in party_partners(session, task):
        raise Forbidden(f"task {task_id} does not concern your partner")
    return task


def task_permission(action: str) -> Permission:
    """The permission a transition needs (``task.commit`` …); any other move of a task is
    the coordinators' (``task.update``)."""
    return requested_permission(action) or permissions.TASK_UPDATE


def requested_permission(action: str) -> Permission | None:
    """The permission of a transition a user may ask for, None for any other name."""
    return permissions.MATRIX.get(f"task.{action}") if action in REQUESTED_ACTIONS else None


def task_actions(actor: Actor, status: str, responsible_partner_id: int) -> list[Transition]:
    """The transitions the actor may make now on a task in ``status``, for offering them."""
    return [
        transition
        for transition in TASK_WORKFLOW.allowed(status)
        if transition.name in REQUESTED_ACTIONS
        and task_permission(transition.name).allows(actor, partner_id=responsible_partner_id)
    ]


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
    actor: Actor,
    today: date,
    reason: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Task:
    """Move a task through its status machine (``task.<action>``: the responsible
    partner's members commit, start, complete, decline, block and resume; coordinators
    anything); refused moves raise TransitionRefused."""
    now = now or utcnow()
    task = readable_task(session, task_id, actor=actor)
    permissions.authorize(actor, task_permission(action), partner_id=task.responsible_partner_id)
    require_version("task", task_id, task.version, expected_version)
    old_status = task.status
    _move(task, action, reason=reason, now=now, today=today)
    event = append_event(
        session,
        task,
        actor=actor.username,
        action=action,
        now=now,
        from_status=old_status,
        reason=reason,
    )
    _save(session, task, event, old_status)
    notices.task_moved(session, task, event)
    return task


def update_task(
    session: Session,
    task_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Task:
    """Change a task's content or parties; a new partner or date withdraws a commitment.
    The responsible partner's members change its description and handler (``task.edit``),
    coordinators anything (``task.update``)."""
    now = now or utcnow()
    task = readable_task(session, task_id, actor=actor)
    permission = (
        permissions.TASK_EDIT if set(changes) <= HANDLER_FIELDS else permissions.TASK_UPDATE
    )
    permissions.authorize(actor, permission, partner_id=task.responsible_partner_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput([Problem(key, "unknown or not editable field") for key in unknown])
    require_version("task", task_id, task.version, expected_version)
    if task.status in TASK_WORKFLOW.final:
        raise Refused(f"task {task_id} is {task.status}: a closed task cannot be changed")
    current = {key: getattr(task, key) for key in EDITABLE if key not in PARTY_ROLES}
    current.update(parties_of(session, [task_id])[task_id])
    changes = {
        key: sorted(dict.fromkeys(value)) if key in PARTY_ROLES else value
        for key, value in changes.items()
    }
    diff = {key: value for key, value in changes.items() if current[key] != value}
    if not diff:
        return task
    if diff.get("responsible_partner_id") is not None and "responsible_person_id" not in diff:
        diff["responsible_person_id"] = None  # the person belonged to the previous partner
    problems = _draft_problems(session, {**current, **diff})
    if problems:
        raise InvalidInput(problems)
    old_status = task.status
    withdraws = any(key in diff for key in COMMITMENT_TERMS) and old_status != "proposed"
    if withdraws:
        _move(task, "repropose", reason=reason, now=now, today=None)
    for key, value in diff.items():
        if key in PARTY_ROLES:
            _replace_parties(session, task_id, key, value)
        else:
            setattr(task, key, value)
    task.updated_at = now
    event = append_event(
        session,
        task,
        actor=actor.username,
        action="update",
        now=now,
        from_status=old_status,
        reason=reason,
        changes={key: [_jsonable(current[key]), _jsonable(value)] for key, value in diff.items()},
    )
    _save(session, task, event, old_status)
    notices.task_changed(
        session,
        task,
        event,
        actor=actor.username,
        previous_partner_id=current["responsible_partner_id"],
        withdrawn=withdraws,
    )
    return task


def _replace_parties(session: Session, task_id: int, role: str, partner_ids: list[int]) -> None:
    session.execute(
        sa.delete(TaskParty).where(col(TaskParty.task_id) == task_id, col(TaskParty.role) == role)
    )
    for partner_id in partner_ids:
        session.add(TaskParty(task_id=task_id, partner_id=partner_id, role=role))


@attrs.frozen
class Step:
    """A move a task took, as a record of the network's history gives it."""

    action: str
    today: date
    at: datetime
    reason: str = ""


@attrs.frozen
class TaskHistory:
    """A task as a record of the network's history gives it: proposed at ``proposed_at``,
    then moved by ``steps``."""

    draft: TaskDraft
    proposed_at: datetime
    steps: tuple[Step, ...] = ()


@attrs.define
class _Moving:
    """What :func:`_move` changes, for a task that is not written yet."""

    status: str
    status_reason: str = ""
    updated_at: datetime | None = None
    committed_at: datetime | None = None
    completed_on: date | None = None


def create_tasks(session: Session, histories: Sequence[TaskHistory], *, actor: Actor) -> list[int]:
    """Create many tasks with their histories at once, as an import of a network's history
    does: each checked as :func:`create_task` and :func:`transition_task` check it (the same
    rules), then all written in a few bulk statements. Returns the new tasks' ids.

    Raises :class:`InvalidInput` with every problem under its task's index
    (``[3].responsible_partner_id``), and writes nothing then.
    """
    permissions.authorize(actor, permissions.TASK_PROPOSE)
    tasks: list[dict[str, Any]] = []
    histories_of: list[list[dict[str, Any]]] = []
    parties_of: list[dict[str, tuple[int, ...]]] = []
    problems: list[Problem] = []
    for index, history in enumerate(histories):
        values = attrs.asdict(history.draft)
        found = _draft_problems(session, values)
        if found:
            problems.extend(problem.within(f"[{index}]") for problem in found)
            continue
        parties = {role: values.pop(role) for role in PARTY_ROLES}
        snapshot = {key: _jsonable(value) for key, value in attrs.asdict(history.draft).items()}
        at = history.proposed_at
        state = _Moving(TASK_WORKFLOW.initial, updated_at=at)
        events = [_event(actor.username, "create", at, None, state.status, changes=snapshot)]
        try:
            for step in history.steps:
                old_status, at = state.status, max(step.at, at)
                _move(state, step.action, reason=step.reason, now=step.at, today=step.today)  # type: ignore[arg-type]
                events.append(
                    _event(actor.username, step.action, at, old_status, state.status, step.reason)
                )
        except TransitionRefused as exc:
            problems.append(Problem(f"[{index}]", str(exc)))
            continue
        tasks.append(
            {
                **values,
                **attrs.asdict(state),
                "escalated_due": None,
                "created_at": history.proposed_at,
                "version": len(events),
            }
        )
        histories_of.append(events)
        parties_of.append(parties)
    if problems:
        raise InvalidInput(problems)
    if not tasks:
        return []
    # Core statements on the tables: the ORM's bulk insert costs more than the database.
    ids = insert_rows(session.connection(), Task.__table__, tasks)  # type: ignore[attr-defined]
    session.execute(
        sa.insert(TaskEvent.__table__),  # type: ignore[attr-defined]
        [
            {**event, "task_id": task_id, "seq": seq}
            for task_id, events in zip(ids, histories_of, strict=True)
            for seq, event in enumerate(events, start=1)
        ],
    )
    party_rows = [
        {"task_id": task_id, "partner_id": partner_id, "role": role}
        for task_id, roles in zip(ids, parties_of, strict=True)
        for role, partner_ids in roles.items()
        for partner_id in dict.fromkeys(partner_ids)
    ]
    if party_rows:
        session.execute(sa.insert(TaskParty.__table__), party_rows)  # type: ignore[attr-defined]
    _announce(session, ids)
    return ids


def _event(
    actor: str,
    action: str,
    at: datetime,
    from_status: str | None,
    to_status: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "changes": changes,
    }


def _announce(session: Session, task_ids: list[int]) -> None:
    """The events :func:`create_task` and :func:`transition_task` announce, for tasks
    written in bulk; read back only if a plugin listens."""
    if not (listens(session, "task_created") or listens(session, "task_status_changed")):
        return
    for chunk in range(0, len(task_ids), 500):
        wanted = task_ids[chunk : chunk + 500]
        found = {t.id: t for t in session.scalars(select(Task).where(col(Task.id).in_(wanted)))}
        history = session.scalars(
            select(TaskEvent)
            .where(col(TaskEvent.task_id).in_(wanted))
            .order_by(col(TaskEvent.task_id), col(TaskEvent.seq))
        )
        for event in history:
            task = found[event.task_id]
            if event.action == "create":
                emit(session, "task_created", task=task)
            elif event.from_status != event.to_status:
                emit(
                    session,
                    "task_status_changed",
                    task=task,
                    event=event,
                    old_status=event.from_status,
                    new_status=event.to_status,
                )


def task_history(session: Session, task_id: int, *, actor: Actor) -> list[TaskEvent]:
    """The task's history, for those who may read the task."""
    readable_task(session, task_id, actor=actor)
    return list(
        session.exec(
            select(TaskEvent).where(col(TaskEvent.task_id) == task_id).order_by(col(TaskEvent.seq))
        )
    )


@attrs.frozen
class TaskDetail:
    """A task as its page shows it: the task, its line (partner, accountable party,
    escalation), the names of its consulted and informed partners, its handler and goal,
    its history, and the transitions the reader may make."""

    task: Task
    line: TaskLine
    consulted: list[str]
    informed: list[str]
    responsible_person: Person | None
    goal: Goal | None
    history: list[TaskEvent]
    actions: list[Transition]
    #: Whether the reader may change the task (``task.edit``), while it is not closed.
    may_change: bool


def task_detail(session: Session, task_id: int, *, actor: Actor, today: date) -> TaskDetail:
    """Everything the page of a task shows, for a reader of the task."""
    task = readable_task(session, task_id, actor=actor)
    parties = parties_of(session, [task_id])[task_id]
    partner_names = names(session, Partner, parties["consulted"] + parties["informed"])
    return TaskDetail(
        task=task,
        line=task_lines(session, col(Task.id) == task_id, today=today, limit=1)[0],
        consulted=[partner_names[pid] for pid in parties["consulted"]],
        informed=[partner_names[pid] for pid in parties["informed"]],
        responsible_person=session.get(Person, task.responsible_person_id)
        if task.responsible_person_id
        else None,
        goal=session.get(Goal, task.goal_id) if task.goal_id else None,
        history=task_history(session, task_id, actor=actor),
        actions=task_actions(actor, task.status, task.responsible_partner_id),
        may_change=task.status not in TASK_WORKFLOW.final
        and permissions.allows(
            actor, permissions.TASK_EDIT, partner_id=task.responsible_partner_id
        ),
    )
