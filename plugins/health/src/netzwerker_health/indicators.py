"""Indicators of the health field, each one SQL aggregate."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.workflow import OPEN_STATUSES
from netzwerker_health.models import HealthTraining


def staff_trained(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Jobcenter staff who took part in health trainings held in the period."""
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(HealthTraining.participants), 0)).where(
            HealthTraining.held_on.between(period.start, period.end)
        )
    )
    return float(total or 0)


def waiting_too_long(max_wait_days: int):
    def compute(session: Session, period: Period, scope: dict[str, Any]) -> float:
        """Open health tasks due in the period and overdue by more than ``max_wait_days``."""
        today = scope.get("today") or date.today()
        count = session.scalar(
            sa.select(sa.func.count(Task.id)).where(
                Task.working_field == "health",
                Task.status.in_(OPEN_STATUSES),
                Task.due_date.between(period.start, period.end),
                Task.due_date < today - timedelta(days=max_wait_days),
            )
        )
        return float(count or 0)

    return compute


def indicators(max_wait_days: int) -> list[Indicator]:
    return [
        Indicator(
            "health_staff_trained",
            "Geschulte Jobcenter-Mitarbeitende (Gesundheit)",
            "Personen",
            "health",
            compute=staff_trained,
        ),
        Indicator(
            "health_waiting_too_long",
            f"Gesundheitsaufgaben mehr als {max_wait_days} Tage überfällig",
            "Anzahl",
            "health",
            compute=waiting_too_long(max_wait_days),
            target=0,
        ),
    ]
