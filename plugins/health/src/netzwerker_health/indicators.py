"""Indicators of the health field, each one SQL aggregate (those given as a ``query`` are
asked together with the others of a report, in one statement)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from netzwerker.contributions import Indicator, Period, Query
from netzwerker.domain.projects.models import Project
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.queries import is_open
from netzwerker.measuring import median_days_to, runs_reaching
from netzwerker_health.models import HealthTraining
from netzwerker_health.projects import PREVENTION_TYPES
from netzwerker_health.settings import HealthSettings
from netzwerker_health.workflows import CHAIN


def staff_trained(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Jobcenter staff who took part in health trainings held in the period."""
    return sa.select(sa.func.coalesce(sa.func.sum(col(HealthTraining.participants)), 0)).where(
        col(HealthTraining.held_on).between(period.start, period.end)
    )


def waiting_too_long(max_wait_days: int) -> Query:
    def query(period: Period, scope: dict[str, Any]) -> sa.Select:
        """Open health tasks due in the period and overdue by more than ``max_wait_days``."""
        today = scope.get("today") or date.today()
        return sa.select(sa.func.count(col(Task.id))).where(
            col(Task.working_field) == "health",
            is_open(),
            col(Task.due_date).between(period.start, period.end),
            col(Task.due_date) < today - timedelta(days=max_wait_days),
        )

    return query


def reached_step(state: str) -> Query:
    """Chain cases that reached ``state`` for the first time within the period."""

    def query(period: Period, scope: dict[str, Any]) -> sa.Select:
        return runs_reaching(CHAIN, state, period, scope)

    return query


def days_to_first_contact(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Median days from the referral to the first contact, for first contacts in the period."""
    return median_days_to(CHAIN, "first_contact", period, scope, since="referred")


def prevention_participants(period: Period, scope: dict[str, Any]) -> sa.Select:
    """People reached by prevention and nutrition offers that ran during the period."""
    return sa.select(sa.func.coalesce(sa.func.sum(col(Project.people_reached)), 0)).where(
        col(Project.project_type).in_(PREVENTION_TYPES),
        sa.or_(col(Project.start_on).is_(None), col(Project.start_on) <= period.end),
        sa.or_(col(Project.end_on).is_(None), col(Project.end_on) >= period.start),
    )


def indicators(settings: HealthSettings) -> list[Indicator]:
    return [
        Indicator(
            "health_staff_trained",
            "Geschulte Jobcenter-Mitarbeitende (Gesundheit)",
            "Personen",
            "health",
            query=staff_trained,
        ),
        Indicator(
            "health_waiting_too_long",
            f"Gesundheitsaufgaben mehr als {settings.max_wait_days} Tage überfällig",
            "Anzahl",
            "health",
            query=waiting_too_long(settings.max_wait_days),
            target=0,
            higher_is_better=False,
        ),
        Indicator(
            "health_referrals_made",
            "Vermittlungen an die Suchtberatung",
            "Anzahl",
            "health",
            query=reached_step("referred"),
        ),
        Indicator(
            "health_referrals_arrived",
            "Vermittelte, die angekommen sind (Erstkontakt)",
            "Anzahl",
            "health",
            query=reached_step("first_contact"),
        ),
        Indicator(
            "health_days_to_first_contact",
            "Tage von der Vermittlung bis zum Erstkontakt (Median)",
            "Tage",
            "health",
            query=days_to_first_contact,
            target=settings.chain_max_days.referred,
            higher_is_better=False,
            aggregate="last",
        ),
        Indicator(
            "health_case_conferences",
            "Fallkonferenzen in der Suchthilfekette",
            "Anzahl",
            "health",
            query=reached_step("case_conference"),
        ),
        Indicator(
            "health_prevention_participants",
            "Teilnehmende an Präventionsangeboten",
            "Personen",
            "health",
            query=prevention_participants,
        ),
        Indicator(
            "health_self_help_groups",
            "Aktive Selbsthilfegruppen in der Region",
            "Gruppen",
            "health",
            aggregate="last",
            description="Von der Selbsthilfekontaktstelle gemeldet; wird von Hand eingetragen",
        ),
    ]
