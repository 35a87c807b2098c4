"""Hook implementations of the single-parents plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
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
from netzwerker_single_parents import indicators, services
from netzwerker_single_parents.settings import SingleParentsSettings
from netzwerker_single_parents.workflows import coaching


@attrs.frozen
class CoachingProjectDetails:
    """An intensive-coaching project: coaches, households, towns (ANNA: 3 coaches, 30)."""

    coaches: int = attrs.field(default=0, metadata={"label": "Coaches"})
    households_planned: int = attrs.field(default=0, metadata={"label": "Geplante Haushalte"})
    towns: list[str] = attrs.field(factory=list, metadata={"label": "Orte"})


@attrs.frozen
class SponsorProgrammeDetails:
    """A sponsorship programme (Familienpaten): sponsors recruited, households matched."""

    sponsors: int = attrs.field(default=0, metadata={"label": "Paten"})
    households_matched: int = attrs.field(default=0, metadata={"label": "Vermittelte Haushalte"})


def _settings(deployment: Deployment) -> SingleParentsSettings:
    return deployment.plugin_settings("single_parents") or SingleParentsSettings()


@hookimpl
def settings_class() -> type:
    return SingleParentsSettings


@hookimpl
def register_migrations() -> Path:
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [
        WorkingField(
            "single_parents",
            "Alleinerziehende",
            "Intensivcoaching von Bedarfsgemeinschaften Alleinerziehender, Patenschaften",
        )
    ]


@hookimpl
def register_partner_kinds() -> list[PartnerKind]:
    return [
        PartnerKind("childcare", "Kita / Kindertagespflege"),
        PartnerKind("family_centre", "Familienzentrum / Familienbildung"),
        PartnerKind("single_parent_association", "Verband alleinerziehender Mütter und Väter"),
    ]


@hookimpl
def register_project_types() -> list[ProjectType]:
    return [
        ProjectType(
            "intensive_coaching", "Intensivcoaching", CoachingProjectDetails, "single_parents"
        ),
        ProjectType(
            "sponsorship_programme",
            "Patenschaftsprogramm",
            SponsorProgrammeDetails,
            "single_parents",
        ),
    ]


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    return [coaching(_settings(deployment))]


@hookimpl
def register_indicators(deployment: Deployment) -> list[Indicator]:
    return indicators.indicators(_settings(deployment))


@hookimpl
def register_permissions() -> list[Permission]:
    return [services.SEE_COACHING, services.KEEP_COACHING]


@hookimpl
def register_routes() -> list[Any]:
    from netzwerker_single_parents.controllers import SingleParentsController

    return [SingleParentsController]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from netzwerker_single_parents.commands import single_parents

    cli.add_command(single_parents)


@hookimpl
def register_web_assets() -> Path:
    return Path(__file__).parent / "web"


@hookimpl
def register_web_routes() -> list[Any]:
    from netzwerker_single_parents.pages import ROUTES

    return ROUTES


@hookimpl
def register_navigation() -> list[NavigationEntry]:
    return [
        NavigationEntry(
            "households", "Haushalte", "/single_parents/households", 60, services.SEE_COACHING
        ),
        NavigationEntry(
            "caseloads", "Fallzahlen", "/single_parents/caseloads", 61, services.SEE_COACHING
        ),
    ]


@hookimpl
def register_data_sections() -> list[DataSection]:
    from netzwerker_single_parents.data import load_household

    return [DataSection("households", load_household, "Bedarfsgemeinschaften im Coaching")]


@hookimpl
def generate_demo_data(session: Any, deployment: Deployment, rng: Any, today: Any) -> str:
    from netzwerker_single_parents.demo import generate

    return generate(session, deployment, rng, today)
