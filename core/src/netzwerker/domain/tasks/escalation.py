"""``netzwerker escalate``: reminders before the due date, escalation after it.

Transparency replaces sanctions: nobody in the network can order a partner around, so an
overdue commitment is made visible, first to the responsible partner, then to the accountable
coordinator or circle, then to the whole network. Each step fires once per task and due
date, so the run is idempotent and safe from cron.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.config import EscalationConfig
from netzwerker.deployment import emit
from netzwerker.domain.mail import notices
from netzwerker.domain.tasks.models import Escalation, Task
from netzwerker.domain.tasks.queries import is_open
from netzwerker.domain.tasks.services import append_event

ACTOR = "netzwerker escalate"


@attrs.frozen
class Step:
    """An escalation step: fires for open tasks due ``days`` days ago or longer."""

    name: str
    days: int  # negative: before the due date


def steps(config: EscalationConfig) -> list[Step]:
    """The steps the configuration switches on (-1 is off), in the order they fire."""
    candidates = [
        ("reminder", config.remind_days_before_due, -config.remind_days_before_due),
        ("overdue", 0, 1),
        # 0 days after the due date means: as soon as the task is overdue.
        ("accountable", config.escalate_days_after_due, max(config.escalate_days_after_due, 1)),
        ("network", config.report_days_after_due, max(config.report_days_after_due, 1)),
    ]
    return [Step(name, days) for name, setting, days in candidates if setting >= 0]


@attrs.frozen
class EscalationResult:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def escalate(
    session: Session, config: EscalationConfig, *, today: date, now: datetime | None = None
) -> EscalationResult:
    """Run every step once for every open task it is due for; returns how many fired."""
    now = now or utcnow()
    counts: dict[str, int] = {}
    for step in steps(config):
        cutoff = today - timedelta(days=step.days)
        already = (
            select(Escalation.id)
            .where(Escalation.task_id == Task.id)
            .where(Escalation.step == step.name)
            .where(Escalation.due_date == Task.due_date)
        )
        due = select(Task).where(
            is_open(),
            Task.due_date <= cutoff,
            ~sa.exists(already),
        )
        if step.name == "reminder":
            due = due.where(Task.due_date >= today)  # a reminder is pointless once overdue
        fired = 0
        for task in session.exec(due.order_by(col(Task.id))):
            session.add(
                Escalation(
                    task_id=task.id, step=step.name, due_date=task.due_date, fired_on=today, at=now
                )
            )
            append_event(
                session,
                task,
                actor=ACTOR,
                action=f"escalation:{step.name}",
                now=now,
                from_status=task.status,
                reason=_describe(step, task, today),
            )
            notices.task_escalation(session, task, step.name, today)
            days_overdue = (today - task.due_date).days
            if step.name == "reminder":
                emit(session, "task_due_soon", task=task, days_left=-days_overdue)
            elif step.name == "overdue":
                emit(session, "task_overdue", task=task, days_overdue=days_overdue)
            else:
                emit(
                    session, "task_escalated", task=task, level=step.name, days_overdue=days_overdue
                )
            fired += 1
        session.flush()
        counts[step.name] = fired
    return EscalationResult(counts)


def _describe(step: Step, task: Task, today: date) -> str:
    days = (today - task.due_date).days
    return {
        "reminder": f"fällig in {-days} Tagen",
        "overdue": f"seit {days} Tagen überfällig",
        "accountable": f"seit {days} Tagen überfällig: an die verantwortliche Stelle eskaliert",
        "network": f"seit {days} Tagen überfällig: im Netzwerkbericht ausgewiesen",
    }[step.name]
