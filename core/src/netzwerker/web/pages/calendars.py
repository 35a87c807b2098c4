"""Calendar feeds: the address a calendar subscribes to, and revoking one. A feed is made
on the page of its owner (the account page, a partner's page), which shows its address once."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath

from netzwerker.deployment import Deployment
from netzwerker.domain.calendars.services import (
    NewFeed,
    feed_calendar,
    feed_path,
    live_feeds,
    revoke_feed,
)
from netzwerker.domain.mail.compose import public_url
from netzwerker.domain.partners.services import get_partner
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import NotFound
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, redirect

FEED_REVOKED = mark("The calendar address was revoked: calendars no longer read it.")


def feeds_context(
    deployment: Deployment,
    actor: Actor,
    *,
    user_id: int | None = None,
    partner_id: int | None = None,
    made: NewFeed | None = None,
) -> dict[str, Any]:
    """What ``calendars/_feeds.html`` shows: the owner's live feeds and, right after one
    was made, its address (the only time it is shown)."""
    with deployment.session() as session:
        feeds = live_feeds(session, actor=actor, user_id=user_id, partner_id=partner_id)
    return {
        "feeds": feeds,
        "new_feed_url": f"{public_url(deployment)}{feed_path(made.token)}" if made else "",
    }


@get("/calendar/{name:str}", opt={"public": True}, sync_to_thread=False, name="calendar_feed")
def calendar_feed(name: FromPath[str], deployment: CurrentDeployment) -> Response[bytes]:
    """The feed at ``/calendar/<token>.ics``, for calendars that cannot sign in."""
    body = feed_calendar(deployment, name.removesuffix(".ics"))
    if body is None:
        raise NotFound("calendar feed", "address")
    return Response(body, media_type="text/calendar; charset=utf-8")


@post(
    "/account/calendars/{feed_id:int}/revoke",
    sync_to_thread=False,
    guards=permitted(permissions.CALENDAR_OWN),
)
def revoke_own_feed(
    request: Request[Any, Any, Any],
    feed_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Revoke one's own calendar address (admins anyone's)."""
    with deployment.transaction() as session:
        revoke_feed(session, feed_id, actor=actor)
    notify(request, FEED_REVOKED)
    return redirect(request, "/account#calendar-heading")


@post(
    "/partners/{key:str}/calendars/{feed_id:int}/revoke",
    sync_to_thread=False,
    guards=permitted(permissions.CALENDAR_PARTNER),
)
def revoke_partner_feed(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    feed_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    with deployment.transaction() as session:
        partner = get_partner(session, key)
        revoke_feed(session, feed_id, actor=actor, partner_id=partner.id)
    notify(request, FEED_REVOKED)
    return redirect(request, f"/partners/{key}#calendar-heading")


ROUTES = [calendar_feed, revoke_own_feed, revoke_partner_feed]
