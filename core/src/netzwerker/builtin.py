"""The core's own contributions, registered as an internal plugin like any other.

Partner kinds every jobcenter's network has, the task status machine and the project
lifecycle, and the indicators that measure accountability and network development in any
working field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from netzwerker.contributions import (
    DataSection,
    Indicator,
    NavigationEntry,
    PartnerKind,
    Period,
    ProjectType,
)
from netzwerker.datasections import core_sections
from netzwerker.domain.cases.models import Case, Referral
from netzwerker.domain.cases.referrals import REFERRAL_WORKFLOW
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.conferences.services import conferences_held_in
from netzwerker.domain.projects.lifecycle import PROJECT_WORKFLOW
from netzwerker.domain.projects.models import FundingApplication, Project
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.report import count_columns, on_time_per_cent, task_filters
from netzwerker.domain.tasks.workflow import TASK_WORKFLOW
from netzwerker.domain.users.permissions import MATRIX, Permission
from netzwerker.hookspecs import hookimpl
from netzwerker.measuring import days_between, median, within
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


def _counted(period: Period, scope: dict[str, Any], *names: str) -> sa.Select:
    """Some of the accountability report's counts, for one period and scope."""
    today = scope.get("today") or date.today()
    filters = task_filters(period, scope.get("working_field"), scope.get("partner_id"))
    return sa.select(*count_columns(today, names)).select_from(Task).where(*filters)


