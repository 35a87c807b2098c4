"""Computing, entering and reporting indicators, and keeping their time series.

A computed indicator is asked for its value over a period and scope (one SQL aggregate in
its plugin); a manual one is read from the values coordinators entered. Either can be stored
per period, so the network sees how a figure develops month by month.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.contributions import Indicator, Period, as_value
from netzwerker.deployment import Contributed, Deployment, Registry
from netzwerker.domain.audit.services import record
from netzwerker.domain.fields.models import Goal
from netzwerker.domain.indicators.models import IndicatorValue
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, NotFound, Problem, Refused

log = logging.getLogger(__name__)

EVERY = ("month", "quarter", "year")


@attrs.frozen
class Scope:
    """What an indicator is computed for: the whole network, a working field or a partner."""

    working_field: str | None = None
    partner_id: int | None = None

    @property
    def key(self) -> str:
        """How the scope is stored: ``""``, ``working_field=health``, ``partner_id=3``…"""
        parts = [f"{name}={value}" for name, value in attrs.asdict(self).items() if value]
        return ",".join(parts)

    def for_compute(self, today: date) -> dict[str, Any]:
        values: dict[str, Any] = {"today": today}
        values.update({k: v for k, v in attrs.asdict(self).items() if v is not None})
        return values


@attrs.frozen
class Reading:
    """An indicator's value for a period and scope, with what a reader needs beside it."""

    indicator: str
    label: str
    unit: str
    working_field: str | None
    manual: bool
    source: str
    period_start: date
    period_end: date
    scope: str
    value: float | None
    target: float | None
    error: str = ""


@attrs.frozen
class GoalReading:
    """A goal, its indicator's value over the goal's period, and whether it is reached."""

    goal: str
    title: str
    working_field: str
    indicator: str
    unit: str
    period_start: date
    period_end: date
    target: float | None
    value: float | None
    reached: bool | None
    #: False when the goal will be missed at this pace (see :func:`on_track`); None: unknown.
    on_track: bool | None = None


def on_track(
    indicator: Indicator, value: float | None, target: float | None, period: Period, today: date
) -> bool | None:
    """Whether a goal is reached, or still on its way to be.

    A count or sum (``aggregate="sum"``, higher is better) grows over the goal's period, so
    it is on track while it keeps pace with the target: 40 of 80 half-way through the year.
    A rate, a level or a lower-is-better figure is judged as it stands.
    """
    if value is None or target is None:
        return None
    reached = value >= target if indicator.higher_is_better else value <= target
    if reached or today >= period.end:
        return reached
    if indicator.aggregate != "sum" or not indicator.higher_is_better:
        return reached
    elapsed = max(0, (today - period.start).days + 1) / ((period.end - period.start).days + 1)
    return value >= target * elapsed


def period_of(start: date | None, end: date | None, today: date) -> Period:
    """The period asked for; by default the year so far."""
    end = end or today
    start = start or date(end.year, 1, 1)
    if end < start:
        raise InvalidInput([Problem("to", f"ends ({end}) before it starts ({start})")])
    return Period(start, end)


