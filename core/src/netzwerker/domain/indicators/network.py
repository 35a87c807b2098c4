"""The core's indicators: accountability and network development in any working field.

Each is given as a query (``query(period, scope)``), so reports ask them together.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.cases.models import Case, Referral
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.conferences.models import Conference, Registration
from netzwerker.domain.conferences.services import conferences_held_in
from netzwerker.domain.projects.models import FundingApplication, Project
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.report import count_columns, on_time_per_cent, task_filters
from netzwerker.measuring import days_between, median, within


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
    query = sa.select(sa.func.coalesce(sa.func.sum(col(FundingApplication.granted)), 0)).where(
        col(FundingApplication.status).in_(("granted", "partially_granted")),
        col(FundingApplication.decided_on).between(period.start, period.end),
    )
    if scope.get("working_field") is not None:
        query = query.join(Project, col(Project.id) == col(FundingApplication.project_id)).where(
            col(Project.working_field) == scope["working_field"]
        )
    return query


def project_ideas(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Projects recorded (as ideas or further along) within the period."""
    query = sa.select(sa.func.count(col(Project.id))).where(within(col(Project.created_at), period))
    if scope.get("working_field") is not None:
        query = query.where(Project.working_field == scope["working_field"])
    return query


def people_reached(period: Period, scope: dict[str, Any]) -> sa.Select:
    """People reached by the projects that ended within the period; a project without an end
    counts when it started, one without dates when it was recorded. A project's people are
    its total, so each counts in one period only, and the figures of years add up."""
    end_on, start_on = col(Project.end_on), col(Project.start_on)
    query = sa.select(sa.func.coalesce(sa.func.sum(col(Project.people_reached)), 0)).where(
        sa.or_(
            end_on.between(period.start, period.end),
            sa.and_(end_on.is_(None), start_on.between(period.start, period.end)),
            sa.and_(end_on.is_(None), start_on.is_(None), within(col(Project.created_at), period)),
        ),
        col(Project.people_reached) > 0,
    )
    if scope.get("working_field") is not None:
        query = query.where(Project.working_field == scope["working_field"])
    return query


def circles_founded(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Coordination circles founded within the period."""
    query = sa.select(sa.func.count(col(Circle.id))).where(
        col(Circle.founded_on).between(period.start, period.end)
    )
    if scope.get("working_field") is not None:
        query = query.where(Circle.working_field == scope["working_field"])
    return query


def conferences_held(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Conferences that took place within the period (not cancelled)."""
    return sa.select(sa.func.count(col(Conference.id))).where(*conferences_held_in(period, scope))


def conference_attendance(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Participants checked in at the conferences held within the period."""
    return (
        sa.select(sa.func.count(col(Registration.checked_in_at)))
        .join(Conference, col(Conference.id) == col(Registration.conference_id))
        .where(*conferences_held_in(period, scope), col(Registration.status) == "registered")
    )


def _referrals(period: Period, scope: dict[str, Any], column: Any) -> sa.Select:
    # count(*), not of a column: PostgreSQL then counts from the index on ``column`` alone.
    query = sa.select(sa.func.count()).select_from(Referral).where(within(column, period))
    if scope.get("working_field") is not None:
        query = query.join(Case, col(Case.id) == col(Referral.case_id)).where(
            col(Case.working_field) == scope["working_field"]
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
        waits = waits.join(Case, col(Case.id) == col(Referral.case_id)).where(
            col(Case.working_field) == scope["working_field"]
        )
    return median(waits, places=1)


#: The core's indicators: in every deployment, for any working field.
CORE_INDICATORS = [
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
        description=(
            "Teilnehmende der Projekte, die im Zeitraum endeten (ohne Ende: begannen, ohne"
            " Daten: erfasst wurden); jedes Projekt zählt in einem Zeitraum"
        ),
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
