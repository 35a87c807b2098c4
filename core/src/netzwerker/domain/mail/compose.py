"""Writing a notice as mails: one per recipient, from the templates, as each recipient chose.

A notice is what happened (a task became overdue, a meeting was called); :func:`notify`
turns it into one mail per recipient and writes them into the outbox within the caller's
transaction. The text and HTML parts come from the Jinja templates in ``templates/`` (one
``<kind>.txt`` per kind of mail, an optional ``<kind>.html``), which a deployment overrides
by putting a file of the same name into its folder ``mail/``. Every mail says why its
recipient gets it, links to the page, and carries a signed link to choose which mails come.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import jinja2
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.deployment import Deployment, deployment_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.mail.models import MailPreference
from netzwerker.domain.mail.outbox import Mail, enqueue
from netzwerker.domain.users import permissions
from netzwerker.domain.users.models import User
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem
from netzwerker.signing import secret_key, sign, unsign

TEMPLATES = Path(__file__).parent / "templates"
#: The choices a recipient has; ``single`` holds where none was made.
CHOICES = ("single", "digest", "none")
#: What a signed link in a mail may do.
CHOICE_PURPOSE = "mail-choice"


@attrs.frozen
class Recipient:
    address: str
    name: str = ""


@attrs.frozen
class Notice:
    """What happened, for whom it is news. ``event`` names it uniquely (``task:12:overdue:
    2026-12-01``): with the address it is the mail's key, so it is written once per
    recipient. ``digested``: the weekly digest tells it too, so a recipient who chose the
    digest gets no single mail."""

    kind: str
    event: str
    reason: str
    link: str
    context: Mapping[str, Any] = attrs.field(factory=dict)
    calendar: str = ""
    digested: bool = False


def mail_key(event: str, address: str) -> str:
    """The outbox key of ``event`` for ``address``; a long address is named by its hash, so
    that the key fits its column."""
    key = f"{event}:{address}"
    if len(key) <= 200:
        return key
    return f"{event}:{hashlib.sha256(address.encode()).hexdigest()}"


def choices_of(session: Session, addresses: Iterable[str]) -> dict[str, str]:
    """The choice of each address (``single`` where it made none)."""
    wanted = sorted(set(addresses))
    found = {address: "single" for address in wanted}
    if wanted:
        for row in session.exec(
            select(MailPreference).where(col(MailPreference.address).in_(wanted))
        ):
            found[row.address] = row.choice
    return found


def choose(session: Session, address: str, choice: str, *, actor: str) -> MailPreference:
    """Store which mails ``address`` wants; ``actor`` names who chose (a user, or the
    signed link of a mail) for the audit log."""
    if choice not in CHOICES:
        raise InvalidInput([Problem("choice", f"must be one of {', '.join(CHOICES)}")])
    address = address.strip().lower()
    if not address:
        raise InvalidInput([Problem("address", "must not be empty")])
    preference = session.get(MailPreference, address)
    before = preference.choice if preference is not None else "single"
    if preference is None:
        preference = MailPreference(address=address, choice=choice)
        session.add(preference)
    preference.choice = choice
    preference.updated_at = utcnow()
    if before != choice:
        record(
            session,
            actor=actor,
            action="mail.choose",
            object_type="mail_preference",
            object_id=address,
            changes={"choice": [before, choice]},
        )
    session.flush()
    return preference


def choose_own(session: Session, choice: str, *, actor: Actor) -> MailPreference:
    """A signed-in user's choice for the address of its account (``mail.choose``)."""
    permissions.authorize(actor, permissions.MAIL_CHOOSE, user_id=actor.user_id)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    if user is None or not user.email:
        raise InvalidInput([Problem("email", "your account has no e-mail address")])
    return choose(session, user.email, choice, actor=actor.username)


def choice_link(deployment: Deployment, address: str) -> str:
    """The link in every mail at which ``address`` chooses its mails without signing in."""
    token = sign(secret_key(deployment.folder), CHOICE_PURPOSE, address)
    return f"{public_url(deployment)}/mail/choice/{token}"


def address_of_choice_token(deployment: Deployment, token: str) -> str | None:
    """The address a link of :func:`choice_link` was made for; None for a forged one."""
    return unsign(secret_key(deployment.folder), CHOICE_PURPOSE, token)


def public_url(deployment: Deployment) -> str:
    return deployment.config.web.public_url.rstrip("/")


def writes_mail(deployment: Deployment | None) -> bool:
    """Whether mails are written at all: only with a relay to send them."""
    return deployment is not None and bool(deployment.config.mail.host)


@cache
def _environment(folder: Path, timezone: str) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(TEMPLATES)]
    if (folder / "mail").is_dir():
        loaders.insert(0, jinja2.FileSystemLoader(folder / "mail"))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    zone = ZoneInfo(timezone)

    def german_date(value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(zone).date()
        return f"{value:%d.%m.%Y}"

    def german_time(value: datetime) -> str:
        return f"{value.astimezone(zone):%d.%m.%Y, %H:%M} Uhr"

    environment.filters["datum"] = german_date
    environment.filters["zeit"] = german_time
    return environment


@attrs.frozen
class Rendered:
    subject: str
    text: str
    html: str


def render(
    deployment: Deployment,
    kind: str,
    context: Mapping[str, Any],
    *,
    recipient: Recipient,
    choice_url: str = "",
) -> Rendered:
    """A mail of ``kind`` for ``recipient``: subject, text and HTML. ``choice_url``: the
    link to choose mails, by default the recipient's own signed one."""
    environment = _environment(deployment.folder, deployment.config.deployment.timezone)
    values = {
        "network": deployment.name,
        "recipient": recipient,
        "choice_url": choice_url or choice_link(deployment, recipient.address),
        **context,
    }
    template = environment.get_template(f"{kind}.txt")
    page = template.new_context(values)
    subject = "".join(template.blocks["subject"](page)).strip()
    body = "".join(template.blocks["body"](page)).strip()
    text = template.render(values)
    html_name = environment.select_template([f"{kind}.html", "_base.html"])
    html = html_name.render({**values, "subject": subject, "body": body})
    return Rendered(" ".join(subject.split()), text, html)


def notify(session: Session, notice: Notice, recipients: Iterable[Recipient]) -> int:
    """Write ``notice`` as a mail to each recipient who wants it, in the caller's
    transaction; how many mails were written (a mail written before is not again)."""
    deployment = deployment_of(session)
    if deployment is None or not writes_mail(deployment):
        return 0
    unique = {recipient.address.strip().lower(): recipient for recipient in recipients}
    unique.pop("", None)
    if not unique:
        return 0
    mandatory = notice.kind in deployment.config.mail.mandatory
    choices = choices_of(session, unique)
    context = {
        **notice.context,
        "reason": notice.reason,
        "link_url": f"{public_url(deployment)}{notice.link}",
    }
    written = 0
    for address, recipient in unique.items():
        choice = choices[address]
        if not mandatory and (choice == "none" or (choice == "digest" and notice.digested)):
            continue
        mail = render(deployment, notice.kind, context, recipient=recipient)
        written += enqueue(
            session,
            Mail(
                key=mail_key(notice.event, address),
                recipient=address,
                subject=mail.subject,
                text=mail.text,
                html=mail.html,
                calendar=notice.calendar,
            ),
        )
    return written
