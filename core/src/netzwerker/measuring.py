"""SQL building blocks for indicators, the same on SQLite and PostgreSQL.

An indicator should be one aggregate the database computes, never rows loaded into Python.
The pieces: when a run first reached a state (``entered``), the days between two
moments, the median of a column, runs started in a period, an indicator's scope, a
rounded per cent. Built from them, the shapes most working fields measure, each the select
an indicator's ``query`` returns: runs reaching a state (``runs_reaching``), the median
days until they did (``median_days_to``), and the share that did so in time
(``share_reaching_within``).

Example (median days from the referral to the first contact)::

    def days_to_first_contact(period, scope):
        return median_days_to(
            "health_addiction_chain", "first_contact", period, scope, since="referred"
        )

    Indicator("health_days_to_first_contact", ..., query=days_to_first_contact)
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from netzwerker.contributions import Period
from netzwerker.domain.workflows.models import WorkflowEvent, WorkflowRun


class days_between(FunctionElement):
    """Days (with fractions) from the first timestamp to the second."""

    type = sa.Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    start_sql, end_sql = compiler.process(start, **kw), compiler.process(end, **kw)
    return f"(julianday({end_sql}) - julianday({start_sql}))"


@compiles(days_between)
def _days_default(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
        f"{compiler.process(start, **kw)})) / 86400.0)"
    )


class median_of(FunctionElement):
    """The median of a column, as an aggregate: ``percentile_cont(0.5)`` on PostgreSQL, the
    ``median`` aggregate netzwerker registers on SQLite connections (:class:`db.Median`).
    Either sorts only the values it aggregates, once."""

    type = sa.Float()
    inherit_cache = True


@compiles(median_of, "postgresql")
def _median_postgresql(element: median_of, compiler: Any, **kw: Any) -> str:
    return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {compiler.process(element.clauses, **kw)})"


@compiles(median_of)
def _median_default(element: median_of, compiler: Any, **kw: Any) -> str:
    return f"median({compiler.process(element.clauses, **kw)})"


def median(values: sa.Select, places: int | None = None) -> sa.Select:
    """A select of the median of the first column of ``values`` (NULL when it is empty),
    rounded to ``places`` decimals if given."""
    value = median_of(next(iter(values.subquery().c)))
    return sa.select(value if places is None else rounded(value, places))


def median_by(values: sa.Select) -> sa.Select:
    """``(group, median)`` rows: the median of the second column of ``values`` per value of
    its first (groups whose values are all NULL are left out)."""
    group, value = list(values.subquery().c)[:2]
    return sa.select(group, median_of(value)).group_by(group).having(sa.func.count(value) > 0)


def entered(workflow: str, state: str) -> sa.Subquery:
    """``(run_id, at)``: when each run of ``workflow`` first entered ``state``."""
    return (
        sa.select(
            col(WorkflowEvent.run_id).label("run_id"),
            sa.func.min(col(WorkflowEvent.at)).label("at"),
        )
        .join(WorkflowRun, col(WorkflowRun.id) == col(WorkflowEvent.run_id))
        .where(col(WorkflowRun.workflow) == workflow, col(WorkflowEvent.to_state) == state)
        .group_by(col(WorkflowEvent.run_id))
        .subquery()
    )


def bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as UTC instants: from its first day's start to the day after its end, days
    being those of the period's time zone."""
    zone = ZoneInfo(period.timezone)
    start = datetime.combine(period.start, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)
    return start, end.astimezone(UTC)


def within(column: Any, period: Period) -> sa.ColumnElement[bool]:
    """A timestamp column falls within the period's days."""
    start, end = bounds(period)
    return sa.and_(column >= start, column < end)


def started_in(period: Period, workflow: str | None = None) -> sa.ColumnElement[bool]:
    """Workflow runs (of ``workflow``, if given) started within the period."""
    clause = within(WorkflowRun.started_at, period)
    if workflow is not None:
        clause = sa.and_(clause, col(WorkflowRun.workflow) == workflow)
    return clause


def in_scope(scope: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
    """Workflow runs narrowed by an indicator's scope (working field, partner)."""
    clauses = []
    if scope.get("working_field") is not None:
        clauses.append(WorkflowRun.working_field == scope["working_field"])
    if scope.get("partner_id") is not None:
        clauses.append(WorkflowRun.partner_id == scope["partner_id"])
    return clauses


# --------------------------------------------------------------------------------------------
# Whole indicators over a workflow's runs: the shapes most working fields measure
# --------------------------------------------------------------------------------------------


def rounded(value: sa.ColumnElement[Any], places: int = 1) -> sa.ColumnElement[Any]:
    """A number rounded in SQL, the same on both databases (PostgreSQL rounds only numerics)."""
    return sa.func.round(sa.cast(value, sa.Numeric), places)


def per_cent(part: sa.ColumnElement[Any], whole: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """``part`` as a per cent of ``whole``, to one decimal; NULL when ``whole`` is 0."""
    return rounded(100.0 * part / sa.func.nullif(whole, 0))


def runs_reaching(workflow: str, state: str, period: Period, scope: dict[str, Any]) -> sa.Select:
    """Runs that reached ``state`` for the first time within the period."""
    step = entered(workflow, state)
    return (
        sa.select(sa.func.count())
        .select_from(step)
        .join(WorkflowRun, col(WorkflowRun.id) == step.c.run_id)
        .where(within(step.c.at, period), *in_scope(scope))
    )


def median_days_to(
    workflow: str,
    state: str,
    period: Period,
    scope: dict[str, Any],
    *,
    since: str | None = None,
) -> sa.Select:
    """Median days until runs reached ``state`` (within the period), counted from their
    start or from when they reached the state ``since``; to one decimal."""
    reached = entered(workflow, state)
    before = None if since is None else entered(workflow, since)
    start = WorkflowRun.started_at if before is None else before.c.at
    days = (
        sa.select(days_between(start, reached.c.at))
        .select_from(reached)
        .join(WorkflowRun, col(WorkflowRun.id) == reached.c.run_id)
        .where(within(reached.c.at, period), *in_scope(scope))
    )
    if before is not None:
        days = days.join(before, before.c.run_id == reached.c.run_id)
    return median(days, places=1)


def share_reaching_within(
    workflow: str,
    state: str,
    days: int,
    period: Period,
    scope: dict[str, Any],
    *where: sa.ColumnElement[bool],
) -> sa.Select:
    """Per cent of the runs started in the period (and matching ``where``) that reached
    ``state`` within ``days`` of their start; NULL when none started."""
    reached = entered(workflow, state)
    in_time = sa.func.count(reached.c.at).filter(
        days_between(WorkflowRun.started_at, reached.c.at) <= days
    )
    counted = (
        sa.select(sa.func.count(col(WorkflowRun.id)).label("total"), in_time.label("in_time"))
        .select_from(WorkflowRun)
        .outerjoin(reached, reached.c.run_id == col(WorkflowRun.id))
        .where(started_in(period, workflow), *in_scope(scope), *where)
        .subquery()
    )
    return sa.select(per_cent(counted.c.in_time, counted.c.total))
