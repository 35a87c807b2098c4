"""Working fields: their goals against targets and their indicators over the past year."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from litestar import Request, get
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.contributions import Period
from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.indicators.services import Scope, goal_readings, read, selected
from netzwerker.domain.partners.models import PartnerWorkingField
from netzwerker.domain.tasks.report import accountability_report
from netzwerker.errors import NotFound
from netzwerker.http.params import CurrentDeployment
from netzwerker.web.charts import bar_chart
from netzwerker.web.rendering import page

#: How many months a field's charts look back, the current one included.
MONTHS = 12


def months_until(today: date, count: int = MONTHS) -> list[Period]:
    """The last ``count`` calendar months, the current one up to today."""
    periods = []
    year, month = today.year, today.month
    for _ in range(count):
        start = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        periods.append(Period(start, min(today, date.fromordinal(following.toordinal() - 1))))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(periods))


@get("/fields", sync_to_thread=True, name="fields")
def field_list(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        fields = list(
            session.scalars(
                sa.select(WorkingFieldRecord)
                .where(WorkingFieldRecord.active)
                .order_by(WorkingFieldRecord.name)
            )
        )
        partners = dict(
            session.execute(
                sa.select(PartnerWorkingField.working_field, sa.func.count()).group_by(
                    PartnerWorkingField.working_field
                )
            ).all()
        )
        report = {
            row.key: row for row in accountability_report(session, by="working_field", today=today)
        }
        goals = goal_readings(session, deployment, today=today)
    return page(
        request, "fields/list.html", fields=fields, partners=partners, report=report, goals=goals
    )


@get("/fields/{key:str}", sync_to_thread=True, name="field")
def field_page(
    request: Request[Any, Any, Any], key: FromPath[str], deployment: CurrentDeployment
) -> Template:
    today = deployment.today()
    months = months_until(today)
    language = deployment.config.web.language
    labels = [format_date(month.start, "MMM yy", locale=language) for month in months]
    with deployment.session() as session:
        field = session.get(WorkingFieldRecord, key)
        if field is None:
            raise NotFound("working field", key)
        goals = goal_readings(session, deployment, working_field=key, today=today)
        charts = []
        scope = Scope(working_field=key)
        for contributed in selected(deployment.registry, working_field=key):
            indicator = contributed.value
            values = [read(session, contributed, month, scope, today).value for month in months]
            charts.append(
                (
                    indicator,
                    bar_chart(list(zip(labels, values, strict=True)), indicator.target),
                )
            )
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
