"""Indicators of the single-parents field, each one SQL aggregate."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.workflows.models import WorkflowInstance
from netzwerker.measuring import bounds
from netzwerker_single_parents.models import Barrier, Household
from netzwerker_single_parents.settings import SingleParentsSettings


def _coached_during(period: Period) -> list[sa.ColumnElement[bool]]:
    start, end = bounds(period)
    return [
        WorkflowInstance.started_at < end,
        sa.or_(WorkflowInstance.closed_at.is_(None), WorkflowInstance.closed_at >= start),
    ]


def _households() -> sa.Select:
    return sa.select(sa.func.count(Household.id)).join(
        WorkflowInstance, WorkflowInstance.id == Household.coaching_id
    )


def caseload_per_coach(session: Session, period: Period, scope: dict[str, Any]) -> float | None:
    """Households in open coaching per coach, on average (now)."""
    households, coaches = session.execute(
        sa.select(
            sa.func.count(Household.id), sa.func.count(sa.distinct(Household.coach_person_id))
        )
        .join(WorkflowInstance, WorkflowInstance.id == Household.coaching_id)
        .where(WorkflowInstance.closed_at.is_(None))
    ).one()
    return None if not coaches else round(households / coaches, 1)


def households_coached(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Households in coaching at any time during the period."""
    return float(session.scalar(_households().where(*_coached_during(period))) or 0)


def left_benefits(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Households that left benefit receipt during the period."""
    count = session.scalar(
        sa.select(sa.func.count(Household.id)).where(
            Household.left_benefits_on.between(period.start, period.end)
        )
    )
    return float(count or 0)


def childcare_arranged(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Households coached during the period for whom childcare has been arranged."""
    arranged = WorkflowInstance.data["childcare_arranged"].as_boolean()
    return float(
        session.scalar(_households().where(*_coached_during(period), arranged.is_(True))) or 0
    )


def barriers_found(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Access barriers noted during the period (per kind: /api/single_parents/barriers)."""
    count = session.scalar(
        sa.select(sa.func.count(Barrier.id)).where(
            Barrier.noted_on.between(period.start, period.end)
        )
    )
    return float(count or 0)


def indicators(settings: SingleParentsSettings) -> list[Indicator]:
    return [
        Indicator(
            "single_parents_caseload",
            "Bedarfsgemeinschaften je Coach",
            "Haushalte",
            "single_parents",
            compute=caseload_per_coach,
            target=settings.max_households_per_coach,
            higher_is_better=False,
        ),
        Indicator(
            "single_parents_households_coached",
            "Gecoachte Bedarfsgemeinschaften",
            "Haushalte",
            "single_parents",
            compute=households_coached,
        ),
        Indicator(
            "single_parents_left_benefits",
            "Bedarfsgemeinschaften, die den Leistungsbezug verlassen haben",
            "Haushalte",
            "single_parents",
            compute=left_benefits,
        ),
        Indicator(
            "single_parents_childcare_arranged",
            "Kinderbetreuung organisiert",
            "Haushalte",
            "single_parents",
            compute=childcare_arranged,
        ),
        Indicator(
            "single_parents_barriers_found",
            "Gefundene Zugangsbarrieren",
            "Anzahl",
            "single_parents",
            compute=barriers_found,
        ),
    ]
