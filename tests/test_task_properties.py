"""Properties of the task status machine: no sequence of operations breaks its invariants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from netzwerker.contributions import Period
from netzwerker.domain.tasks.models import Task, TaskEvent
from netzwerker.domain.tasks.report import GROUPINGS, accountability_report
from netzwerker.domain.tasks.services import TaskDraft, create_task, transition_task, update_task
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Refused, TransitionRefused
from netzwerker.testing import sample_network

TODAY = date(2026, 6, 15)
START = datetime(2026, 6, 1, 9, tzinfo=UTC)

#: The expected machine, written out independently of TASK_WORKFLOW: (action, from) → to.
ORACLE = {
    ("commit", "proposed"): "committed",
    ("start", "committed"): "in_progress",
    ("complete", "committed"): "done",
    ("complete", "in_progress"): "done",
    ("decline", "proposed"): "declined",
    ("decline", "committed"): "declined",
    ("block", "committed"): "blocked",
    ("block", "in_progress"): "blocked",
    ("resume", "blocked"): "in_progress",
    **{
        ("cancel", s): "cancelled"
        for s in ("proposed", "committed", "in_progress", "blocked", "declined")
    },
    **{("repropose", s): "proposed" for s in ("committed", "in_progress", "blocked", "declined")},
}
NEEDS_REASON = {"decline", "block", "cancel", "repropose"}
ACTIONS = sorted({action for action, _ in ORACLE})

operations = st.lists(
    st.one_of(
        st.tuples(st.just("transition"), st.sampled_from(ACTIONS), st.sampled_from(["", "weil"])),
        st.tuples(
            st.just("reassign"),
            st.sampled_from(["clinic", "counselling"]),
            st.sampled_from(["", "weil"]),
        ),
        st.tuples(st.just("postpone"), st.integers(-2, 2), st.sampled_from(["", "weil"])),
        # Services get text the strict converter passed, which refuses NUL characters.
        st.tuples(
            st.just("retitle"),
            st.text(st.characters(exclude_characters="\x00"), max_size=5),
            st.just(""),
        ),
    ),
    max_size=12,
)
clock_steps = st.lists(st.integers(-3600, 86400), min_size=12, max_size=12)


def changes_of(kind: str, value: object, network: dict[str, int]) -> dict[str, object]:
    """The fields an update operation of the strategy changes (none for a transition)."""
    if kind == "reassign":
        return {"responsible_partner_id": network[value]}  # type: ignore[index]
    if kind == "postpone":
        return {"due_date": TODAY + timedelta(days=value)}  # type: ignore[arg-type]
    if kind == "retitle":
        return {"title": value}
    return {}


def check_invariants(session, task_id: int, expected_status: str) -> None:
    task = session.get(Task, task_id)
    events = session.exec(
        select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.id)
    ).all()
    assert task.status == expected_status
    assert [e.seq for e in events] == list(range(1, len(events) + 1)), (
        "history complete and ordered"
    )
    assert all(a.at <= b.at for a, b in pairwise(events)), "timestamps monotonic"
    assert events[-1].to_status == task.status, "history ends in the current status"
    assert all(e.from_status == p.to_status for p, e in pairwise(events))
    assert task.responsible_partner_id is not None, "exactly one responsible partner"
    assert (task.accountable_person_id is None) != (task.accountable_circle_id is None)
    assert (task.completed_on is not None) == (task.status == "done")
    if task.status in ("committed", "in_progress"):
        assert task.committed_at is not None


@pytest.fixture
def network(deployment) -> dict[str, int]:
    """Stored once; hypothesis runs all its examples on it, each with a task of its own."""
    with deployment.transaction() as session:
        network = sample_network(session)
        return {
            "counselling": network.counselling.id,
            "clinic": network.clinic.id,
            "circle": network.circle.id,
            "coordinator": network.coordinator.id,
        }


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations, steps=clock_steps)
def test_no_sequence_of_operations_breaks_the_invariants(deployment, network, ops, steps) -> None:
    with deployment.transaction() as session:
        task_id = create_task(
            session,
            TaskDraft(
                title="Aufgabe",
                working_field="health",
                responsible_partner_id=network["counselling"],
                due_date=TODAY,
                accountable_circle_id=network["circle"],
            ),
            actor="x",
            now=START,
        ).id
    expected, now = "proposed", START
    terms = {"responsible_partner_id": network["counselling"], "due_date": TODAY}
    for (kind, value, reason), step in zip(ops, steps, strict=False):
        now += timedelta(seconds=step)  # sometimes backwards: clocks are not to be trusted
        changes = changes_of(kind, value, network)
        try:
            with deployment.transaction() as session:
                if kind == "transition":
                    transition_task(
                        session,
                        task_id,
                        value,
                        actor=Actor.operator("y"),
                        today=TODAY,
                        reason=reason,
                        now=now,
                    )
                else:
                    update_task(
                        session, task_id, changes, actor=Actor.operator("y"), reason=reason, now=now
                    )
        except (TransitionRefused, Refused, InvalidInput):
            refused = True
        else:
            refused = False
        predicted = predict(kind, value, reason, expected, changes, terms)
        assert refused == (predicted is None), (kind, value, reason, expected)
        if predicted is not None:
            expected = predicted
            terms.update((k, v) for k, v in changes.items() if k in terms)
        with deployment.session() as session:
            check_invariants(session, task_id, expected)


def predict(kind, value, reason, status, changes, terms):
    """The status the oracle expects after the operation, or None if it must be refused."""
    if kind == "transition":
        target = ORACLE.get((value, status))
        if target is None or (value in NEEDS_REASON and not reason.strip()):
            return None
        return target
    if status in ("done", "cancelled"):
        return None  # a closed task cannot be changed
    if kind == "retitle":
        return status if value.strip() else None
    # A new partner or due date withdraws a commitment; the same one changes nothing.
    withdraws = any(terms[key] != new for key, new in changes.items())
    if not withdraws or status == "proposed":
        return status
    return "proposed" if reason.strip() else None


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tasks=st.lists(
        st.tuples(
            st.sampled_from(["clinic", "counselling"]),
            st.booleans(),
            st.integers(-5, 5),
            operations,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_tally_of_closed_tasks_keeps_the_report_exact(deployment, network, tasks) -> None:
    """The report over all tasks reads open tasks and the tally the triggers keep; it always
    equals the report that counts every task (a period from the first day to the last)."""
    for partner, by_circle, due_in, ops in tasks:
        with deployment.transaction() as session:
            task_id = create_task(
                session,
                TaskDraft(
                    title="Aufgabe",
                    working_field="health" if by_circle else "debt",
                    responsible_partner_id=network[partner],
                    due_date=TODAY + timedelta(days=due_in),
                    accountable_circle_id=network["circle"] if by_circle else None,
                    accountable_person_id=None if by_circle else network["coordinator"],
                ),
                actor="x",
            ).id
        for kind, value, reason in ops:
            changes = changes_of(kind, value, network)
            try:
                with deployment.transaction() as session:
                    if kind == "transition":
                        day = TODAY + timedelta(days=len(reason))
                        transition_task(
                            session,
                            task_id,
                            value,
                            actor=Actor.operator("y"),
                            today=day,
                            reason=reason,
                        )
                    else:
                        update_task(
                            session, task_id, changes, actor=Actor.operator("y"), reason=reason
                        )
            except (TransitionRefused, Refused, InvalidInput):
                pass
    everything = Period(date.min, date.max)
    with deployment.session() as session:
        for by in GROUPINGS:
            tallied = accountability_report(session, by=by, today=TODAY)
            counted = accountability_report(session, by=by, today=TODAY, period=everything)
            assert tallied == counted, by


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    moves=st.lists(
        st.tuples(st.integers(0, 9), st.sampled_from(["", "weil"]), st.integers(-2, 3)),
        max_size=5,
    ),
    consulted=st.lists(st.sampled_from(["clinic", "counselling"]), max_size=3),
)
def test_tasks_written_together_are_those_written_one_by_one(
    deployment, network, moves, consulted
) -> None:
    """An import writes many tasks at once (create_tasks); each ends as create_task and
    transition_task would leave it: the same row, history and parties, or the same refusal."""
    from netzwerker.domain.tasks.models import TaskParty
    from netzwerker.domain.tasks.services import Step, TaskHistory, create_tasks

    draft = TaskDraft(
        title="Aufgabe",
        working_field="health",
        responsible_partner_id=network["counselling"],
        due_date=TODAY,
        accountable_person_id=network["coordinator"],
        consulted=[network[name] for name in consulted],
    )
    # Mostly moves the oracle allows from where the task is, now and then any move.
    status, steps = "proposed", []
    for choice, reason, days in moves:
        allowed = sorted(action for action, source in ORACLE if source == status)
        any_move = ACTIONS[choice % len(ACTIONS)]
        action = any_move if choice == 9 or not allowed else allowed[choice % len(allowed)]
        status = ORACLE.get((action, status), status)
        at = START + timedelta(days=max(days, 0))
        steps.append(Step(action, TODAY + timedelta(days=days), at, reason))

    def one_by_one(session) -> int:
        task = create_task(session, draft, actor="import", now=START)
        for step in steps:
            transition_task(
                session,
                task.id,
                step.action,
                actor=Actor.operator("import"),
                today=step.today,
                reason=step.reason,
                now=step.at,
            )
        return task.id

    def together(session) -> int:
        return create_tasks(
            session, [TaskHistory(draft, START, tuple(steps))], actor=Actor.operator("import")
        )[0]

    def written(write) -> object:
        try:
            with deployment.transaction() as session:
                task_id = write(session)
        except (TransitionRefused, InvalidInput) as exc:
            message = str(exc.problems[0].message if isinstance(exc, InvalidInput) else exc)
            return message.removeprefix("[0]: ")
        with deployment.session() as session:
            task = session.get(Task, task_id).model_dump(exclude={"id"})
            history = [
                event.model_dump(exclude={"id", "task_id"})
                for event in session.exec(
                    select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.seq)
                )
            ]
            parties = sorted(
                (party.partner_id, party.role)
                for party in session.exec(select(TaskParty).where(TaskParty.task_id == task_id))
            )
        return task, history, parties

    assert written(together) == written(one_by_one)


def test_tasks_written_together_announce_what_one_by_one_would(deployment, network) -> None:
    """A plugin listening to task events hears of each task an import writes in bulk, and of
    each change of its status, after the commit; without listeners nothing is read back."""
    from netzwerker import hookimpl
    from netzwerker.domain.tasks.services import Step, TaskHistory, create_tasks

    heard: list[tuple] = []

    class Listener:
        @hookimpl
        def task_created(self, task):
            heard.append(("created", task.title))

        @hookimpl
        def task_status_changed(self, task, old_status, new_status, event):
            heard.append((task.title, old_status, new_status, event.seq))

    deployment.manager.register(Listener(), name="listener")
    draft = TaskDraft(
        title="Importiert",
        working_field="health",
        responsible_partner_id=network["clinic"],
        due_date=TODAY,
        accountable_person_id=network["coordinator"],
    )
    steps = (Step("commit", TODAY, START), Step("complete", TODAY, START + timedelta(hours=1)))
    with deployment.transaction() as session:
        create_tasks(session, [TaskHistory(draft, START, steps)], actor=Actor.operator("import"))
        assert heard == []  # only once it is committed
    assert heard == [
        ("created", "Importiert"),
        ("Importiert", "proposed", "committed", 2),
        ("Importiert", "committed", "done", 3),
    ]
