"""Actions a workflow transition can take, for plugins to attach to their transitions.

An action is any callable ``action(step)``, given a
:class:`~netzwerker.domain.workflows.services.Step`. It runs in the transaction of the move,
so when it raises, the move does not happen. The two the seeds need most are here: give the
partner now responsible a task, and ask for a case conference. Both produce ordinary tasks
with RACI parties, so they are tracked, reminded and escalated like any other commitment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlmodel import select

from netzwerker.domain.circles.models import Circle
from netzwerker.domain.tasks import services as tasks
from netzwerker.domain.workflows.services import Step
from netzwerker.errors import TransitionRefused

Action = Callable[[Step], None]


class _Values(dict):
    """Format values that leave an unknown ``{name}`` as it is instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _format(template: str, step: Step) -> str:
    values = _Values(step.run.data)
    values["subject"] = step.run.subject
    return template.format_map(values)


def create_task(
    title: str,
    *,
    due_in_days: int = 7,
    description: str = "",
    accountable_circle: str | None = None,
    kind: str = "task",
) -> Action:
    """An action that proposes a task to the partner responsible after the move.

    ``title`` and ``description`` may name ``{subject}`` and fields of the run's data.
    The task's accountable party is the run's person (the coach or scout who owns the
    run), or else the circle with the key ``accountable_circle``.

    Example::

        Transition("refer", ["consent"], "referred", hands_over=True,
                   actions=[create_task("Erstkontakt mit {subject} anbieten", due_in_days=5)])
    """

    def action(step: Step) -> None:
        assert step.transition is not None  # an action runs as part of a transition
        run = step.run
        if run.partner_id is None:
            raise TransitionRefused(
                "partner_id", f"{step.transition.name!r} gives a task: name the partner"
            )
        accountable_person = run.person_id
        circle_id = None
        if accountable_person is None:
            if accountable_circle is None:
                raise TransitionRefused(
                    "person_id",
                    f"{step.transition.name!r} gives a task: the run needs a person "
                    "who is accountable for it (a coach or coordinator)",
                )
            circle_id = step.session.scalar(
                select(Circle.id).where(Circle.key == accountable_circle)
            )
            if circle_id is None:
                raise TransitionRefused(
                    "accountable_circle", f"no circle {accountable_circle!r} for the task"
                )
        working_field = run.working_field or step.workflow.working_field
        if working_field is None:
            raise TransitionRefused("working_field", "the run has no working field")
        tasks.create_task(
            step.session,
            tasks.TaskDraft(
                title=_format(title, step)[:300],
                description=_format(description, step),
                working_field=working_field,
                responsible_partner_id=run.partner_id,
                due_date=step.today + timedelta(days=due_in_days),
                accountable_person_id=accountable_person,
                accountable_circle_id=circle_id,
                origin=f"workflow:{run.workflow}:{run.id}:{kind}",
            ),
            actor=step.actor,
            now=step.now,
        )

    return action


def request_case_conference(*, due_in_days: int = 14, accountable_circle: str | None = None):
    """An action that asks the partner now responsible to convene a case conference."""
    return create_task(
        "Fallkonferenz zu {subject} einberufen",
        due_in_days=due_in_days,
        description="Alle beteiligten Partner und der zuständige Coach/Scout beraten den Fall.",
        accountable_circle=accountable_circle,
        kind="case_conference",
    )
