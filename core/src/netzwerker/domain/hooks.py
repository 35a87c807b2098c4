"""The core's own contributions, registered like any plugin's (entry point group
``netzwerker.core``): the partner kinds every jobcenter's network has, the task status
machine, the project lifecycle and the referral loop, the core's indicators, its permission
matrix and the sections of a network data file.
"""

from __future__ import annotations

from netzwerker.contributions import DataSection, Indicator, PartnerKind, ProjectType
from netzwerker.datasections import core_sections
from netzwerker.domain.cases.referrals import REFERRAL_WORKFLOW
from netzwerker.domain.indicators.network import CORE_INDICATORS
from netzwerker.domain.projects.lifecycle import PROJECT_WORKFLOW
from netzwerker.domain.tasks.workflow import TASK_WORKFLOW
from netzwerker.domain.users.permissions import MATRIX, Permission
from netzwerker.hookspecs import hookimpl
from netzwerker.workflow import Workflow

PARTNER_KINDS = [
    PartnerKind("jobcenter", "Jobcenter", "Grundsicherungsträger nach dem SGB II"),
    PartnerKind("employment_agency", "Agentur für Arbeit", "SGB III"),
    PartnerKind("municipality", "Kommune / Stadtverwaltung"),
    PartnerKind("youth_office", "Jugendamt", "SGB VIII"),
    PartnerKind("social_welfare_office", "Sozialamt", "SGB XII"),
    PartnerKind("school", "Schule"),
    PartnerKind("university", "Hochschule / Forschung"),
    PartnerKind("police", "Polizei"),
    PartnerKind("health_insurer", "Krankenkasse", "SGB V"),
    PartnerKind("pension_insurer", "Rentenversicherung", "SGB VI, SGB IX"),
    PartnerKind("charity", "Wohlfahrtsverband / soziale Einrichtung"),
    PartnerKind("labour_market_provider", "Träger der Arbeitsmarktförderung"),
    PartnerKind("education_provider", "Bildungsträger"),
    PartnerKind("employer", "Arbeitgeber / Unternehmen"),
    PartnerKind("chamber", "Kammer / Verband"),
    PartnerKind("ministry", "Ministerium / Landesbehörde"),
    PartnerKind("funding_body", "Fördermittelgeber"),
    PartnerKind("self_help", "Selbsthilfegruppe"),
    PartnerKind("association", "Verein / Initiative"),
    PartnerKind("other", "Sonstige"),
]


@hookimpl
def register_partner_kinds() -> list[PartnerKind]:
    return PARTNER_KINDS


@hookimpl
def register_project_types() -> list[ProjectType]:
    # A project of the whole network, no working field's own: a model project (rehapro), a
    # pilot measure of a social region, a network office.
    return [ProjectType("network_project", "Netzwerk- / Modellprojekt")]


@hookimpl
def register_workflows() -> list[Workflow]:
    return [TASK_WORKFLOW, PROJECT_WORKFLOW, REFERRAL_WORKFLOW]


@hookimpl
def register_indicators() -> list[Indicator]:
    return CORE_INDICATORS


@hookimpl
def register_permissions() -> list[Permission]:
    return list(MATRIX.values())


@hookimpl
def register_data_sections() -> list[DataSection]:
    return core_sections()
