"""Handler parameters every controller uses: the deployment, the actor, paging."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import QueryParameter

from netzwerker.deployment import Deployment
from netzwerker.domain.users.services import Actor

#: The deployment the app serves (``app.state.deployment``).
CurrentDeployment = NamedDependency[Deployment]
#: Who makes the request (from its token).
CurrentActor = NamedDependency[Actor]

Limit = Annotated[int, QueryParameter(ge=1, le=200, description="page size")]
Offset = Annotated[int, QueryParameter(ge=0, description="entries to skip")]
