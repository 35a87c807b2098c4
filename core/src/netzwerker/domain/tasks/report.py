"""The accountability report: who delivers what they promised, per partner, field or party.

One SQL aggregate per report; no task is loaded into Python. Definitions (also in the README):

* open: in an open status (proposed, committed, in progress, blocked), not yet overdue
* awaiting commitment: proposed and not yet committed to (part of open or overdue)
* overdue: in an open status and the due date has passed
* done on time / done late: completed on or before / after the due date
* escalated: overdue tasks escalated to the accountable party or the network
* on-time rate: done on time / (done on time + done late + overdue)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.contributions import Period
from netzwerker.domain.circles.models import Circle
from netzwerker.domain.fields.models import WorkingFieldRecord
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Task, TaskTally
from netzwerker.domain.tasks.queries import escalated, is_open, overdue
from netzwerker.domain.tasks.workflow import OPEN_STATUSES
from netzwerker.errors import InvalidInput, Problem
from netzwerker.measuring import per_cent
from netzwerker.tables import aligned, to_csv

GROUPINGS = ("partner", "working_field", "accountable")
COUNTS = (
    "total",
    "open",
    "awaiting_commitment",
    "overdue",
    "done_on_time",
    "done_late",
    "declined",
    "cancelled",
    "escalated",
)


@attrs.frozen
class ReportRow:
    key: str
    label: str
    total: int
    open: int
    awaiting_commitment: int
    overdue: int
    done_on_time: int
    done_late: int
    declined: int
    cancelled: int
    escalated: int
    on_time_rate: float | None = attrs.field(init=False)

    @on_time_rate.default
    def _on_time_rate(self) -> float | None:
        return on_time_share(self.done_on_time, self.done_late, self.overdue)

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def on_time_share(done_on_time: int, done_late: int, overdue: int) -> float | None:
    """Share of due work delivered on time (0–1); None when nothing was due yet."""
    judged = done_on_time + done_late + overdue
    return round(done_on_time / judged, 4) if judged else None


def on_time_per_cent(
    done_on_time: sa.ColumnElement[int],
    done_late: sa.ColumnElement[int],
    overdue: sa.ColumnElement[int],
) -> sa.ColumnElement[float]:
    """:func:`on_time_share` in SQL, of the counts' columns, as a per cent to one decimal."""
    return per_cent(done_on_time, done_on_time + done_late + overdue)


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


#: What each of the report's counts but ``total`` counts, as a condition on ``Task`` for a day.
COUNTED: dict[str, Callable[[date], sa.ColumnElement[bool]]] = {
    "open": lambda today: is_open() & (col(Task.due_date) >= today),
    "awaiting_commitment": lambda today: col(Task.status) == "proposed",
    "overdue": overdue,
    "done_on_time": lambda today: (
        (col(Task.status) == "done") & (col(Task.completed_on) <= col(Task.due_date))
    ),
    "done_late": lambda today: (
        (col(Task.status) == "done") & (col(Task.completed_on) > col(Task.due_date))
    ),
    "declined": lambda today: col(Task.status) == "declined",
    "cancelled": lambda today: col(Task.status) == "cancelled",
    "escalated": lambda today: is_open() & escalated(),
}


@functools.lru_cache(maxsize=64)
def count_columns(
    today: date, names: tuple[str, ...] = COUNTS
) -> tuple[sa.ColumnElement[int], ...]:
    """The report's aggregate columns over ``Task`` (those named, by default all), usable by
    any grouping or indicator; built once a day (every goal on the start page asks)."""
    return tuple(
        sa.func.count(col(Task.id)).label(name)
        if name == "total"
        else _count(COUNTED[name](today)).label(name)
        for name in names
    )


def task_filters(
    period: Period | None = None,
    working_field: str | None = None,
    partner_id: int | None = None,
) -> list[sa.ColumnElement[bool]]:
    """Filters shared by the report and the indicators: tasks due in a period, a field, …"""
    filters: list[sa.ColumnElement[bool]] = []
    if period is not None:
        filters.append(col(Task.due_date).between(period.start, period.end))
    if working_field is not None:
        filters.append(col(Task.working_field) == working_field)
    if partner_id is not None:
        filters.append(col(Task.responsible_partner_id) == partner_id)
    return filters