def split_period(period: Period, every: str | None) -> list[Period]:
    """The months, quarters or years that ``period`` touches, clipped to it (None: as is)."""
    if every is None:
        return [period]
    if every not in EVERY:
        raise InvalidInput([Problem("every", f"expected one of {', '.join(EVERY)}")])
    step = {"month": 1, "quarter": 3, "year": 12}[every]
    month = (period.start.month - 1) // step * step + 1
    cursor = date(period.start.year, month, 1)
    parts = []
    while cursor <= period.end:
        months = cursor.month - 1 + step
        following = date(cursor.year + months // 12, months % 12 + 1, 1)
        parts.append(
            Period(
                max(cursor, period.start),
                min(following - timedelta(days=1), period.end),
                timezone=period.timezone,
            )
        )
        cursor = following
    return parts


def selected(
    registry: Registry, keys: Iterable[str] | None = None, working_field: str | None = None
) -> list[Contributed[Indicator]]:
    """The indicators asked for: by key, or those of a working field plus the general ones."""
    if keys:
        unknown = [key for key in keys if key not in registry.indicators]
        if unknown:
            known = ", ".join(sorted(registry.indicators))
            raise InvalidInput(
                [
                    Problem("indicator", f"unknown indicator {key!r} (known: {known})")
                    for key in unknown
                ]
            )
        return [registry.indicators[key] for key in keys]
    return [
        item
        for item in registry.indicators.values()
        if working_field is None or item.value.working_field in (None, working_field)
    ]


def manual_value(
    session: Session, indicator: Indicator, period: Period, scope: str
) -> float | None:
    """The entries within ``period``, summed or the latest, as the indicator says."""
    within = (
        IndicatorValue.indicator == indicator.key,
        IndicatorValue.source == "manual",
        IndicatorValue.scope == scope,
        IndicatorValue.period_start >= period.start,
        IndicatorValue.period_end <= period.end,
        IndicatorValue.value.is_not(None),  # type: ignore[union-attr]
    )
    if indicator.aggregate == "sum":
        return session.scalar(select(sa.func.sum(IndicatorValue.value)).where(*within))
    return session.scalar(
        select(col(IndicatorValue.value))
        .where(*within)
        .order_by(col(IndicatorValue.period_end).desc(), col(IndicatorValue.id).desc())
        .limit(1)
    )


def manual_scope(indicator: Indicator, scope: Scope) -> str:
    """Where a manual indicator's entries are kept: a field's indicator within its field."""
    if not scope.key and indicator.working_field is not None:
        return Scope(working_field=indicator.working_field).key
    return scope.key


def _value(
    session: Session, contributed: Contributed[Indicator], period: Period, scope: Scope, today: date
) -> float | None:
    indicator = contributed.value
    if indicator.manual:
        return manual_value(session, indicator, period, manual_scope(indicator, scope))
    return indicator.measure(session, period, scope.for_compute(today))


def _reading(
    contributed: Contributed[Indicator],
    period: Period,
    scope: Scope,
    value: float | None,
    error: str = "",
) -> Reading:
    indicator = contributed.value
    return Reading(
        indicator=indicator.key,
        label=indicator.label,
        unit=indicator.unit,
        working_field=indicator.working_field,
        manual=indicator.manual,
        source=contributed.source,
        period_start=period.start,
        period_end=period.end,
        scope=scope.key,
        value=None if value is None else round(value, 4),
        target=indicator.target,
        error=error,
    )


def read(
    session: Session,
    contributed: Contributed[Indicator],
    period: Period,
    scope: Scope,
    today: date,
) -> Reading:
    """One indicator's value; a plugin's failing computation is a reading with an error."""
    try:
        # A savepoint: a failed statement must not spoil the rest of the report.
        with session.begin_nested():
            value = _value(session, contributed, period, scope, today)
    except Exception as exc:
        log.exception("indicator %r of %r failed", contributed.value.key, contributed.source)
        return _reading(contributed, period, scope, None, f"{type(exc).__name__}: {exc}")
    return _reading(contributed, period, scope, value)


Wanted = tuple[Contributed[Indicator], Period, Scope]

#: How many indicators' queries one statement asks at most (SQLite bounds a statement).
ASKED_TOGETHER = 50


def _values(session: Session, wanted: list[Wanted], today: date) -> list[float | None]:
    """Each wanted indicator's value: those given as a ``query`` asked together, as the
    columns of one statement; the others one by one."""
    values: list[float | None] = [None] * len(wanted)
    together = []
    for number, (contributed, period, scope) in enumerate(wanted):
        query = contributed.value.query
        if query is None:
            values[number] = _value(session, contributed, period, scope, today)
        else:
            together.append((number, query(period, scope.for_compute(today)).scalar_subquery()))
    for first in range(0, len(together), ASKED_TOGETHER):
        chunk = together[first : first + ASKED_TOGETHER]
        row = session.execute(sa.select(*(column for _, column in chunk))).one()
        for (number, _), result in zip(chunk, row, strict=True):
            values[number] = as_value(result)
    return values


def read_each(session: Session, wanted: Iterable[Wanted], today: date) -> list[Reading]:
    """The readings of many indicators: all in one savepoint (a report reads dozens, and a
    savepoint each costs more than most of them), the queries among them in one statement;
    should one fail, each is read again in a savepoint of its own, so a failing plugin spoils
    only its own reading."""
    wanted = list(wanted)
    try:
        with session.begin_nested():
            values = _values(session, wanted, today)
    except Exception:
        return [read(session, *item, today) for item in wanted]
    return [_reading(*item, value) for item, value in zip(wanted, values, strict=True)]


def in_zone(period: Period, deployment: Deployment) -> Period:
    """The period's days as the deployment's local days."""
    return attrs.evolve(period, timezone=deployment.config.deployment.timezone)


def compute_readings(
    session: Session,
    deployment: Deployment,
    period: Period,
    *,
    scope: Scope = Scope(),
    keys: Iterable[str] | None = None,
    every: str | None = None,
    today: date | None = None,
) -> list[Reading]:
    """Every selected indicator for every part of the period, in that order."""
    today = today or deployment.today()
    period = in_zone(period, deployment)
    indicators = selected(deployment.registry, keys, scope.working_field)
    parts = split_period(period, every)
    return read_each(session, ((item, part, scope) for item in indicators for part in parts), today)


ValueKey = tuple[str, str, date, date]


def _keep(
    session: Session,
    stored: dict[ValueKey, IndicatorValue],
    key: ValueKey,
    value: float | None,
    *,
    source: str,
    actor: str,
    note: str = "",
) -> IndicatorValue:
    """Write one value of a series, replacing the one of the same period, scope and source."""
    row = stored.get(key)
    if row is None:
        indicator, scope, start, end = key
        row = IndicatorValue(
            indicator=indicator, scope=scope, period_start=start, period_end=end, source=source
        )
        session.add(row)
        stored[key] = row
    row.value = value
    row.note = note
    row.recorded_by = actor
    row.recorded_at = utcnow()
    return row


def _stored(session: Session, source: str, keys: list[ValueKey]) -> dict[ValueKey, IndicatorValue]:
    """The stored values for these keys, in one query."""
    if not keys:
        return {}
    rows = session.exec(
        select(IndicatorValue).where(
            IndicatorValue.source == source,
            IndicatorValue.indicator.in_({key[0] for key in keys}),  # type: ignore[attr-defined]
            IndicatorValue.scope.in_({key[1] for key in keys}),  # type: ignore[attr-defined]
            IndicatorValue.period_start >= min(key[2] for key in keys),
            IndicatorValue.period_end <= max(key[3] for key in keys),
        )
    )
    wanted = set(keys)
    found = {(row.indicator, row.scope, row.period_start, row.period_end): row for row in rows}
    return {key: row for key, row in found.items() if key in wanted}


def store_readings(session: Session, readings: Iterable[Reading], *, actor: Actor) -> int:
    """Keep computed readings in the time series, replacing an earlier computation
    (``indicator.store``)."""
    permissions.authorize(actor, permissions.INDICATOR_STORE)
    keep = [reading for reading in readings if not reading.manual and not reading.error]
    keys: list[ValueKey] = [(r.indicator, r.scope, r.period_start, r.period_end) for r in keep]
    stored = _stored(session, "computed", keys)
    for key, reading in zip(keys, keep, strict=True):
        _keep(session, stored, key, reading.value, source="computed", actor=actor.username)
    session.flush()
    return len(keep)


@attrs.frozen
class ManualEntry:
    """A value a coordinator enters for a manual indicator, e.g. funds acquired in March."""

    start: date
    end: date
    value: float
    scope: Scope = Scope()
    note: str = ""


def record_value(
    session: Session, registry: Registry, key: str, entry: ManualEntry, *, actor: Actor
) -> IndicatorValue:
    """Enter (or correct) a manual indicator's value for a period (``indicator.enter``);
    audited."""
    permissions.authorize(actor, permissions.INDICATOR_ENTER)
    contributed = registry.indicators.get(key)
    if contributed is None:
        raise NotFound("indicator", key)
    if not contributed.value.manual:
        raise Refused(f"indicator {key!r} is computed from stored data; it cannot be entered")
    if entry.end < entry.start:
        raise InvalidInput([Problem("end", "ends before it starts")])
    value_key = (key, manual_scope(contributed.value, entry.scope), entry.start, entry.end)
    stored = _stored(session, "manual", [value_key])
    before = stored[value_key].value if value_key in stored else None
    existing = _keep(
        session,
        stored,
        value_key,
        entry.value,
        source="manual",
        actor=actor.username,
        note=entry.note,
    )
    session.flush()
    record(
        session,
        actor=actor.username,
        action="indicator.record",
        object_type="indicator_value",
        object_id=existing.id,
        changes={"indicator": key, "value": [before, entry.value], "period": str(entry.start)},
    )
    return existing


def series(
    session: Session,
    key: str,
    *,
    scope: Scope = Scope(),
    start: date | None = None,
    end: date | None = None,
) -> list[IndicatorValue]:
    """The stored values of an indicator for a scope, oldest first."""
    query = select(IndicatorValue).where(
        IndicatorValue.indicator == key, IndicatorValue.scope == scope.key
    )
    if start is not None:
        query = query.where(IndicatorValue.period_end >= start)
    if end is not None:
        query = query.where(IndicatorValue.period_start <= end)
    return list(
        session.exec(
            query.order_by(
                IndicatorValue.period_start,  # type: ignore[arg-type]
                IndicatorValue.period_end,  # type: ignore[arg-type]
                IndicatorValue.source,
            )
        )
    )


def goal_readings(
    session: Session, deployment: Deployment, *, working_field: str | None = None, today: date
) -> list[GoalReading]:
    """Each goal with an indicator, measured over its own period within its working field."""
    query = select(Goal).where(Goal.indicator != "", Goal.status == "active")
    if working_field is not None:
        query = query.where(Goal.working_field == working_field)
    measured = [
        (goal, deployment.registry.indicators[goal.indicator])
        for goal in session.exec(query.order_by(Goal.working_field, Goal.key))
        # A goal whose plugin is disabled is kept, not measured.
        if goal.indicator in deployment.registry.indicators
    ]
    wanted = [
        (
            contributed,
            in_zone(Period(goal.period_start, goal.period_end), deployment),
            Scope(working_field=goal.working_field),
        )
        for goal, contributed in measured
    ]
    readings = []
    for (goal, contributed), reading in zip(
        measured, read_each(session, wanted, today), strict=True
    ):
        target = goal.target if goal.target is not None else contributed.value.target
        reached = None
        if reading.value is not None and target is not None:
            higher = contributed.value.higher_is_better
            reached = reading.value >= target if higher else reading.value <= target
        period = Period(goal.period_start, goal.period_end)
        readings.append(
            GoalReading(
                goal=goal.key,
                title=goal.title,
                working_field=goal.working_field,
                indicator=goal.indicator,
                unit=reading.unit,
                period_start=goal.period_start,
                period_end=goal.period_end,
                target=target,
                value=reading.value,
                reached=reached,
                on_track=on_track(contributed.value, reading.value, target, period, today),
            )
        )
    return readings
