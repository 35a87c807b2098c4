"""The evaluation report as a page, and its downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.domain.evaluation.services import evaluation_of
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.evaluation import evaluation_file, monthly_charts
from netzwerker.web.rendering import page

From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
FILE_FORMATS = {"html": "html", "md": "markdown", "csv": "csv"}


@get("/evaluation", sync_to_thread=False, name="evaluation")
def evaluation_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    start: From = None,
    end: To = None,
) -> Template:
    evaluation = evaluation_of(deployment, start, end, actor=actor)
    return page(
        request,
        "evaluation/page.html",
        evaluation=evaluation,
        charts=monthly_charts(deployment, evaluation),
    )


@get("/evaluation/{file_name:str}", sync_to_thread=False)
def evaluation_download(
    request: Request[Any, Any, Any],
    file_name: FromPath[str],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    start: From = None,
    end: To = None,
) -> Response[Any]:
    """``report.html``, ``report.md`` or ``report.csv``."""
    evaluation = evaluation_of(deployment, start, end, actor=actor)
    suffix = file_name.removeprefix("report.")
    fmt = FILE_FORMATS.get(suffix, suffix)
    return evaluation_file(request, deployment, evaluation, fmt)


ROUTES = [evaluation_page, evaluation_download]
