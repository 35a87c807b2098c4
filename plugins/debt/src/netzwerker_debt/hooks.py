"""Hook implementations of the debt plugin."""

from __future__ import annotations

from typing import Any

import attrs

from netzwerker import hookimpl
from netzwerker.contributions import Indicator, PartnerKind, ProjectType, WorkingField
from netzwerker.deployment import Deployment
from netzwerker.workflow import Workflow
from netzwerker_debt import indicators
from netzwerker_debt.settings import DebtSettings
from netzwerker_debt.workflows import debt_counselling


@attrs.frozen
class PreSorterDetails:
    """Volunteer debt pre-sorters (Schuldenvorsortierer), e.g. from citizen work."""

    volunteers: int = attrs.field(default=0, metadata={"label": "Ehrenamtliche"})
    hours_per_week: float = attrs.field(default=0.0, metadata={"label": "Stunden pro Woche"})
    locations: list[str] = attrs.field(factory=list, metadata={"label": "Orte"})


@attrs.frozen
class TrainingDetails:
    """Budget training or energy-saving advice: sessions and places."""

    sessions: int = attrs.field(default=1, metadata={"label": "Termine"})
    places: int = attrs.field(default=0, metadata={"label": "Plätze"})
    provider: str = attrs.field(default="", metadata={"label": "Träger"})


@hookimpl
def settings_class() -> type:
    return DebtSettings


def _settings(deployment: Deployment) -> DebtSettings:
    return deployment.plugin_settings("debt") or DebtSettings()


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [
        WorkingField(
            "debt",
            "Schulden",
            "Gestuftes System der Schuldnerberatung, Schuldenvorsortierer, Ressourcensparen",
        )
    ]


@hookimpl
def register_partner_kinds() -> list[PartnerKind]:
    return [
        PartnerKind("debt_counselling", "Schuldner- und Insolvenzberatung"),
        PartnerKind("consumer_advice", "Verbraucherzentrale"),
        PartnerKind("insolvency_counselling", "Geeignete Stelle für Verbraucherinsolvenz"),
        PartnerKind("landlord", "Vermieter / Wohnungsgesellschaft"),
        PartnerKind("energy_supplier", "Energieversorger / Stadtwerke"),
    ]


@hookimpl
def register_project_types() -> list[ProjectType]:
    return [
        ProjectType("debt_pre_sorters", "Schuldenvorsortierer", PreSorterDetails, "debt"),
        ProjectType("budget_training", "Budgettraining", TrainingDetails, "debt"),
        ProjectType("energy_saving_advice", "Energiesparberatung", TrainingDetails, "debt"),
    ]


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    return [debt_counselling(_settings(deployment))]


@hookimpl
def register_indicators(deployment: Deployment) -> list[Indicator]:
    return indicators.indicators(_settings(deployment))


@hookimpl
def generate_demo_data(session: Any, deployment: Deployment, rng: Any, today: Any) -> str:
    from netzwerker_debt.demo import generate

    return generate(session, deployment, rng, today)
