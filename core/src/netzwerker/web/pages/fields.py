"""Working fields: their goals against targets and their indicators over the past year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from itertools import groupby
from typing import Any

import attrs
from babel.dates import format_date
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.config import GoalConfig
from netzwerker.contributions import Period
from netzwerker.deployment import Deployment
from netzwerker.domain.fields.services import (
    GOAL_STATUSES,
    active_fields,
    create_goal,
    get_field,
    get_goal,
    goals,
    partners_per_field,
    update_goal,
)
from netzwerker.domain.indicators.services import (
    ManualEntry,
    Reading,
    Scope,
    compute_readings,
    goal_readings,
    record_value,
    store_readings,
)
from netzwerker.domain.tasks.report import accountability_report
from netzwerker.domain.users import permissions
from netzwerker.errors import Refused
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.charts import BarChart, bar_chart
from netzwerker.web.forms import (
    Form,
    FormField,
    PostedForm,
    form_page,
    read_form,
    refused_change,
    save,
    save_change,
)
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate

#: How many months a field's charts look back, the current one included.
MONTHS = 12
GOAL_STATUS_LABELS = {
    "active": mark("active"),
    "achieved": mark("achieved"),
    "missed": mark("missed"),
    "dropped": mark("dropped"),
}
GOAL_FIELDS = (
    FormField(
        "key",
        "key",
        required=True,
        label=mark("Key"),
        hint=mark(
            "Lower-case letters, digits, “-” and “_”; it never changes, e.g. erstgespraeche-2027."
        ),
    ),
    FormField("title", required=True, label=mark("Title")),
    FormField("description", label=mark("Description"), long=True),
    FormField(
        "indicator",
        "choice",
        label=mark("Indicator"),
        hint=mark("What measures the goal; without one it is followed by hand."),
    ),
    FormField("target", "decimal", label=mark("Target")),
    FormField("start", "date", required=True, label=mark("From")),
    FormField("end", "date", required=True, label=mark("Until")),
    FormField("status", "choice", required=True, label=mark("Status"), choices=GOAL_STATUSES),
)
VALUE_FIELDS = (
    FormField("indicator", "choice", required=True, label=mark("Indicator")),
    FormField("start", "date", required=True, label=mark("From")),
    FormField("end", "date", required=True, label=mark("Until")),
    FormField("value", "decimal", required=True, label=mark("Value")),
    FormField("note", label=mark("Note")),
)
STORE_FIELDS = (
    FormField("start", "date", required=True),
    FormField("end", "date", required=True),
)
STORED = mark("%(count)s values are kept in the indicators' time series.")
PERIOD_BACKWARDS = mark("The period ends before it starts.")
VALUE_RECORDED = mark("The value of “%(name)s” is recorded.")
GOAL_SET = mark("The goal is set.")
GOAL_CHANGED = mark("The goal was saved.")
DECLARED_GOAL = mark("This goal is declared in deployment.toml: it is changed there.")
#: The services' problems with a goal, for the catalogue.
GOAL_PROBLEMS = (mark("must not be before start"),)


def past_months(today: date, count: int = MONTHS) -> Period:
    """The last ``count`` calendar months, the current one up to today."""
    months = today.year * 12 + today.month - count  # the first month, counted from 0 AD
    return Period(date(months // 12, months % 12 + 1, 1), today)


def monthly_charts(
    session: Any,
    deployment: Deployment,
    scope: Scope,
    today: date,
    keys: Iterable[str] | None = None,
) -> list[tuple[Reading, BarChart]]:
    """The indicators of ``scope`` (those named, else every one) over the last twelve months:
    each reading's first month with the chart of all its months."""
    language = deployment.config.web.language
    readings = compute_readings(
        session, deployment, past_months(today), scope=scope, keys=keys, every="month", today=today
    )
    charts = []
    # Readings come per indicator, month by month: one chart each.
    for _, group in groupby(readings, key=lambda reading: reading.indicator):
        months = list(group)
        points = [(format_date(r.period_start, "MMM yy", locale=language), r.value) for r in months]
        charts.append((months[0], bar_chart(points, months[0].target)))
    return charts


