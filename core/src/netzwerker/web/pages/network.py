"""The network as a picture: partners and the circles, projects and service chains that
connect them, for the whole network, one working field or one kind of partner."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from netzwerker.domain.network.services import network_map
from netzwerker.domain.references import field_choices
from netzwerker.http.params import CurrentDeployment
from netzwerker.web.charts import network_chart
from netzwerker.web.i18n import mark
from netzwerker.web.pages.partners import kind_names
from netzwerker.web.rendering import page

CONNECTOR_KINDS = {
    "circle": mark("Circle"),
    "project": mark("Project"),
    "chain": mark("Service chain"),
}


@get("/network", sync_to_thread=False, name="network")
def network_picture(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    working_field: Annotated[str | None, QueryParameter()] = None,
    kind: Annotated[str | None, QueryParameter()] = None,
) -> Template:
    with deployment.session() as session:
        network = network_map(session, working_field or None, kind or None)
        fields = field_choices(session)
    kinds = kind_names(request)
    asked = {"working_field": working_field, "kind": kind}
    return page(
        request,
        "network.html",
        query={name: value for name, value in asked.items() if value},
        fields=fields,
        partner_kinds=sorted(kinds.items(), key=lambda item: item[1]),
        kind_names=kinds,
        field_names=dict(fields),
        network=network,
        chart=network_chart(network),
        kinds=CONNECTOR_KINDS,
    )


ROUTES = [network_picture]
