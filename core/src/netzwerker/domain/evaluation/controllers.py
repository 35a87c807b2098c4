"""``/api/evaluation``: the evaluation report of a period, as JSON or as a file."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import QueryParameter

from netzwerker.domain.evaluation.services import evaluation_of
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.evaluation import FORMATS, evaluation_file


@get("/api/evaluation", tags=["evaluation"], sync_to_thread=False)
def evaluation_report(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    start: Annotated[date | None, QueryParameter(name="from")] = None,
    end: Annotated[date | None, QueryParameter(name="to")] = None,
    format: Annotated[str, QueryParameter(enum=list(FORMATS))] = "json",
) -> Response[Any]:
    """What the network achieved from ``from`` to ``to`` (by default the year so far):
    indicators, goals, kept commitments, conferences. Staff only."""
    evaluation = evaluation_of(deployment, start, end, actor=actor)
    return evaluation_file(request, deployment, evaluation, format)
