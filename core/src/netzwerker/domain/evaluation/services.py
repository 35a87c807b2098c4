"""The evaluation report: what the network achieved in a period, computed from stored data.

It holds what MYKnetz's evaluation reported — funds acquired, project ideas initiated,
circles founded, conferences held with their attendance, people reached — as the indicators
of the core, beside those of each working field's plugin, the goals against their targets,
the accountability figures per working field, the conferences one by one, and how the
partners rated the network in the survey.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.contributions import Period
from netzwerker.deployment import Deployment
from netzwerker.domain.cases.models import Referral
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.conferences.models import Conference
from netzwerker.domain.conferences.services import conferences_held_in, seats
from netzwerker.domain.indicators.services import (
    GoalReading,
    Reading,
    compute_readings,
    goal_readings,
    in_zone,
    period_of,
)
from netzwerker.domain.projects.models import FundingApplication, Project
from netzwerker.domain.survey.models import SurveyAnswer
from netzwerker.domain.survey.services import SurveySummary, summarise
from netzwerker.domain.tasks.models import Task
from netzwerker.domain.tasks.report import ReportRow, accountability_report
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor

#: Network indicators shown month by month as charts (sums a reader compares over time).
CHARTED = ("funds_acquired", "people_reached", "conference_attendance", "referrals_sent")


@attrs.frozen
class ConferenceLine:
    title: str
    starts_on: date
    venue: str
    registered: int
    checked_in: int


@attrs.frozen
class Evaluation:
    """The report's figures; each list in the order it is shown."""

    deployment: str
    region: str
    period: Period
    today: date
    network: list[Reading]
    fields: list[tuple[str, list[Reading]]]  # (working field's name, its indicators)
    goals: list[GoalReading]
    accountability: list[ReportRow]  # by working field
    conferences: list[ConferenceLine]
    monthly: list[tuple[Reading, list[Reading]]]  # network indicator, its months
    field_names: dict[str, str] = attrs.Factory(dict)
    survey: SurveySummary | None = None


def _conferences(session: Session, period: Period) -> list[ConferenceLine]:
    """The conferences held, with what :func:`seats` counts for each."""
    held = session.scalars(
        sa.select(Conference)
        .where(*conferences_held_in(period, {}))
        .order_by(col(Conference.starts_at))
    ).all()
    figures = seats(session, [conference.id for conference in held])
    return [
        ConferenceLine(
            c.title,
            c.starts_at.date(),
            c.venue,
            figures[c.id].registered,
            figures[c.id].checked_in,
        )
        for c in held
    ]


def evaluate(session: Session, deployment: Deployment, period: Period, today: date) -> Evaluation:
    period = in_zone(period, deployment)
    readings = compute_readings(session, deployment, period, today=today)
    network = [reading for reading in readings if reading.working_field is None]
    names = {key: item.value.name for key, item in deployment.registry.working_fields.items()}
    fields = [
        (names[key], [r for r in readings if r.working_field == key])
        for key in names
        if any(r.working_field == key for r in readings)
    ]
    charted = [r for r in network if r.indicator in CHARTED]
    months = compute_readings(
        session,
        deployment,
        period,
        keys=[r.indicator for r in charted],
        every="month",
        today=today,
    )
    info = deployment.config.deployment
    return Evaluation(
        deployment=info.name,
        region=info.region,
        period=period,
        today=today,
        network=network,
        fields=fields,
        goals=goal_readings(session, deployment, today=today),
        accountability=accountability_report(
            session, by="working_field", today=today, period=period
        ),
        conferences=_conferences(session, period),
        monthly=[(r, [m for m in months if m.indicator == r.indicator]) for r in charted],
        field_names=names,
        survey=summarise(session, period),
    )


CSV_COLUMNS = ["section", "working_field", "key", "label", "value", "unit", "target"]


def figures(evaluation: Evaluation) -> Iterator[list[Any]]:
    """The report as rows of :data:`CSV_COLUMNS`, for a spreadsheet."""
    for reading in evaluation.network:
        yield [
            "network",
            "",
            reading.indicator,
            reading.label,
            reading.value,
            reading.unit,
            reading.target,
        ]
    for name, readings in evaluation.fields:
        for reading in readings:
            yield [
                "working_field",
                name,
                reading.indicator,
                reading.label,
                reading.value,
                reading.unit,
                reading.target,
            ]
    for goal in evaluation.goals:
        yield [
            "goal",
            goal.working_field,
            goal.goal,
            goal.title,
            goal.value,
            goal.unit,
            goal.target,
        ]
    for row in evaluation.accountability:
        for key in ("total", "done_on_time", "done_late", "overdue", "declined", "escalated"):
            yield ["accountability", row.label, key, key, getattr(row, key), "", ""]
        yield [
            "accountability",
            row.label,
            "on_time_rate",
            "on_time_rate",
            row.on_time_rate,
            "share",
            "",
        ]
    if evaluation.survey is not None:
        for question in evaluation.survey.questions:
            yield ["survey", "", question.key, question.question, question.mean, "1-5", ""]
        yield ["survey", "", "answers", "answers", evaluation.survey.answers, "", ""]
    for line in evaluation.conferences:
        yield [
            "conference",
            "",
            line.starts_on.isoformat(),
            line.title,
            line.checked_in,
            "checked in",
            line.registered,
        ]


def _days(session: Session) -> tuple[date | None, date | None]:
    """The first and the last day the network's records name (None and None: no record)."""
    columns = (
        col(Task.created_at),
        col(Task.due_date),
        col(Project.created_at),
        col(Project.start_on),
        col(Project.end_on),
        col(FundingApplication.decided_on),
        col(Circle.founded_on),
        col(Conference.starts_at),
        col(Referral.sent_at),
        col(SurveyAnswer.answered_on),
    )
    found = session.execute(
        sa.select(
            *(
                sa.select(aggregate(column)).scalar_subquery()
                for column in columns
                for aggregate in (sa.func.min, sa.func.max)
            )
        )
    ).one()
    # Dates, timestamps, or (SQLite, from a bare aggregate) their text: the day is first.
    known = [date.fromisoformat(str(value)[:10]) for value in found if value is not None]
    return (min(known), max(known)) if known else (None, None)


def default_period(session: Session, deployment: Deployment, today: date) -> Period:
    """The period a report shows unless asked for another: the deployment's
    (``[deployment] period_start, period_end``), else the span of its records up to today,
    else the year so far."""
    info = deployment.config.deployment
    if info.period_start and info.period_end:
        return Period(info.period_start, info.period_end)
    first, last = _days(session)
    if first is None or last is None or first > today:
        return period_of(None, None, today)
    return Period(first, min(last, today))


def evaluation_of(
    deployment: Deployment, start: date | None, end: date | None, *, actor: Actor
) -> Evaluation:
    """The report for ``start`` to ``end`` as of today (``evaluation.read``); asked for
    neither, the :func:`default_period`."""
    permissions.authorize(actor, permissions.EVALUATION_READ)
    today = deployment.today()
    with deployment.session() as session:
        if start is None and end is None:
            period = default_period(session, deployment, today)
        else:
            period = period_of(start, end, today)
        return evaluate(session, deployment, period, today)
