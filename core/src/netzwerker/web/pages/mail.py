"""Mails: the page at which a recipient chooses which mails come (reached from the link in
every mail, without signing in, or from the account page), and the admins' view of the
mails the relay did not take."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.deployment import Deployment
from netzwerker.domain.mail.compose import (
    CHOICES,
    address_of_choice_token,
    choices_of,
    choose,
)
from netzwerker.domain.mail.outbox import outbox_state, retry
from netzwerker.domain.users import permissions
from netzwerker.errors import NotFound
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate

CHOICE_FIELDS = (FormField("choice", "choice", required=True, choices=CHOICES),)
#: What each choice means, as the choice forms say it.
CHOICE_LABELS = {
    "single": mark("Each mail as it happens"),
    "digest": mark(
        "Once a week a digest of what my partner owes, instead of single reminders about it"
    ),
    "none": mark("No mails"),
}
#: The kinds of mail, as the choice page names those a deployment always sends.
KIND_NAMES = {
    "task_proposed": mark("a task awaits your commitment"),
    "task_reminder": mark("reminders before a due date"),
    "task_overdue": mark("overdue tasks"),
    "task_changed": mark("a task's due date or partner changed"),
    "task_escalated": mark("escalations"),
    "task_declined": mark("declined tasks"),
    "task_blocked": mark("blocked tasks"),
    "meeting_invitation": mark("meeting invitations"),
    "meeting_cancelled": mark("cancelled meetings"),
    "meeting_minutes": mark("minutes of meetings"),
    "conference_registered": mark("conference registrations"),
    "conference_waitlisted": mark("places on a waiting list"),
    "conference_moved_up": mark("moving up from a waiting list"),
    "conference_cancelled": mark("cancelled registrations"),
    "referral_sent": mark("referrals to your partner"),
    "referral_arrived": mark("a referred person arrived"),
    "referral_closed": mark("closed referrals"),
    "digest": mark("the weekly digest"),
}
CHOICE_SAVED = mark("Your choice is saved.")
#: The service's own words for an account without an address, so the catalogue translates them.
NO_ADDRESS = mark("your account has no e-mail address")
MAIL_RETRIED = mark("The mail goes out again at the sender's next run.")


def choice_context(
    request: Request[Any, Any, Any], deployment: Deployment, form: Form
) -> dict[str, Any]:
    """What the choice form (``mail/_choice.html``) shows beside the form itself."""
    mandatory = deployment.config.mail.mandatory
    return {
        "choice_form": form,
        "choice_labels": CHOICE_LABELS,
        "mandatory": [translate(request, KIND_NAMES[kind]) for kind in mandatory],
    }


def _address(deployment: Deployment, token: str) -> str:
    address = address_of_choice_token(deployment, token)
    if address is None:
        raise NotFound("mail choice", "link")  # a forged or broken link
    return address


def _choice_page(
    request: Request[Any, Any, Any],
    deployment: Deployment,
    token: str,
    address: str,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    if form is None:
        with deployment.session() as session:
            form = Form.showing({"choice": choices_of(session, [address])[address]})
    return page(
        request,
        "mail/choice.html",
        status=status,
        address=address,
        action=f"/mail/choice/{token}",
        **choice_context(request, deployment, form),
    )


@get("/mail/choice/{token:str}", opt={"public": True}, sync_to_thread=False, name="mail_choice")
def choice_page(
    request: Request[Any, Any, Any], token: FromPath[str], deployment: CurrentDeployment
) -> Template:
    """The page a mail's link opens: the signed token names the address, no sign-in."""
    return _choice_page(request, deployment, token, _address(deployment, token))


@post("/mail/choice/{token:str}", opt={"public": True}, sync_to_thread=False)
def choose_by_link(
    request: Request[Any, Any, Any],
    token: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
) -> Response[Any]:
    address = _address(deployment, token)
    entered = read_form(request, form, CHOICE_FIELDS)
    chosen = (
        save(
            request,
            entered,
            deployment,
            choose,
            address,
            entered.values["choice"],
            actor="mail link",
        )
        if entered.valid
        else None
    )
    if chosen is not None:
        notify(request, CHOICE_SAVED)
        return redirect(request, f"/mail/choice/{token}")
    return _choice_page(request, deployment, token, address, entered, status=422)


@get(
    "/admin/mail",
    sync_to_thread=False,
    name="admin_mail",
    guards=permitted(permissions.MAIL_OUTBOX),
)
def outbox_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    """The mails the relay refused or has not taken yet, with the reason, to retry."""
    with deployment.session() as session:
        state = outbox_state(session, actor=actor)
    return page(
        request,
        "admin/mail.html",
        state=state,
        relay=deployment.config.mail.host,
    )


@post(
    "/admin/mail/{message_id:int}/retry",
    sync_to_thread=False,
    guards=permitted(permissions.MAIL_OUTBOX),
)
def retry_mail(
    request: Request[Any, Any, Any],
    message_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    with deployment.transaction() as session:
        retry(session, message_id, actor=actor)
    notify(request, MAIL_RETRIED)
    return redirect(request, "/admin/mail")


ROUTES = [choice_page, choose_by_link, outbox_page, retry_mail]
