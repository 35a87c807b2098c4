"""Indicators of the single-parents field, each one SQL aggregate."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.measuring import bounds, rounded
from netzwerker_single_parents.models import Barrier, Household, Sponsorship
from netzwerker_single_parents.settings import SingleParentsSettings


def _coached_during(period: Period) -> list[sa.ColumnElement[bool]]:
    start, end = bounds(period)
    return [
        col(WorkflowRun.started_at) < end,
        sa.or_(col(WorkflowRun.closed_at).is_(None), col(WorkflowRun.closed_at) >= start),
    ]


def _households() -> sa.Select:
    return sa.select(sa.func.count(col(Household.id))).join(
        WorkflowRun, col(WorkflowRun.id) == col(Household.coaching_id)
    )


def caseload_per_coach(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Households in open coaching per coach, on average (now), to one decimal."""
    coaches = sa.func.count(sa.distinct(col(Household.coach_person_id)))
    households = sa.cast(sa.func.count(col(Household.id)), sa.Float)
    return (
        sa.select(rounded(households / sa.func.nullif(coaches, 0)))
        .join(WorkflowRun, col(WorkflowRun.id) == col(Household.coaching_id))
        .where(col(WorkflowRun.closed_at).is_(None))
    )


def households_coached(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Households in coaching at any time during the period."""
    return _households().where(*_coached_during(period))


def left_benefits(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Households that left benefit receipt during the period."""
    return sa.select(sa.func.count(col(Household.id))).where(
        col(Household.left_benefits_on).between(period.start, period.end)
    )


def childcare_arranged(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Households coached during the period for whom childcare has been arranged."""
    arranged = WorkflowRun.data["childcare_arranged"].as_boolean()
    return _households().where(*_coached_during(period), arranged.is_(True))


def barriers_found(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Access barriers noted during the period (per kind: /api/single_parents/barriers)."""
    return sa.select(sa.func.count(col(Barrier.id))).where(
        col(Barrier.noted_on).between(period.start, period.end)
    )


def sponsorships_running(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Sponsorships (Patenschaften) that ran at any time during the period."""
    return sa.select(sa.func.count(col(Sponsorship.id))).where(
        col(Sponsorship.started_on) <= period.end,
        sa.or_(col(Sponsorship.ended_on).is_(None), col(Sponsorship.ended_on) >= period.start),
    )


def indicators(settings: SingleParentsSettings) -> list[Indicator]:
    return [
        Indicator(
            "single_parents_caseload",
            "Bedarfsgemeinschaften je Coach",
            "Haushalte",
            "single_parents",
            query=caseload_per_coach,
            target=settings.max_households_per_coach,
            higher_is_better=False,
        ),
        Indicator(
            "single_parents_households_coached",
            "Gecoachte Bedarfsgemeinschaften",
            "Haushalte",
            "single_parents",
            query=households_coached,
        ),
        Indicator(
            "single_parents_left_benefits",
            "Bedarfsgemeinschaften, die den Leistungsbezug verlassen haben",
            "Haushalte",
            "single_parents",
            query=left_benefits,
        ),
        Indicator(
            "single_parents_childcare_arranged",
            "Kinderbetreuung organisiert",
            "Haushalte",
            "single_parents",
            query=childcare_arranged,
        ),
        Indicator(
            "single_parents_barriers_found",
            "Gefundene Zugangsbarrieren",
            "Anzahl",
            "single_parents",
            query=barriers_found,
        ),
        Indicator(
            "single_parents_sponsorships",
            "Laufende Patenschaften",
            "Patenschaften",
            "single_parents",
            query=sponsorships_running,
        ),
    ]
