"""Tasks with accountability: RACI, status machine with commitment, append-only history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from netzwerker.domain.partners.models import Partner
from netzwerker.domain.partners.services import delete_partner, set_partner_active
from netzwerker.domain.tasks.models import Task, TaskEvent, TaskParty
from netzwerker.domain.tasks.services import (
    TaskDraft,
    create_task,
    task_history,
    transition_task,
    update_task,
)
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Conflict, InvalidInput, NotFound, Refused, TransitionRefused
from netzwerker.testing import OPERATOR, sample_network

TODAY = date(2026, 6, 15)


def draft(network, **changes) -> TaskDraft:
    values = dict(
        title="Erstgespräch Suchtberatung innerhalb von 14 Tagen",
        working_field="health",
        responsible_partner_id=network.counselling.id,
        responsible_person_id=network.counsellor.id,
        accountable_person_id=network.coordinator.id,
        due_date=TODAY + timedelta(days=10),
        consulted=[network.clinic.id],
        informed=[network.jobcenter.id],
    )
    values.update(changes)
    return TaskDraft(**values)


@pytest.fixture
def network(deployment):
    with deployment.transaction() as session:
        return sample_network(session)


def test_task_life_with_commitment_and_history(deployment, network) -> None:
    with deployment.transaction() as session:
        task = create_task(session, draft(network), actor="Sabine Netz")
        assert task.status == "proposed"
        transition_task(session, task.id, "commit", actor=Actor.operator("Tom Hilfe"), today=TODAY)
        transition_task(session, task.id, "start", actor=Actor.operator("Tom Hilfe"), today=TODAY)
        transition_task(
            session, task.id, "complete", actor=Actor.operator("Tom Hilfe"), today=TODAY
        )
        task_id = task.id
    with deployment.session() as session:
        task = session.get(Task, task_id)
        assert (task.status, task.completed_on) == ("done", TODAY)
        assert task.committed_at is not None
        history = task_history(session, task_id, actor=OPERATOR)
        assert [(e.seq, e.action, e.from_status, e.to_status) for e in history] == [
            (1, "create", None, "proposed"),
            (2, "commit", "proposed", "committed"),
            (3, "start", "committed", "in_progress"),
            (4, "complete", "in_progress", "done"),
        ]
        assert history[1].actor == "Tom Hilfe"
        parties = session.exec(select(TaskParty.role, TaskParty.partner_id)).all()
        assert sorted(parties) == sorted(
            [("consulted", network.clinic.id), ("informed", network.jobcenter.id)]
        )


def test_creating_a_task_names_every_bad_field(deployment, network) -> None:
    bad = draft(
        network,
        title=" ",
        working_field="gardening",
        responsible_partner_id=999,
        responsible_person_id=network.coordinator.id,
        accountable_person_id=None,
        goal_id=42,
        consulted=[777],
    )
    with deployment.session() as session, pytest.raises(InvalidInput) as caught:
        create_task(session, bad, actor="x")
    paths = {problem.path for problem in caught.value.problems}
    assert paths == {
        "title",
        "working_field",
        "responsible_partner_id",
        "responsible_person_id",
        "accountable",
        "goal_id",
        "consulted[0]",
    }


def test_exactly_one_accountable_party(deployment, network) -> None:
    both = draft(network, accountable_circle_id=network.circle.id)
    with deployment.session() as session, pytest.raises(InvalidInput) as caught:
        create_task(session, both, actor="x")
    assert [p.path for p in caught.value.problems] == ["accountable"]
    # The database refuses it too, whatever the code does.
    with deployment.session() as session:
        task = create_task(session, draft(network), actor="x")
        session.commit()
        with pytest.raises(sa.exc.IntegrityError):
            session.execute(
                sa.update(Task).where(Task.id == task.id).values(accountable_person_id=None)
            )
            session.flush()


def test_illegal_transitions_are_refused_and_change_nothing(deployment, network) -> None:
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
    with deployment.session() as session:
        with pytest.raises(
            TransitionRefused, match="'complete' is not allowed in state 'proposed'"
        ):
            transition_task(session, task_id, "complete", actor=Actor.operator("x"), today=TODAY)
        with pytest.raises(TransitionRefused, match="'decline' requires a reason"):
            transition_task(
                session, task_id, "decline", actor=Actor.operator("x"), today=TODAY, reason="  "
            )
        with pytest.raises(TransitionRefused, match="unknown action 'explode'"):
            transition_task(session, task_id, "explode", actor=Actor.operator("x"), today=TODAY)
        with pytest.raises(NotFound):
            transition_task(session, 9999, "commit", actor=Actor.operator("x"), today=TODAY)
    with deployment.session() as session:
        assert session.get(Task, task_id).status == "proposed"
        assert len(task_history(session, task_id, actor=OPERATOR)) == 1


def test_reassigning_withdraws_the_commitment(deployment, network, monkeypatch) -> None:
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
        transition_task(session, task_id, "commit", actor=Actor.operator("Tom Hilfe"), today=TODAY)
    with (
        deployment.session() as session,
        pytest.raises(TransitionRefused, match="requires a reason"),
    ):
        update_task(
            session,
            task_id,
            {"responsible_partner_id": network.clinic.id},
            actor=Actor.operator("x"),
        )
    with deployment.transaction() as session:
        task = update_task(
            session,
            task_id,
            {"responsible_partner_id": network.clinic.id},
            actor=Actor.operator("Sabine Netz"),
            reason="Klinik übernimmt",
        )
        assert (task.status, task.committed_at, task.responsible_person_id) == (
            "proposed",
            None,
            None,
        )
        last = task_history(session, task_id, actor=OPERATOR)[-1]
        assert last.changes["responsible_partner_id"] == [network.counselling.id, network.clinic.id]
        assert (last.from_status, last.to_status, last.reason) == (
            "committed",
            "proposed",
            "Klinik übernimmt",
        )


def test_title_change_keeps_the_commitment(deployment, network) -> None:
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
        transition_task(session, task_id, "commit", actor=Actor.operator("x"), today=TODAY)
        task = update_task(session, task_id, {"title": "Neuer Titel"}, actor=Actor.operator("x"))
        assert task.status == "committed"
    with deployment.session() as session, pytest.raises(InvalidInput, match="status"):
        update_task(session, task_id, {"status": "done"}, actor=Actor.operator("x"))


def test_consulted_informed_and_field_change_in_the_history(deployment, network) -> None:
    operator = Actor.operator("x")
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
        update_task(
            session,
            task_id,
            {"consulted": [network.jobcenter.id, network.jobcenter.id], "informed": []},
            actor=operator,
        )
    with deployment.session() as session:
        parties = session.exec(select(TaskParty).where(TaskParty.task_id == task_id)).all()
        assert [(p.role, p.partner_id) for p in parties] == [("consulted", network.jobcenter.id)]
        last = session.exec(
            select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.seq.desc())
        ).first()
        assert last.changes == {
            "consulted": [[network.clinic.id], [network.jobcenter.id]],
            "informed": [[network.jobcenter.id], []],
        }
    with deployment.session() as session, pytest.raises(InvalidInput) as refused:
        update_task(session, task_id, {"informed": [999_999]}, actor=operator)
    assert [problem.path for problem in refused.value.problems] == ["informed[0]"]
    with deployment.session() as session, pytest.raises(InvalidInput) as refused:
        update_task(session, task_id, {"working_field": "nope"}, actor=operator)
    assert [problem.path for problem in refused.value.problems] == ["working_field"]


def test_closed_tasks_cannot_change(deployment, network) -> None:
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
        transition_task(
            session, task_id, "cancel", actor=Actor.operator("x"), today=TODAY, reason="entfällt"
        )
    with deployment.session() as session, pytest.raises(Refused, match="cancelled"):
        update_task(session, task_id, {"title": "x"}, actor=Actor.operator("x"))


def test_stale_version_is_a_conflict(deployment, network) -> None:
    with deployment.transaction() as session:
        task = create_task(session, draft(network), actor="x")
        task_id, version = task.id, task.version
    with deployment.transaction() as session:
        transition_task(
            session,
            task_id,
            "commit",
            actor=Actor.operator("x"),
            today=TODAY,
            expected_version=version,
        )
    with deployment.session() as session, pytest.raises(Conflict):
        transition_task(
            session,
            task_id,
            "start",
            actor=Actor.operator("x"),
            today=TODAY,
            expected_version=version,
        )
    # Two sessions that both read the task: the second write loses and changes nothing.
    first, second = deployment.session(), deployment.session()
    try:
        # Both hold the task as read (the identity map keeps only referenced objects).
        held = first.get(Task, task_id), second.get(Task, task_id)
        assert held[0].version == held[1].version
        transition_task(first, task_id, "start", actor=Actor.operator("a"), today=TODAY)
        first.commit()
        with pytest.raises(Conflict):
            transition_task(
                second, task_id, "block", actor=Actor.operator("b"), today=TODAY, reason="warten"
            )
        second.rollback()
    finally:
        first.close()
        second.close()
    with deployment.session() as session:
        assert session.get(Task, task_id).status == "in_progress"
        assert [e.action for e in task_history(session, task_id, actor=OPERATOR)] == [
            "create",
            "commit",
            "start",
        ]


def test_history_is_append_only_in_the_database(deployment, network) -> None:
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
    for statement in (
        sa.update(TaskEvent).where(TaskEvent.task_id == task_id).values(actor="someone else"),
        sa.delete(TaskEvent).where(TaskEvent.task_id == task_id),
    ):
        with deployment.session() as session, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            session.execute(statement)
            session.flush()
    with deployment.session() as session:
        assert task_history(session, task_id, actor=OPERATOR)[0].actor == "x"


def test_timestamps_never_go_backwards(deployment, network) -> None:
    late, early = datetime(2026, 6, 10, 12, tzinfo=UTC), datetime(2026, 6, 1, 12, tzinfo=UTC)
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x", now=late).id
        transition_task(
            session, task_id, "commit", actor=Actor.operator("x"), today=TODAY, now=early
        )
    with deployment.session() as session:
        first, second = task_history(session, task_id, actor=OPERATOR)
        assert second.at == first.at == late


def test_partners_with_tasks_are_never_deleted(deployment, network) -> None:
    with deployment.transaction() as session:
        create_task(session, draft(network), actor="x")
    with deployment.session() as session, pytest.raises(Refused, match="deactivate it instead"):
        delete_partner(session, "suchtberatung")
    with deployment.transaction() as session:
        set_partner_active(session, "suchtberatung", False)
    with deployment.session() as session, pytest.raises(InvalidInput, match="inactive"):
        create_task(session, draft(network), actor="x")
    with deployment.transaction() as session:
        session.add(Partner(key="neu", name="Neu", kind="other"))
    with deployment.transaction() as session:
        delete_partner(session, "neu")
    with deployment.session() as session, pytest.raises(NotFound):
        delete_partner(session, "neu")


def test_events_reach_plugins_only_after_commit(deployment, network) -> None:
    calls: list[tuple[str, str]] = []

    class Listener:
        from netzwerker import hookimpl

        @hookimpl
        def task_status_changed(self, task, old_status, new_status):
            calls.append((old_status, new_status))

        @hookimpl
        def task_created(self, task):
            calls.append(("created", str(task.id)))

    deployment.manager.register(Listener(), name="listener")
    with deployment.session() as session:
        task = create_task(session, draft(network), actor="x")
        transition_task(session, task.id, "commit", actor=Actor.operator("x"), today=TODAY)
        assert calls == []
        session.rollback()
    assert calls == []
    with deployment.transaction() as session:
        task = create_task(session, draft(network), actor="x")
        transition_task(session, task.id, "commit", actor=Actor.operator("x"), today=TODAY)
    assert calls == [("created", str(task.id)), ("proposed", "committed")]


def test_a_failing_plugin_does_not_undo_the_change(deployment, network, caplog) -> None:
    class Broken:
        from netzwerker import hookimpl

        @hookimpl
        def task_created(self, task):
            raise RuntimeError("plugin bug")

    deployment.manager.register(Broken(), name="broken")
    with deployment.transaction() as session:
        task_id = create_task(session, draft(network), actor="x").id
    with deployment.session() as session:
        assert session.get(Task, task_id) is not None
    assert "plugin 'broken' failed in task_created" in caplog.text
