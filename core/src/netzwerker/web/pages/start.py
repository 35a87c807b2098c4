"""The start page: at a glance, what needs one's attention today: tasks, referrals, goals."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, get
from litestar.response import Template

from netzwerker.domain.cases.overview import open_referrals
from netzwerker.domain.cases.referrals import REFERRAL_WORKFLOW
from netzwerker.domain.tasks.overview import LISTED, overview
from netzwerker.domain.users import permissions
from netzwerker.domain.users.models import User
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.pages.tasks import status_labels
from netzwerker.web.rendering import page


@get("/", sync_to_thread=False, name="start")
def start_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    with deployment.session() as session:
        user = session.get(User, actor.user_id) if actor.user_id is not None else None
        summary = overview(
            session,
            deployment,
            today=deployment.today(),
            actor=actor,
            person_id=user.person_id if user is not None else None,
        )
        referrals = open_referrals(session, actor=actor, limit=LISTED)
    return page(
        request,
        "start.html",
        overview=summary,
        referral_steps=referrals,
        state_labels=REFERRAL_WORKFLOW.labels,
        **(attrs.asdict(referrals.names) if referrals else {}),
        statuses=status_labels(),
        show_goals=permissions.allows(actor, permissions.NETWORK_GOALS),
    )


ROUTES = [start_page]
