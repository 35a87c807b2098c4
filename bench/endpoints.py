"""The endpoints the benchmark drives, and the requests it sends to each.

A request is a line ``METHOD<TAB>PATH<TAB>BODY`` for ``requests.lua``; ``{n}`` in a body
becomes a value unique to the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

import attrs
import sqlalchemy as sa

from bench.setup import BenchDeployment

#: Words a coordinator types into the partner search.
SEARCHES = ("schule", "klinik", "beratung", "betrieb", "12", "jugendamt", "alleinerziehende",
            "jobcenter", "suchtberatung 4", "3", "gesundheitsamt", "partner-000077")  # fmt: skip


@attrs.frozen
class Endpoint:
    key: str
    title: str
    write: bool
    #: The request lines, from the deployment as it is now (a write changes what comes next).
    lines: Callable[[BenchDeployment], list[str]]


def _get(path: str) -> Callable[[BenchDeployment], list[str]]:
    return lambda bench: [f"GET\t{path}\t"]


def _partner_searches(bench: BenchDeployment) -> list[str]:
    return [f"GET\t/api/partners?q={quote(word)}&limit=50\t" for word in SEARCHES]


def _transitions(bench: BenchDeployment) -> list[str]:
    """Block each task in progress, then resume it: two passes that can repeat forever.

    A task blocked by an earlier run is resumed first. The two requests for one task are a
    whole pass apart, so they are never in flight together.
    """
    tasks = bench.generated.tasks_in_progress
    with bench.deployment.engine.connect() as connection:
        blocked = set(
            connection.execute(
                sa.text("SELECT id FROM task WHERE status = 'blocked' AND id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": tasks},
            ).scalars()
        )
    reason = json.dumps({"reason": "Warten auf Rückmeldung"})
    first = [
        f"POST\t/api/tasks/{task}/resume\t" if task in blocked
        else f"POST\t/api/tasks/{task}/block\t{reason}"
        for task in tasks
    ]  # fmt: skip
    second = [
        f"POST\t/api/tasks/{task}/block\t{reason}" if task in blocked
        else f"POST\t/api/tasks/{task}/resume\t"
        for task in tasks
    ]  # fmt: skip
    return first + second


def _registrations(bench: BenchDeployment) -> list[str]:
    body = json.dumps({"name": "Teilnehmende {n}", "email": "bench-{n}@example.org"})
    return [f"POST\t/api/conferences/{bench.generated.open_conference}/registrations\t{body}"]


ENDPOINTS = [
    Endpoint("overview", "Start page data (overview)", False, _get("/api/reports/overview")),
    Endpoint(
        "accountability",
        "Accountability report (by partner)",
        False,
        _get("/api/reports/accountability?by=partner"),
    ),
    Endpoint(
        "accountability_fields",
        "Accountability report (by working field)",
        False,
        _get("/api/reports/accountability?by=working_field"),
    ),
    Endpoint(
        "overdue", "Overdue tasks, one page of 50", False, _get("/api/tasks?overdue=true&limit=50")
    ),
    Endpoint("transition", "Task transition (block/resume)", True, _transitions),
    Endpoint("registration", "Conference registration", True, _registrations),
    Endpoint("partner_search", "Partner search", False, _partner_searches),
    Endpoint("coverage", "Coverage of needs by offers", False, _get("/api/catalogue/coverage")),
    Endpoint(
        "duplicates", "Possible duplicate structures", False, _get("/api/catalogue/duplicates")
    ),
    Endpoint("evaluation", "Evaluation report (year so far)", False, _get("/api/evaluation")),
]
