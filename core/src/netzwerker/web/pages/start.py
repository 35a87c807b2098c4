"""The start page: at a glance, what needs a coordinator's attention today."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from netzwerker.domain.tasks.overview import overview
from netzwerker.domain.users import permissions
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.pages.tasks import status_labels
from netzwerker.web.rendering import page


@get("/", sync_to_thread=False, name="start")
def start_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    with deployment.session() as session:
        summary = overview(session, deployment, today=deployment.today(), actor=actor)
    return page(
        request,
        "start.html",
        overview=summary,
        statuses=status_labels(),
        show_goals=permissions.allows(actor, permissions.NETWORK_GOALS),
    )


ROUTES = [start_page]
