"""Indicators of the debt field, each one SQL aggregate over the counselling cases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from netzwerker.contributions import Indicator, Period, Query
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.measuring import (
    in_scope,
    median_days_to,
    runs_reaching,
    share_reaching_within,
)
from netzwerker_debt.settings import DebtSettings
from netzwerker_debt.workflows import COUNSELLING

TIERS = {
    "pre_sorting": "Vorsortierung",
    "crisis_intervention": "Krisenintervention",
    "counselling": "Schuldnerberatung",
    "settlement_attempt": "Einigungsversuch",
    "insolvency": "Verbraucherinsolvenz",
}


def days_to_first_appointment(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Median days from the request to the first appointment, for appointments in the period."""
    return median_days_to(COUNSELLING, "counselling", period, scope)


def crises_in_time(crisis_days: int) -> Query:
    def query(period: Period, scope: dict[str, Any]) -> sa.Select:
        """Per cent of the crises raised in the period taken up within ``crisis_days``."""
        crisis = col(WorkflowRun.priority) > 0
        return share_reaching_within(
            COUNSELLING, "crisis_intervention", crisis_days, period, scope, crisis
        )

    return query


def cases_in(state: str) -> Query:
    def query(period: Period, scope: dict[str, Any]) -> sa.Select:
        """Cases in this tier now (the figure a coordinator plans capacity with)."""
        return sa.select(sa.func.count(col(WorkflowRun.id))).where(
            col(WorkflowRun.workflow) == COUNSELLING,
            col(WorkflowRun.state) == state,
            *in_scope(scope),
        )

    return query


def settlements(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Out-of-court settlements reached within the period."""
    return runs_reaching(COUNSELLING, "settled", period, scope)


def indicators(settings: DebtSettings) -> list[Indicator]:
    return [
        Indicator(
            "debt_days_to_first_appointment",
            "Tage bis zum Erstgespräch Schuldnerberatung (Median)",
            "Tage",
            "debt",
            query=days_to_first_appointment,
            target=settings.first_appointment_days,
            higher_is_better=False,
            aggregate="last",
        ),
        Indicator(
            "debt_crises_in_time",
            f"Krisenfälle innerhalb von {settings.crisis_days} Tagen aufgegriffen",
            "%",
            "debt",
            query=crises_in_time(settings.crisis_days),
            target=100,
            aggregate="last",
        ),
        *(
            Indicator(
                f"debt_cases_{state}",
                f"Fälle in der Stufe {label}",
                "Anzahl",
                "debt",
                query=cases_in(state),
            )
            for state, label in TIERS.items()
        ),
        Indicator(
            "debt_settlements",
            "Außergerichtliche Einigungen",
            "Anzahl",
            "debt",
            query=settlements,
        ),
    ]
