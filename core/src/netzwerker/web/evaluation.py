"""The evaluation report as Markdown, HTML (a file of its own, or a page), CSV and JSON."""

from __future__ import annotations

import csv
import functools
import io
import json
from typing import Any

import attrs
import jinja2
from litestar import Request, Response

from netzwerker.deployment import Deployment
from netzwerker.domain.evaluation.services import CSV_COLUMNS, Evaluation, figures
from netzwerker.errors import InvalidInput, Problem
from netzwerker.web.charts import BarChart, bar_chart
from netzwerker.web.i18n import Formats
from netzwerker.web.interface import WEB_FOLDER, catalogue_of, environment, plugin_folders

FORMATS = ("markdown", "html", "csv", "json")
MEDIA_TYPES = {
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
SUFFIXES = {"markdown": "md", "html": "html", "csv": "csv", "json": "json"}


def monthly_charts(deployment: Deployment, evaluation: Evaluation) -> list[tuple[Any, BarChart]]:
    """A bar chart per charted network indicator, a bar per month."""
    formats = Formats(deployment.config.web.language, deployment.config.deployment.timezone)
    return [
        (
            reading,
            bar_chart([(formats.date(m.period_start, "MMM yy"), m.value) for m in months]),
        )
        for reading, months in evaluation.monthly
    ]


def report_environment(deployment: Deployment) -> jinja2.Environment:
    """The interface's templates, language and formats, for a report made off the server."""
    folders = plugin_folders(deployment)
    return environment(deployment, catalogue_of(deployment, folders), folders)


@functools.cache
def _stylesheet() -> str:
    return (WEB_FOLDER / "static" / "netzwerker.css").read_text(encoding="utf-8")


def render_evaluation(
    deployment: Deployment, evaluation: Evaluation, fmt: str, env: jinja2.Environment
) -> str:
    """The report in ``fmt``; ``env`` renders Markdown and HTML (the app's own, on the
    server; :func:`report_environment` on the command line)."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(["" if v is None else v for v in row] for row in figures(evaluation))
        return out.getvalue()
    if fmt == "json":
        return json.dumps(attrs.asdict(evaluation), default=str, ensure_ascii=False, indent=2)
    template = {"markdown": "evaluation/report.md", "html": "evaluation/report.html"}[fmt]
    return env.get_template(template).render(
        evaluation=evaluation,
        charts=monthly_charts(deployment, evaluation),
        css=_stylesheet(),
    )


def evaluation_file(
    request: Request[Any, Any, Any], deployment: Deployment, evaluation: Evaluation, fmt: str
) -> Response[Any]:
    """The report in ``fmt`` as a download named after the period, rendered by the app's
    templates."""
    if fmt not in FORMATS:
        raise InvalidInput([Problem("format", f"expected one of {', '.join(FORMATS)}")])
    period = evaluation.period
    name = f"auswertung-{period.start.isoformat()}-{period.end.isoformat()}.{SUFFIXES[fmt]}"
    disposition = "inline" if fmt == "json" else f'attachment; filename="{name}"'
    return Response(
        render_evaluation(deployment, evaluation, fmt, _engine_of(request)),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": disposition},
    )


def _engine_of(request: Request[Any, Any, Any]) -> jinja2.Environment:
    """The web interface's Jinja environment (its catalogues and filters)."""
    template_engine: Any = request.app.template_engine
    return template_engine.engine
