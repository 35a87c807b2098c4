"""``/api/indicators``: definitions, the indicator report, the time series, manual values."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from netzwerker.domain.indicators.schemas import (
    ComputedOut,
    ComputeRequest,
    IndicatorOut,
    IndicatorReportOut,
    ValueIn,
    ValueOut,
)
from netzwerker.domain.indicators.services import (
    ManualEntry,
    Scope,
    compute_readings,
    goal_readings,
    period_of,
    record_value,
    series,
    store_readings,
)
from netzwerker.domain.users import permissions
from netzwerker.errors import NotFound
from netzwerker.http import bodies
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, From, To

Every = Annotated[
    str | None, QueryParameter(pattern="^(month|quarter|year)$", description="one value per …")
]


class IndicatorController(Controller):
    path = "/api/indicators"
    tags = ("indicators",)

    @get("/", sync_to_thread=False, summary="Indicators of the core and the enabled plugins")
    def list_indicators(self, deployment: CurrentDeployment) -> list[IndicatorOut]:
        return [IndicatorOut.of(item) for item in deployment.registry.indicators.values()]

    @get("/report", sync_to_thread=False, summary="Indicator values and goals against targets")
    def report(
        self,
        deployment: CurrentDeployment,
        start: From = None,
        end: To = None,
        working_field: FromQuery[str | None] = None,
        partner_id: FromQuery[int | None] = None,
        every: Every = None,
        indicator: Annotated[list[str] | None, QueryParameter(description="repeatable")] = None,
    ) -> IndicatorReportOut:
        today = deployment.today()
        period = period_of(start, end, today)
        scope = Scope(working_field, partner_id)
        with deployment.session() as session:
            readings = compute_readings(
                session, deployment, period, scope=scope, keys=indicator, every=every, today=today
            )
            goals = goal_readings(session, deployment, working_field=working_field, today=today)
        return IndicatorReportOut(period.start, period.end, scope.key, readings, goals)

    @post(
        "/compute",
        dto=bodies.Body[ComputeRequest],
        return_dto=None,
        sync_to_thread=False,
        status_code=200,
        summary="Compute indicators and keep the values in their time series",
        guards=permitted(permissions.INDICATOR_STORE),
    )
    def compute(
        self, data: JSONBody[ComputeRequest], deployment: CurrentDeployment, actor: CurrentActor
    ) -> ComputedOut:
        period = period_of(data.start, data.end, deployment.today())
        with deployment.transaction() as session:
            readings = compute_readings(
                session,
                deployment,
                period,
                scope=Scope(data.working_field, data.partner_id),
                keys=data.indicators or None,
                every=data.every,
            )
            stored = store_readings(session, readings, actor=actor)
        return ComputedOut(stored, readings)

    @get("/{key:str}/values", sync_to_thread=False, summary="The stored time series")
    def values(
        self,
        key: FromPath[str],
        deployment: CurrentDeployment,
        start: From = None,
        end: To = None,
        working_field: FromQuery[str | None] = None,
        partner_id: FromQuery[int | None] = None,
    ) -> list[ValueOut]:
        if key not in deployment.registry.indicators:
            raise NotFound("indicator", key)
        with deployment.session() as session:
            stored = series(
                session, key, scope=Scope(working_field, partner_id), start=start, end=end
            )
            return [ValueOut.of(value) for value in stored]

    @post(
        "/{key:str}/values",
        dto=bodies.Body[ValueIn],
        return_dto=None,
        sync_to_thread=False,
        summary="Enter a manual indicator's value for a period",
        guards=permitted(permissions.INDICATOR_ENTER),
    )
    def enter(
        self,
        key: FromPath[str],
        data: JSONBody[ValueIn],
        deployment: CurrentDeployment,
        actor: CurrentActor,
    ) -> ValueOut:
        entry = ManualEntry(
            data.start, data.end, data.value, Scope(data.working_field, data.partner_id), data.note
        )
        with deployment.transaction() as session:
            value = record_value(session, deployment.registry, key, entry, actor=actor)
            return ValueOut.of(value)
