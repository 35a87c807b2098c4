"""Indicators of the debt field, each one SQL aggregate over the counselling cases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.workflows.models import WorkflowInstance
from netzwerker.measuring import days_between, entered, in_scope, median, started_in, within
from netzwerker_debt.settings import DebtSettings
from netzwerker_debt.workflows import COUNSELLING

Compute = Callable[[Session, Period, dict[str, Any]], float | None]

TIERS = {
    "pre_sorting": "Vorsortierung",
    "crisis_intervention": "Krisenintervention",
    "counselling": "Schuldnerberatung",
    "settlement_attempt": "Einigungsversuch",
    "insolvency": "Verbraucherinsolvenz",
}


def days_to_first_appointment(
    session: Session, period: Period, scope: dict[str, Any]
) -> float | None:
    """Median days from the request to the first appointment, for appointments in the period."""
    appointment = entered(COUNSELLING, "counselling")
    days = (
        sa.select(days_between(WorkflowInstance.started_at, appointment.c.at))
        .select_from(appointment)
        .join(WorkflowInstance, WorkflowInstance.id == appointment.c.instance_id)
        .where(within(appointment.c.at, period), *in_scope(scope))
    )
    value = session.scalar(median(days))
    return None if value is None else round(float(value), 1)


def crises_in_time(crisis_days: int) -> Compute:
    def compute(session: Session, period: Period, scope: dict[str, Any]) -> float | None:
        """Per cent of the crises raised in the period taken up within ``crisis_days``."""
        crisis = entered(COUNSELLING, "crisis_intervention")
        in_time = sa.func.count(crisis.c.at).filter(
            days_between(WorkflowInstance.started_at, crisis.c.at) <= crisis_days
        )
        total, handled = session.execute(
            sa.select(sa.func.count(WorkflowInstance.id), in_time)
            .select_from(WorkflowInstance)
            .outerjoin(crisis, crisis.c.instance_id == WorkflowInstance.id)
            .where(started_in(period, COUNSELLING), WorkflowInstance.priority > 0, *in_scope(scope))
        ).one()
        return None if not total else round(100 * handled / total, 1)

    return compute


def cases_in(state: str) -> Compute:
    def compute(session: Session, period: Period, scope: dict[str, Any]) -> float:
        """Cases in this tier now (the figure a coordinator plans capacity with)."""
        count = session.scalar(
            sa.select(sa.func.count(WorkflowInstance.id)).where(
                WorkflowInstance.workflow == COUNSELLING,
                WorkflowInstance.state == state,
                *in_scope(scope),
            )
        )
        return float(count or 0)

    return compute


def settlements(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Out-of-court settlements reached within the period."""
    settled = entered(COUNSELLING, "settled")
    count = session.scalar(
        sa.select(sa.func.count())
        .select_from(settled)
        .join(WorkflowInstance, WorkflowInstance.id == settled.c.instance_id)
        .where(within(settled.c.at, period), *in_scope(scope))
    )
    return float(count or 0)


def indicators(settings: DebtSettings) -> list[Indicator]:
    return [
        Indicator(
            "debt_days_to_first_appointment",
            "Tage bis zum Erstgespräch Schuldnerberatung (Median)",
            "Tage",
            "debt",
            compute=days_to_first_appointment,
            target=settings.first_appointment_days,
            higher_is_better=False,
        ),
        Indicator(
            "debt_crises_in_time",
            f"Krisenfälle innerhalb von {settings.crisis_days} Tagen aufgegriffen",
            "%",
            "debt",
            compute=crises_in_time(settings.crisis_days),
            target=100,
        ),
        *(
            Indicator(
                f"debt_cases_{state}",
                f"Fälle in der Stufe {label}",
                "Anzahl",
                "debt",
                compute=cases_in(state),
            )
            for state, label in TIERS.items()
        ),
        Indicator(
            "debt_settlements",
            "Außergerichtliche Einigungen",
            "Anzahl",
            "debt",
            compute=settlements,
        ),
    ]
