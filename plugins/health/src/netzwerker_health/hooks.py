"""Hook implementations of the health plugin: nothing else lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from netzwerker import hookimpl
from netzwerker.contributions import (
    DataSection,
    Indicator,
    NavigationEntry,
    PartnerKind,
    ProjectType,
    WorkingField,
)
from netzwerker.deployment import Deployment
from netzwerker.domain.users.permissions import Permission
from netzwerker.workflow import Workflow
from netzwerker_health import indicators
from netzwerker_health.projects import PROJECT_TYPES
from netzwerker_health.services import RECORD_TRAINING
from netzwerker_health.settings import HealthSettings
from netzwerker_health.workflows import addiction_chain

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
    PartnerKind("health_insurer_local", "Krankenkasse (regionale Geschäftsstelle)"),
    PartnerKind("social_psychiatric_centre", "Sozialpsychiatrisches Zentrum"),
    PartnerKind("psychosocial_counselling", "Psychosoziale Beratungsstelle"),
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


def _settings(deployment: Deployment) -> HealthSettings:
    return deployment.plugin_settings("health") or HealthSettings()


@hookimpl
def register_indicators(deployment: Deployment) -> list[Indicator]:
    return indicators.indicators(_settings(deployment))


@hookimpl
def register_project_types() -> list[ProjectType]:
    return PROJECT_TYPES


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    return [addiction_chain(_settings(deployment))]


@hookimpl
def register_permissions() -> list[Permission]:
    return [RECORD_TRAINING]


@hookimpl
def register_routes() -> list[Any]:
    from netzwerker_health.controllers import create_training, list_trainings

    return [list_trainings, create_training]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from netzwerker_health.commands import health

    cli.add_command(health)


def load_training(loader: Any, entry: dict[str, Any]) -> None:
    """``[[trainings]]``: a staff training, as ``POST /api/health/trainings`` takes it."""
    from netzwerker_health.services import TrainingDraft, add_training

    draft = loader.draft(entry, TrainingDraft, {})
    add_training(loader.session, draft, actor=loader.actor)


@hookimpl
def register_data_sections() -> list[DataSection]:
    return [DataSection("trainings", load_training, "Fortbildungen für Jobcenter-Beschäftigte")]


@hookimpl
def register_web_assets() -> Path:
    return Path(__file__).parent / "web"


@hookimpl
def register_web_routes() -> list[Any]:
    from netzwerker_health.pages import ROUTES

    return ROUTES


@hookimpl
def register_navigation() -> list[NavigationEntry]:
    return [NavigationEntry("trainings", "Schulungen", "/health/trainings", 63)]


@hookimpl
def generate_demo_data(session: Any, deployment: Deployment, rng: Any, today: Any) -> str:
    from netzwerker_health.demo import generate

    return generate(session, deployment, rng, today)
