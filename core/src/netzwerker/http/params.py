"""Handler parameters every controller uses: the deployment, the actor, paging."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from netzwerker.deployment import Deployment
from netzwerker.domain.users.permissions import Actor

#: The deployment the app serves (``app.state.deployment``).
CurrentDeployment = NamedDependency[Deployment]
#: Who makes the request (from its token).
CurrentActor = NamedDependency[Actor]

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="page size")]
Offset = Annotated[int, QueryParameter(ge=0, description="entries to skip")]

#: A period in the query: ``?from=2026-01-01&to=2026-03-31``; by default the year so far.
From = Annotated[date | None, QueryParameter(name="from", description="first day (default: 1 Jan)")]
To = Annotated[date | None, QueryParameter(name="to", description="last day (default: today)")]
