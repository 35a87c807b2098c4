"""Hook implementations of the health plugin: nothing else lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from netzwerker import hookimpl
from netzwerker.contributions import Indicator, PartnerKind, WorkingField
from netzwerker.deployment import Deployment
from netzwerker_health import indicators
from netzwerker_health.settings import HealthSettings

PARTNER_KINDS = [
    PartnerKind("health_office", "Gesundheitsamt"),
    PartnerKind("clinic", "Klinik / Fachklinik"),
    PartnerKind("adaptation_house", "Adaptionshaus"),
    PartnerKind("drug_therapy", "Drogentherapieeinrichtung"),
    PartnerKind("addiction_counselling", "Sucht- und Drogenberatungsstelle"),
    PartnerKind("medical_practice", "Arztpraxis"),
    PartnerKind("psychotherapy", "Psychologische / psychotherapeutische Praxis"),
    PartnerKind("medical_chamber", "Ärzte- / Zahnärztekammer"),
    PartnerKind("health_promotion", "Landeszentrale für Gesundheitsförderung"),
    PartnerKind("rehabilitation", "Berufliches Trainingszentrum / Rehabilitation"),
]


@hookimpl
def settings_class() -> type:
    return HealthSettings


@hookimpl
def register_migrations() -> Path:
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [
        WorkingField(
            "health",
            "Gesundheit",
            "Arbeitslosigkeit und Gesundheit, Prävention, Sucht, psychische Erkrankungen, "
            "Behinderung im SGB II, Resilienz, Gewaltprävention",
        )
    ]


@hookimpl
def register_partner_kinds() -> list[PartnerKind]:
    return PARTNER_KINDS


@hookimpl
def register_indicators(deployment: Deployment) -> list[Indicator]:
    settings: HealthSettings = deployment.plugin_settings("health") or HealthSettings()
    return indicators.indicators(settings.max_wait_days)


@hookimpl
def register_routes() -> list[Any]:
    from netzwerker_health.controllers import create_training, list_trainings

    return [list_trainings, create_training]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from netzwerker_health.commands import health

    cli.add_command(health)