def on_time_rate(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Per cent of tasks due in the period that were done on time (none due: NULL)."""
    counted = _counted(period, scope, "done_on_time", "done_late", "overdue").subquery()
    c = counted.c
    return sa.select(on_time_per_cent(c.done_on_time, c.done_late, c.overdue))


def overdue_tasks(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Tasks due in the period that are open past their due date."""
    return _counted(period, scope, "overdue")


def funds_acquired(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Euros granted by funding decisions within the period."""
    query = sa.select(sa.func.coalesce(sa.func.sum(FundingApplication.granted), 0)).where(
        FundingApplication.status.in_(("granted", "partially_granted")),
        FundingApplication.decided_on.between(period.start, period.end),
    )
    if scope.get("working_field") is not None:
        query = query.join(Project, Project.id == FundingApplication.project_id).where(
            Project.working_field == scope["working_field"]
        )
    return query


def project_ideas(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Projects recorded (as ideas or further along) within the period."""
    query = sa.select(sa.func.count(Project.id)).where(within(Project.created_at, period))
    if scope.get("working_field") is not None:
        query = query.where(Project.working_field == scope["working_field"])
    return query


def people_reached(period: Period, scope: dict[str, Any]) -> sa.Select:
    """People the projects that ran during the period reached."""
    query = sa.select(sa.func.coalesce(sa.func.sum(Project.people_reached), 0)).where(
        sa.or_(Project.start_on.is_(None), Project.start_on <= period.end),
        sa.or_(Project.end_on.is_(None), Project.end_on >= period.start),
        Project.people_reached > 0,
    )
    if scope.get("working_field") is not None:
        query = query.where(Project.working_field == scope["working_field"])
    return query


def circles_founded(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Coordination circles founded within the period."""
    query = sa.select(sa.func.count(Circle.id)).where(
        Circle.founded_on.between(period.start, period.end)  # type: ignore[union-attr]
    )
    if scope.get("working_field") is not None:
        query = query.where(Circle.working_field == scope["working_field"])
    return query


def conferences_held(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Conferences that took place within the period (not cancelled)."""
    return sa.select(sa.func.count(Conference.id)).where(*conferences_held_in(period, scope))


def conference_attendance(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Participants checked in at the conferences held within the period."""
    return (
        sa.select(sa.func.count(Registration.checked_in_at))
        .join(Conference, Conference.id == Registration.conference_id)
        .where(*conferences_held_in(period, scope), Registration.status == "registered")
    )


def _referrals(period: Period, scope: dict[str, Any], column: Any) -> sa.Select:
    # count(*), not of a column: PostgreSQL then counts from the index on ``column`` alone.
    query = sa.select(sa.func.count()).select_from(Referral).where(within(column, period))
    if scope.get("working_field") is not None:
        query = query.join(Case, Case.id == Referral.case_id).where(
            Case.working_field == scope["working_field"]
        )
    if scope.get("partner_id") is not None:
        query = query.where(Referral.to_partner_id == scope["partner_id"])
    return query


def referrals_sent(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Referrals sent within the period."""
    return _referrals(period, scope, Referral.sent_at)


def referrals_arrived(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Referrals whose person had the first contact within the period (the closed loop)."""
    return _referrals(period, scope, Referral.first_contact_at)


def referral_wait_days(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Median days from a referral to the first contact, of those reached in the period."""
    waits = sa.select(days_between(Referral.sent_at, Referral.first_contact_at)).where(
        within(Referral.first_contact_at, period)
    )
    if scope.get("working_field") is not None:
        waits = waits.join(Case, Case.id == Referral.case_id).where(
            Case.working_field == scope["working_field"]
        )
    return median(waits, places=1)


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
    return [
        Indicator(
            "tasks_on_time_rate",
            "Zusagen termingerecht erfüllt",
            "%",
            query=on_time_rate,
            description="Anteil der fälligen Aufgaben, die bis zum Termin erledigt wurden",
            aggregate="last",
        ),
        Indicator(
            "tasks_overdue",
            "Überfällige Aufgaben",
            "Anzahl",
            query=overdue_tasks,
            description="Offene Aufgaben, deren Termin verstrichen ist",
            higher_is_better=False,
            aggregate="last",
        ),
        Indicator(
            "funds_acquired",
            "Eingeworbene Fördermittel",
            "EUR",
            query=funds_acquired,
            description="Bewilligte Beträge der Förderanträge, nach Bewilligungsdatum",
        ),
        Indicator(
            "project_ideas",
            "Initiierte Projektideen",
            "Anzahl",
            query=project_ideas,
            description="Im Zeitraum erfasste Projekte, gleich in welchem Stand",
        ),
        Indicator(
            "people_reached",
            "Erreichte Personen",
            "Personen",
            query=people_reached,
            description="Teilnehmende der Projekte, die im Zeitraum liefen",
        ),
        Indicator(
            "circles_founded",
            "Gegründete Koordinierungskreise",
            "Anzahl",
            query=circles_founded,
            description="Kreise mit Gründungsdatum im Zeitraum",
        ),
        Indicator(
            "conferences_held",
            "Durchgeführte Tagungen",
            "Anzahl",
            query=conferences_held,
            description="Nicht abgesagte Tagungen, die im Zeitraum begannen",
        ),
        Indicator(
            "conference_attendance",
            "Teilnehmende an Tagungen",
            "Personen",
            query=conference_attendance,
            description="Eingecheckte Teilnehmende der Tagungen im Zeitraum",
        ),
        Indicator(
            "referrals_sent",
            "Verweisungen",
            "Anzahl",
            query=referrals_sent,
            description="Im Zeitraum gesendete Verweisungen",
        ),
        Indicator(
            "referrals_arrived",
            "Angekommene Verweisungen",
            "Anzahl",
            query=referrals_arrived,
            description="Verweisungen mit Erstkontakt im Zeitraum (geschlossener Kreis)",
        ),
        Indicator(
            "referral_wait_days",
            "Wartezeit bis zum Erstkontakt",
            "Tage (Median)",
            query=referral_wait_days,
            description="Median der Tage von der Verweisung bis zum Erstkontakt",
            higher_is_better=False,
            aggregate="last",
        ),
    ]


@hookimpl
def register_permissions() -> list[Permission]:
    return list(MATRIX.values())


@hookimpl
def register_routes() -> list[Any]:
    """The core's API: imported here so that the command line never loads Litestar."""
    from netzwerker.domain.appraisal.controllers import AppraisalController
    from netzwerker.domain.audit.controllers import read_audit_log
    from netzwerker.domain.cases.controllers import (
        CaseController,
        ReferralController,
        list_caseloads,
    )
    from netzwerker.domain.catalogue.controllers import (
        CatalogueController,
        NeedController,
        OfferController,
    )
    from netzwerker.domain.chains.controllers import ChainController, ChainInstanceController
    from netzwerker.domain.circles.controllers import CircleController
    from netzwerker.domain.conferences.controllers import ConferenceController
    from netzwerker.domain.evaluation.controllers import evaluation_report
    from netzwerker.domain.fields.controllers import (
        create_goal,
        list_goals,
        list_working_fields,
        read_goal,
        update_goal,
    )
    from netzwerker.domain.indicators.controllers import IndicatorController
    from netzwerker.domain.meetings.controllers import MeetingController
    from netzwerker.domain.partners.controllers import PartnerController
    from netzwerker.domain.projects.controllers import ProjectController, list_project_types
    from netzwerker.domain.tasks.controllers import ReportController, TaskController
    from netzwerker.domain.users.controllers import TokenController, UserController, me
    from netzwerker.domain.workflows.controllers import InstanceController, WorkflowController
    from netzwerker.http.system import SYSTEM_ROUTES

    return [
        *SYSTEM_ROUTES,
        evaluation_report,
        list_working_fields,
        list_goals,
        create_goal,
        read_goal,
        update_goal,
        PartnerController,
        TaskController,
        ReportController,
        me,
        UserController,
        TokenController,
        read_audit_log,
        WorkflowController,
        InstanceController,
        list_project_types,
        ProjectController,
        IndicatorController,
        CircleController,
        AppraisalController,
        MeetingController,
        ConferenceController,
        OfferController,
        NeedController,
        CatalogueController,
        CaseController,
        ReferralController,
        list_caseloads,
        ChainController,
        ChainInstanceController,
    ]


@hookimpl
def register_web_routes() -> list[Any]:
    """The core's pages: imported here so that the command line never loads Litestar."""
    from netzwerker.web.pages import PAGES

    return PAGES


@hookimpl
def register_navigation() -> list[NavigationEntry]:
    # Labels are the interface's source text; the catalogues translate them.
    return [
        NavigationEntry("start", "Overview", "/", order=10),
        NavigationEntry("tasks", "Tasks", "/tasks", order=20),
        NavigationEntry("partners", "Partners", "/partners", order=30),
        NavigationEntry("network", "Network", "/network", order=35),
        NavigationEntry("fields", "Working fields", "/fields", order=40),
        NavigationEntry("circles", "Circles", "/circles", order=50),
        NavigationEntry("conferences", "Conferences", "/conferences", order=55),
        NavigationEntry("projects", "Projects", "/projects", order=56),
        NavigationEntry("catalogue", "Offers and needs", "/catalogue", order=57),
        NavigationEntry("referrals", "Cases and referrals", "/referrals", order=58),
        NavigationEntry("survey", "Survey", "/survey", order=65),
        NavigationEntry(
            "evaluation",
            "Evaluation",
            "/evaluation",
            order=70,
            roles=("admin", "coordinator", "viewer"),
        ),
    ]


@hookimpl
def register_data_sections() -> list[DataSection]:
    return core_sections()