def accountability_report(
    session: Session,
    *,
    by: str,
    today: date,
    period: Period | None = None,
    working_field: str | None = None,
    partner_id: int | None = None,
) -> list[ReportRow]:
    """Rows of the report grouped ``by`` partner, working_field or accountable party.

    For all tasks (no period) it reads the tally the database keeps and the overdue tasks,
    so its cost follows the groups and the overdue work, not the history; for a period it
    counts the tasks due in it.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r} (one of {', '.join(GROUPINGS)})")
    if period is None:
        counted = _tallied_and_overdue(by, today, working_field, partner_id)
    else:
        counted = _counted_tasks(by, today, period, working_field, partner_id)
    groups = [column for column in counted.c if column.name.startswith("group_")]
    key, label, labels, joins = _labelled(by, groups)
    query = sa.select(
        key, label, *(sa.cast(sa.func.sum(counted.c[name]), sa.Integer) for name in COUNTS)
    ).select_from(counted)
    for target, on in joins:
        query = query.outerjoin(target, on)
    # A tally line whose tasks all moved elsewhere counts nothing: no row for it.
    query = query.group_by(*groups, *labels).having(sa.func.sum(counted.c.total) > 0)
    query = query.order_by(label)
    return [ReportRow(str(row[0]), row[1], *row[2:]) for row in session.execute(query)]


def _group_columns(by: str, table: Any) -> list[sa.ColumnElement[Any]]:
    """What a grouping groups ``Task`` or ``TaskTally`` by; no accountable party is 0."""
    if by == "partner":
        columns = [table.responsible_partner_id]
    elif by == "working_field":
        columns = [table.working_field]
    else:
        columns = [
            sa.func.coalesce(table.accountable_person_id, 0),
            sa.func.coalesce(table.accountable_circle_id, 0),
        ]
    return [column.label(f"group_{number}") for number, column in enumerate(columns)]


def _counted_tasks(
    by: str, today: date, period: Period, working_field: str | None, partner_id: int | None
) -> sa.Subquery:
    groups = _group_columns(by, Task)
    return (
        sa.select(*groups, *count_columns(today))
        .where(*task_filters(period, working_field, partner_id))
        .group_by(*groups)
        .subquery()
    )


def _tallied_and_overdue(
    by: str, today: date, working_field: str | None, partner_id: int | None
) -> sa.Subquery:
    """Every task's state from :class:`TaskTally`, and the overdue ones read one by one (the
    only count that depends on the day): they move from ``open`` to ``overdue``."""
    tally_groups = _group_columns(by, TaskTally)
    filters: list[sa.ColumnElement[bool]] = []
    if working_field is not None:
        filters.append(col(TaskTally.working_field) == working_field)
    if partner_id is not None:
        filters.append(col(TaskTally.responsible_partner_id) == partner_id)

    def total(*states: str) -> Any:
        return sa.func.sum(sum((getattr(TaskTally, state) for state in states), sa.literal(0)))

    tallied = (
        sa.select(
            *tally_groups,
            total(*TALLIED_STATES).label("total"),
            total(*OPEN_STATUSES).label("open"),
            total("proposed").label("awaiting_commitment"),
            sa.literal(0).label("overdue"),
            *(total(name).label(name) for name in CLOSED_COUNTS),
            sa.literal(0).label("escalated"),
        )
        .where(*filters)
        .group_by(*tally_groups)
    )
    overdue_groups = _group_columns(by, Task)
    late = (
        sa.select(
            *overdue_groups,
            sa.literal(0).label("total"),
            (-sa.func.count(col(Task.id))).label("open"),
            sa.literal(0).label("awaiting_commitment"),
            sa.func.count(col(Task.id)).label("overdue"),
            *(sa.literal(0).label(name) for name in CLOSED_COUNTS),
            _count(escalated()).label("escalated"),
        )
        .where(overdue(today), *task_filters(None, working_field, partner_id))
        .group_by(*overdue_groups)
    )
    return sa.union_all(tallied, late).subquery()


#: The counts of closed tasks, each a column of :class:`TaskTally`.
CLOSED_COUNTS = ("done_on_time", "done_late", "declined", "cancelled")
#: Every column of :class:`TaskTally` that counts tasks.
TALLIED_STATES = (*OPEN_STATUSES, *CLOSED_COUNTS, "done_undated")


def _labelled(
    by: str, groups: list[Any]
) -> tuple[Any, Any, tuple[Any, ...], list[tuple[Any, Any]]]:
    """Key, label, the label's GROUP BY columns and the joins of one grouping."""
    if by == "partner":
        return (
            Partner.key,
            Partner.name,
            (Partner.key, Partner.name),
            [(Partner, Partner.id == groups[0])],
        )
    if by == "working_field":
        return (
            groups[0],
            WorkingFieldRecord.name,
            (WorkingFieldRecord.name,),
            [(WorkingFieldRecord, WorkingFieldRecord.key == groups[0])],
        )
    person, circle = groups
    key = sa.case(
        (circle != 0, sa.literal("circle:") + Circle.key),
        else_=sa.literal("person:") + sa.cast(person, sa.String),
    )
    label = sa.func.coalesce(sa.literal("Kreis: ") + Circle.name, Person.name)
    joins = [(Person, Person.id == person), (Circle, Circle.id == circle)]
    return key, label, (Person.name, Circle.key, Circle.name), joins


def report_period(start: date | None, end: date | None, end_name: str = "to") -> Period | None:
    """Tasks due from ``start`` to ``end`` (either may be open); None: all tasks."""
    if start is None and end is None:
        return None
    try:
        return Period(start or date.min, end or date.max)
    except ValueError as exc:
        raise InvalidInput([Problem(end_name, str(exc))]) from None


REPORT_HEADINGS = {
    "label": "",
    "total": "gesamt",
    "open": "offen",
    "awaiting_commitment": "ohne Zusage",
    "overdue": "überfällig",
    "done_on_time": "pünktlich",
    "done_late": "verspätet",
    "declined": "abgelehnt",
    "escalated": "eskaliert",
    "on_time_rate": "Termintreue",
}
_GROUP_HEADINGS = {
    "partner": "Partner",
    "working_field": "Arbeitsfeld",
    "accountable": "Verantwortlich",
}


def render_report(rows: Sequence[Any], fmt: str, by: str) -> str:
    """The report as an aligned table, CSV or JSON."""
    records = [row.as_dict() for row in rows]
    if fmt == "json":
        return json.dumps({"by": by, "rows": records}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        columns = ["key", *REPORT_HEADINGS]
        return to_csv(columns, ([record[key] for key in columns] for record in records))
    headings = {**REPORT_HEADINGS, "label": _GROUP_HEADINGS[by]}
    table = [list(headings.values())]
    for record in records:
        rate = record["on_time_rate"]
        cells = [str(record[key]) for key in list(headings)[:-1]]
        table.append([*cells, "–" if rate is None else f"{rate * 100:.0f} %"])
    return aligned(table, right=range(1, len(headings)))
