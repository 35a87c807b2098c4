"""The plugin's page in the web interface: the coaches' caseloads against the limit."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.rendering import page
from netzwerker_single_parents import services


@get("/single_parents/caseloads", sync_to_thread=False)
def caseload_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    with deployment.session() as session:
        rows = services.caseloads(session, deployment, actor=actor)
    limit = services.settings_of(deployment).max_households_per_coach
    return page(request, "single_parents/caseloads.html", rows=rows, limit=limit)
