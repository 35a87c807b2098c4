"""Indicators of transnational exchange, each one SQL aggregate."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.measuring import entered, in_scope, per_cent, runs_reaching, within
from netzwerker_transnational.workflows import EXCHANGE, PLACED


def participants(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Participants who went abroad in the period."""
    return runs_reaching(EXCHANGE, "abroad", period, scope)


def countries(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Countries the participants of the period went to."""
    country = WorkflowRun.data["country"].as_string()
    abroad = entered(EXCHANGE, "abroad")
    return (
        sa.select(sa.func.count(sa.distinct(country)))
        .join(abroad, abroad.c.run_id == WorkflowRun.id)
        .where(within(abroad.c.at, period), *in_scope(scope))
    )


def completion_rate(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Per cent of the stays that began in the period and were not broken off."""
    abroad = entered(EXCHANGE, "abroad")
    stays = sa.func.count(col(WorkflowRun.id))
    return (
        sa.select(per_cent(stays.filter(col(WorkflowRun.state) != "dropped_out"), stays))
        .join(abroad, abroad.c.run_id == col(WorkflowRun.id))
        .where(within(abroad.c.at, period), *in_scope(scope))
    )


def placed_after_return(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Per cent of the outcome checks in the period that found work or training."""
    checked = entered(EXCHANGE, "outcome_checked")
    outcome = WorkflowRun.data["outcome"].as_string()
    checks = sa.func.count(col(WorkflowRun.id))
    return (
        sa.select(per_cent(checks.filter(outcome.in_(PLACED)), checks))
        .join(checked, checked.c.run_id == WorkflowRun.id)
        .where(within(checked.c.at, period), *in_scope(scope))
    )


def by_country(session: Session, period: Period) -> list[tuple[str, int]]:
    """Participants who went abroad in the period, per country."""
    country = WorkflowRun.data["country"].as_string()
    abroad = entered(EXCHANGE, "abroad")
    rows = session.execute(
        sa.select(country, sa.func.count(col(WorkflowRun.id)))
        .join(abroad, abroad.c.run_id == col(WorkflowRun.id))
        .where(within(abroad.c.at, period))
        .group_by(country)
        .order_by(sa.func.count(col(WorkflowRun.id)).desc(), country)
    )
    return [(code, count) for code, count in rows]


INDICATORS = [
    Indicator(
        "transnational_participants",
        "Teilnehmende im Ausland",
        "Personen",
        "transnational",
        query=participants,
    ),
    Indicator(
        "transnational_countries",
        "Länder der Auslandsaufenthalte",
        "Länder",
        "transnational",
        query=countries,
    ),
    Indicator(
        "transnational_completion_rate",
        "Auslandsaufenthalte ohne Abbruch",
        "%",
        "transnational",
        query=completion_rate,
        target=85,
        aggregate="last",
    ),
    Indicator(
        "transnational_placed_after_return",
        "In Arbeit oder Ausbildung nach der Rückkehr",
        "%",
        "transnational",
        query=placed_after_return,
        target=50,
        aggregate="last",
    ),
]
