"""Working fields: their goals against targets and their indicators over the past year."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from babel.dates import format_date
from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.contributions import Period
from netzwerker.domain.fields.services import active_fields, get_field, partners_per_field
from netzwerker.domain.indicators.services import Scope, compute_readings, goal_readings
from netzwerker.domain.tasks.report import accountability_report
from netzwerker.http.params import CurrentDeployment
from netzwerker.web.charts import bar_chart
from netzwerker.web.rendering import page

#: How many months a field's charts look back, the current one included.
MONTHS = 12


def past_months(today: date, count: int = MONTHS) -> Period:
    """The last ``count`` calendar months, the current one up to today."""
    months = today.year * 12 + today.month - count  # the first month, counted from 0 AD
    return Period(date(months // 12, months % 12 + 1, 1), today)


@get("/fields", sync_to_thread=False, name="fields")
def field_list(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        fields = active_fields(session)
        partners = partners_per_field(session)
        report = {
            row.key: row for row in accountability_report(session, by="working_field", today=today)
        }
        goals = goal_readings(session, deployment, today=today)
    return page(
        request, "fields/list.html", fields=fields, partners=partners, report=report, goals=goals
    )


@get("/fields/{key:str}", sync_to_thread=False, name="field")
def field_page(
    request: Request[Any, Any, Any], key: FromPath[str], deployment: CurrentDeployment
) -> Template:
    today = deployment.today()
    language = deployment.config.web.language
    with deployment.session() as session:
        field = get_field(session, key)
        goals = goal_readings(session, deployment, working_field=key, today=today)
        readings = compute_readings(
            session,
            deployment,
            past_months(today),
            scope=Scope(working_field=key),
            every="month",
            today=today,
        )
        # Readings come per indicator, month by month: one chart each.
        charts = []
        for _, group in groupby(readings, key=lambda reading: reading.indicator):
            months = list(group)
            points = [
                (format_date(r.period_start, "MMM yy", locale=language), r.value) for r in months
            ]
            charts.append((months[0], bar_chart(points, months[0].target)))
        record = accountability_report(session, by="working_field", today=today, working_field=key)
    return page(
        request,
        "fields/detail.html",
        field=field,
        goals=goals,
        charts=charts,
        record=record[0] if record else None,
    )


ROUTES = [field_list, field_page]
