"""Hook implementations of the migration plugin."""

from __future__ import annotations

import attrs

from netzwerker import hookimpl
from netzwerker.contributions import Indicator, PartnerKind, ProjectType, WorkingField
from netzwerker.deployment import Deployment
from netzwerker.workflow import Workflow
from netzwerker_migration import indicators
from netzwerker_migration.settings import MigrationSettings
from netzwerker_migration.workflows import mediation


@attrs.frozen
class BridgeBuilderDetails:
    """A pool of bridge-builders: how many mediators, which languages, which settings."""

    mediators: int = attrs.field(default=0, metadata={"label": "Sprach- und Kulturmittler"})
    languages: list[str] = attrs.field(factory=list, metadata={"label": "Sprachen"})
    settings: list[str] = attrs.field(factory=list, metadata={"label": "Einsatzbereiche"})


@attrs.frozen
class OpeningDetails:
    """A training series in intercultural opening for institutions."""

    sessions: int = attrs.field(default=1, metadata={"label": "Termine"})
    topics: list[str] = attrs.field(factory=list, metadata={"label": "Themen"})


@hookimpl
def settings_class() -> type:
    return MigrationSettings


def _settings(deployment: Deployment) -> MigrationSettings:
    return deployment.plugin_settings("migration") or MigrationSettings()


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [
        WorkingField(
            "migration",
            "Migration / Interkulturelle Öffnung",
            "Brückenbauer zwischen Institutionen und Menschen mit Migrationsgeschichte",
        )
    ]


@hookimpl
def register_partner_kinds() -> list[PartnerKind]:
    return [
        PartnerKind("migration_counselling", "Migrationsberatung für Erwachsene"),
        PartnerKind("youth_migration_service", "Jugendmigrationsdienst"),
        PartnerKind("integration_course_provider", "Integrationskursträger"),
        PartnerKind("immigration_office", "Ausländerbehörde"),
        PartnerKind("interpreter_pool", "Dolmetscher- / Sprachmittlerpool"),
        PartnerKind("migrant_organisation", "Migrantenorganisation"),
    ]


@hookimpl
def register_project_types() -> list[ProjectType]:
    return [
        ProjectType("bridge_builders", "Brückenbauer", BridgeBuilderDetails, "migration"),
        ProjectType(
            "intercultural_opening", "Interkulturelle Öffnung", OpeningDetails, "migration"
        ),
    ]


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    return [mediation(_settings(deployment))]


@hookimpl
def register_indicators(deployment: Deployment) -> list[Indicator]:
    return indicators.indicators(_settings(deployment))
