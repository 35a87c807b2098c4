"""Indicators of the migration field, each one SQL aggregate."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from netzwerker.contributions import Indicator, Period, Query
from netzwerker.domain.projects.models import Project, ProjectPartner
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.measuring import in_scope, share_reaching_within, started_in
from netzwerker_migration.settings import MigrationSettings
from netzwerker_migration.workflows import MEDIATION

#: Project types whose partners count as institutions trained in intercultural opening.
OPENING_TYPES = ("intercultural_opening",)


def fulfilled_in_time(days: int) -> Query:
    def query(period: Period, scope: dict[str, Any]) -> sa.Select:
        """Per cent of the requests made in the period whose appointment took place in time."""
        return share_reaching_within(MEDIATION, "appointment_held", days, period, scope)

    return query


def languages_not_covered(covered: list[str]) -> Query:
    def query(period: Period, scope: dict[str, Any]) -> sa.Select:
        """Distinct languages requested in the period that the mediator pool does not cover."""
        language = WorkflowRun.data["language"].as_string()
        counted = sa.select(sa.func.count(sa.distinct(language))).where(
            started_in(period, MEDIATION), *in_scope(scope)
        )
        return counted.where(language.not_in(covered)) if covered else counted

    return query


def institutions_trained(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Partners in intercultural-opening trainings that ran during the period."""
    return (
        sa.select(sa.func.count(sa.distinct(col(ProjectPartner.partner_id))))
        .join(Project, col(Project.id) == col(ProjectPartner.project_id))
        .where(
            col(Project.project_type).in_(OPENING_TYPES),
            col(ProjectPartner.role) == "partner",
            sa.or_(col(Project.start_on).is_(None), col(Project.start_on) <= period.end),
            sa.or_(col(Project.end_on).is_(None), col(Project.end_on) >= period.start),
        )
    )


def indicators(settings: MigrationSettings) -> list[Indicator]:
    return [
        Indicator(
            "migration_requests_in_time",
            f"Mittlungsanfragen innerhalb von {settings.fulfil_within_days} Tagen erfüllt",
            "%",
            "migration",
            query=fulfilled_in_time(settings.fulfil_within_days),
            target=90,
            aggregate="last",
        ),
        Indicator(
            "migration_languages_not_covered",
            "Angefragte, nicht abgedeckte Sprachen",
            "Sprachen",
            "migration",
            query=languages_not_covered(settings.languages_covered),
            target=0,
            higher_is_better=False,
        ),
        Indicator(
            "migration_institutions_trained",
            "Einrichtungen in interkultureller Öffnung geschult",
            "Einrichtungen",
            "migration",
            query=institutions_trained,
        ),
    ]
