"""Hook implementations of the transnational plugin."""

from __future__ import annotations

from typing import Any

import attrs
import click

from netzwerker import hookimpl
from netzwerker.contributions import Indicator, PartnerKind, ProjectType, WorkingField
from netzwerker.deployment import Deployment
from netzwerker.workflow import Workflow
from netzwerker_transnational.indicators import INDICATORS
from netzwerker_transnational.settings import TransnationalSettings
from netzwerker_transnational.workflows import exchange


@attrs.frozen
class ExchangeDetails:
    """An exchange programme: countries, host partners, places, the funding programme."""

    countries: list[str] = attrs.field(factory=list, metadata={"label": "Länder"})
    places: int = attrs.field(default=0, metadata={"label": "Plätze"})
    weeks_abroad: int = attrs.field(default=0, metadata={"label": "Wochen im Ausland"})
    programme: str = attrs.field(default="", metadata={"label": "Förderprogramm"})


@hookimpl
def settings_class() -> type:
    return TransnationalSettings


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [
        WorkingField(
            "transnational",
            "Transnationaler Austausch",
            "Austausch von Jugendlichen und Fachkräften: Praktika, Jugend- und Fachkräfteaustausch",
        )
    ]


@hookimpl
def register_partner_kinds() -> list[PartnerKind]:
    return [
        PartnerKind("partner_abroad", "Partnerorganisation im Ausland"),
        PartnerKind("host_employer_abroad", "Aufnahmebetrieb im Ausland"),
        PartnerKind("exchange_agency", "Austauschorganisation / Nationale Agentur"),
    ]


@hookimpl
def register_project_types() -> list[ProjectType]:
    return [
        ProjectType("youth_exchange", "Jugendaustausch", ExchangeDetails, "transnational"),
        ProjectType("internship_abroad", "Auslandspraktikum", ExchangeDetails, "transnational"),
        ProjectType("staff_exchange", "Fachkräfteaustausch", ExchangeDetails, "transnational"),
    ]


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    settings = deployment.plugin_settings("transnational") or TransnationalSettings()
    return [exchange(settings)]


@hookimpl
def register_indicators() -> list[Indicator]:
    return INDICATORS


@hookimpl
def register_routes() -> list[Any]:
    from netzwerker_transnational.controllers import participants_by_country

    return [participants_by_country]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from netzwerker_transnational.commands import transnational

    cli.add_command(transnational)