@get("/fields", sync_to_thread=False, name="fields")
def field_list(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _field_list(request, deployment, actor)


def _field_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    store_form: Form | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        fields = active_fields(session)
        partners = partners_per_field(session)
        report = {
            row.key: row for row in accountability_report(session, by="working_field", today=today)
        }
        goals = goal_readings(session, deployment, today=today)
    last_month = past_months(today, 2).start
    return page(
        request,
        "fields/list.html",
        status=status,
        fields=fields,
        partners=partners,
        report=report,
        goals=goals,
        may_store=permissions.allows(actor, permissions.INDICATOR_STORE),
        store_form=store_form
        or Form.showing({"start": last_month, "end": today.replace(day=1) - timedelta(days=1)}),
    )


@post(
    "/fields/readings",
    sync_to_thread=False,
    guards=permitted(permissions.INDICATOR_STORE),
)
def store_monthly_readings(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Compute every indicator month by month over a period and keep the values in their
    time series (computed again: replaced)."""
    entered = read_form(request, form, STORE_FIELDS)
    values = entered.values
    if entered.valid and values["end"] < values["start"]:
        entered.errors["end"] = translate(request, PERIOD_BACKWARDS)
    if not entered.valid:
        return _field_list(request, deployment, actor, entered, 422)
    with deployment.transaction() as session:
        readings = compute_readings(
            session, deployment, Period(values["start"], values["end"]), every="month"
        )
        stored = store_readings(session, readings, actor=actor)
    notify(request, STORED, count=stored)
    return redirect(request, "/fields")


def _manual_indicators(deployment: CurrentDeployment, key: str) -> list[tuple[str, str]]:
    """The field's indicators a coordinator enters by hand: ``(key, label)``."""
    return [
        (name, item.value.label)
        for name, item in sorted(deployment.registry.indicators.items())
        if item.value.manual and item.value.working_field == key
    ]


@get("/fields/{key:str}", sync_to_thread=False, name="field")
def field_page(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _field_page(request, deployment, actor, key)


def _field_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    key: str,
    value_form: Form | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        field = get_field(session, key)
        measured = goal_readings(session, deployment, working_field=key, today=today)
        charts = monthly_charts(session, deployment, Scope(working_field=key), today)
        record = accountability_report(session, by="working_field", today=today, working_field=key)
        every_goal = goals(session, key)
    today_month = today.replace(day=1)
    return page(
        request,
        "fields/detail.html",
        status=status,
        manual_indicators=_manual_indicators(deployment, key),
        may_enter=permissions.allows(actor, permissions.INDICATOR_ENTER),
        value_form=value_form or Form.showing({"start": today_month, "end": today}),
        field=field,
        goals=measured,
        every_goal=every_goal,
        goal_statuses=GOAL_STATUS_LABELS,
        charts=charts,
        record=record[0] if record else None,
        may_set_goals=permissions.allows(actor, permissions.GOAL_SET),
        may_change_goals=permissions.allows(actor, permissions.GOAL_CHANGE),
    )


@post(
    "/fields/{key:str}/values",
    sync_to_thread=False,
    guards=permitted(permissions.INDICATOR_ENTER),
)
def enter_value(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A manual indicator's value for a period (entered again: corrected)."""
    manual = dict(_manual_indicators(deployment, key))
    fields = [
        attrs.evolve(item, choices=tuple(manual)) if item.name == "indicator" else item
        for item in VALUE_FIELDS
    ]
    entered = read_form(request, form, fields)
    values = entered.values
    saved = (
        save(
            request,
            entered,
            deployment,
            lambda session: record_value(
                session,
                deployment.registry,
                values["indicator"],
                ManualEntry(
                    values["start"],
                    values["end"],
                    float(values["value"]),
                    Scope(working_field=key),
                    values["note"],
                ),
                actor=actor,
            ),
        )
        if entered.valid
        else None
    )
    if saved is None:
        return _field_page(request, deployment, actor, key, entered, 422)
    notify(request, VALUE_RECORDED, name=manual[values["indicator"]])
    return redirect(request, f"/fields/{key}#values-heading")


def _goal_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    form: Form,
    working_field: str,
    *,
    goal: Any = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        field = get_field(session, working_field)
    indicators = sorted(
        (
            (key, translate(request, item.value.label))
            for key, item in deployment.registry.indicators.items()
        ),
        key=lambda choice: choice[1],
    )
    statuses = [(key, translate(request, label)) for key, label in GOAL_STATUS_LABELS.items()]
    excluded = {"status"} if goal is None else {"key"}
    return form_page(
        request,
        form,
        [item for item in GOAL_FIELDS if item.name not in excluded],
        title=mark("Change goal") if goal else mark("Set a goal"),
        action=f"/goals/{goal.key}" if goal else f"/fields/{working_field}/goals",
        back=f"/fields/{working_field}",
        options={"indicator": indicators, "status": statuses},
        status=status,
        breadcrumbs=[
            ("/fields", translate(request, mark("Working fields"))),
            (f"/fields/{working_field}", field.name),
        ],
        version=goal.version if goal else None,
    )


def _goal_values(goal: Any) -> dict[str, Any]:
    return {
        "title": goal.title,
        "description": goal.description,
        "indicator": goal.indicator,
        "target": goal.target,
        "start": goal.period_start,
        "end": goal.period_end,
        "status": goal.status,
    }


def _goal_changes(values: dict[str, Any]) -> dict[str, Any]:
    changes = {key: value for key, value in values.items() if key not in ("version", "key")}
    changes["indicator"] = changes.get("indicator") or ""
    target = changes.get("target")
    changes["target"] = float(target) if target is not None else None
    return changes


@get(
    "/fields/{key:str}/goals/new",
    sync_to_thread=False,
    guards=permitted(permissions.GOAL_SET),
)
def new_goal(
    request: Request[Any, Any, Any], key: FromPath[str], deployment: CurrentDeployment
) -> Template:
    year = deployment.today().year
    shown = Form.showing({"start": f"{year}-01-01", "end": f"{year}-12-31"})
    return _goal_form(request, deployment, shown, key)


@post("/fields/{key:str}/goals", sync_to_thread=False, guards=permitted(permissions.GOAL_SET))
def set_goal(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = [item for item in GOAL_FIELDS if item.name != "status"]
    entered = read_form(request, form, fields)
    draft = (
        GoalConfig(key=entered.values["key"], working_field=key, **_goal_changes(entered.values))
        if entered.valid
        else None
    )
    goal = (
        save(request, entered, deployment, create_goal, draft, deployment.registry, actor=actor)
        if draft
        else None
    )
    if goal is None:
        return _goal_form(request, deployment, entered, key, status=422)
    notify(request, GOAL_SET)
    return redirect(request, f"/fields/{key}#goals-heading")


@get("/goals/{key:str}/edit", sync_to_thread=False, guards=permitted(permissions.GOAL_CHANGE))
def edit_goal(
    request: Request[Any, Any, Any], key: FromPath[str], deployment: CurrentDeployment
) -> Template:
    with deployment.session() as session:
        goal = get_goal(session, key)
    if goal.source == "config":
        raise Refused(DECLARED_GOAL)
    shown = Form.showing(_goal_values(goal))
    return _goal_form(request, deployment, shown, goal.working_field, goal=goal)


@post("/goals/{key:str}", sync_to_thread=False, guards=permitted(permissions.GOAL_CHANGE))
def change_goal(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = [item for item in GOAL_FIELDS if item.name != "key"]
    entered = read_form(request, form, [*fields, FormField("version", "int", required=True)])

    def change(session: Any, *, expected_version: int) -> Any:
        goal = get_goal(session, key)
        changes = _goal_changes(entered.values)
        return update_goal(
            session,
            goal,
            changes,
            deployment.registry,
            actor=actor,
            expected_version=expected_version,
        )

    changed = save_change(request, entered, deployment, change, messages={Refused: DECLARED_GOAL})
    with deployment.session() as session:
        goal = get_goal(session, key)
    if changed is None:
        shown, status = refused_change(entered, lambda: _goal_values(goal))
        return _goal_form(request, deployment, shown, goal.working_field, goal=goal, status=status)
    notify(request, GOAL_CHANGED)
    return redirect(request, f"/fields/{goal.working_field}#goals-heading")


ROUTES = [
    field_list,
    store_monthly_readings,
    field_page,
    enter_value,
    new_goal,
    set_goal,
    edit_goal,
    change_goal,
]
