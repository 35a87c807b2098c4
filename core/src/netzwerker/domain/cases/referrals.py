"""Referrals between partners (Verweisberatung), closed-loop and consent-based.

A referral is sent, accepted, the first contact is recorded, and it is closed, or declined
with a reason, or withdrawn by the referring side; each step keeps its time. Sending and
accepting check consent: the receiving partner takes the person's data only with it. The
referring partner sees every step, so it knows whether the person arrived.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.deployment import emit
from netzwerker.domain.audit.services import record
from netzwerker.domain.cases.models import Referral
from netzwerker.domain.cases.services import DataCategory, readable_case, require_consent
from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.mail import notices
from netzwerker.domain.references import fetch, partner_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Forbidden, InvalidInput, Problem, Refused, require_version
from netzwerker.workflow import Transition, Workflow

REFERRAL_WORKFLOW = Workflow(
    key="referral",
    name="Verweisung",
    internal=True,
    states=["sent", "accepted", "first_contact", "closed", "declined", "withdrawn"],
    initial="sent",
    final=["closed", "declined", "withdrawn"],
    transitions=[
        Transition("accept", ["sent"], "accepted", label="Annehmen"),
        Transition(
            "record_first_contact", ["accepted"], "first_contact", label="Erstkontakt melden"
        ),
        Transition("close", ["first_contact"], "closed", label="Abschließen"),
        Transition(
            "decline", ["sent", "accepted"], "declined", requires_reason=True, label="Ablehnen"
        ),
        Transition(
            "withdraw",
            ["sent", "accepted"],
            "withdrawn",
            requires_reason=True,
            label="Zurückziehen",
        ),
    ],
    labels={
        "sent": "gesendet",
        "accepted": "angenommen",
        "first_contact": "Erstkontakt",
        "closed": "abgeschlossen",
        "declined": "abgelehnt",
        "withdrawn": "zurückgezogen",
    },
)

#: When each state was reached.
STAMPS = {
    "accepted": "accepted_at",
    "first_contact": "first_contact_at",
    "closed": "closed_at",
    "declined": "declined_at",
    "withdrawn": "withdrawn_at",
}
#: Moves the receiving partner makes; ``withdraw`` is the referring side's.
RECEIVER_ACTIONS = frozenset({"accept", "record_first_contact", "close", "decline"})
OPEN_STATES = ("sent", "accepted", "first_contact")


@attrs.frozen
class ReferralDraft:
    case_id: int
    from_partner_id: int
    to_partner_id: int
    offer_id: int | None = None
    data_categories: list[DataCategory] = attrs.Factory(lambda: [DataCategory.BASIC])
    message: str = ""


@attrs.frozen
class ReferralMove:
    reason: str = ""
    outcome: str = ""
    version: int | None = None


def send_referral(
    session: Session,
    draft: ReferralDraft,
    *,
    today: date,
    actor: Actor,
    now: datetime | None = None,
    chain_instance_id: int | None = None,
    step: int | None = None,
) -> Referral:
    """Refer a case (``referral.send``: a partner member for its own partner, a case it may
    read); refused without the person's consent for the receiving partner."""
    now = now or utcnow()
    permissions.authorize(actor, permissions.REFERRAL_SEND, partner_id=draft.from_partner_id)
    case = readable_case(session, draft.case_id, actor=actor, today=today)
    problems = [
        *partner_problems(session, draft.from_partner_id, "from_partner_id"),
        *partner_problems(session, draft.to_partner_id, "to_partner_id"),
    ]
    if draft.from_partner_id == draft.to_partner_id:
        problems.append(Problem("to_partner_id", "a partner does not refer to itself"))
    if draft.offer_id is not None:
        offer = session.get(Offer, draft.offer_id)
        if offer is None:
            problems.append(Problem("offer_id", f"no offer {draft.offer_id!r}"))
        elif offer.partner_id != draft.to_partner_id:
            problems.append(Problem("offer_id", "the offer is not the receiving partner's"))
    if problems:
        raise InvalidInput(problems)
    if case.closed_on is not None:
        raise Refused(f"case {case.pseudonym} is closed")
    categories = sorted({DataCategory.BASIC, *draft.data_categories})
    consent = require_consent(
        session,
        case.id,
        draft.to_partner_id,
        categories,
        today,
        "referral",
    )
    if consent is None:
        # The receiving partner holds the case already: nothing to transfer, nothing to refer.
        raise Refused("the receiving partner works on this case already")
    referral = Referral(
        case_id=case.id,
        from_partner_id=draft.from_partner_id,
        to_partner_id=draft.to_partner_id,
        offer_id=draft.offer_id,
        chain_instance_id=chain_instance_id,
        step=step,
        consent_id=consent.id,
        data_categories=[str(category) for category in categories],
        message=draft.message,
        status=REFERRAL_WORKFLOW.initial,
        sent_at=now,
        sent_by=actor.username,
    )
    session.add(referral)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="referral.send",
        object_type="referral",
        object_id=referral.id,
        changes={"case_id": case.id, "to_partner_id": draft.to_partner_id},
    )
    emit(session, "referral_changed", referral=referral, action="send")
    notices.referral_changed(session, referral, "send")
    return referral


def get_referral(
    session: Session, referral_id: int, expected_version: int | None = None
) -> Referral:
    return fetch(session, Referral, referral_id, "referral", expected_version)


def readable_referral(session: Session, referral_id: int, *, actor: Actor) -> Referral:
    """A referral the actor may read (``referral.read``: a partner member one its partner
    sent or received)."""
    referral = get_referral(session, referral_id)
    partner = permissions.own_partner(actor, permissions.REFERRAL_READ)
    if partner is not None and partner not in (referral.from_partner_id, referral.to_partner_id):
        raise Forbidden(f"referral {referral_id} does not concern your partner")
    return referral


def step_permission(action: str) -> permissions.Permission:
    """The receiving partner takes a referral's steps; the referring one withdraws it."""
    if action in RECEIVER_ACTIONS:
        return permissions.REFERRAL_RECEIVE
    return permissions.REFERRAL_WITHDRAW


def side_partner(referral: Referral, action: str) -> int:
    """The partner whose step ``action`` is."""
    return referral.to_partner_id if action in RECEIVER_ACTIONS else referral.from_partner_id


def referral_actions(actor: Actor, referral: Referral) -> list[Transition]:
    """The steps the actor may take on a referral now."""
    return [
        transition
        for transition in REFERRAL_WORKFLOW.allowed(referral.status)
        if step_permission(transition.name).allows(
            actor, partner_id=side_partner(referral, transition.name)
        )
    ]


def move_referral(
    session: Session,
    referral_id: int,
    action: str,
    request: ReferralMove,
    *,
    today: date,
    actor: Actor,
    now: datetime | None = None,
) -> Referral:
    """Accept, record the first contact, close, decline or withdraw a referral
    (``referral.receive``, ``referral.withdraw``: each side its own steps). Accepting checks
    the consent again: it may have been revoked since the referral was sent."""
    now = now or utcnow()
    referral = readable_referral(session, referral_id, actor=actor)
    side = step_permission(action)
    permissions.authorize(actor, side, partner_id=side_partner(referral, action))
    require_version("referral", referral_id, referral.version, request.version)
    target = REFERRAL_WORKFLOW.apply(referral.status, action, reason=request.reason)
    if action == "accept":
        require_consent(
            session,
            referral.case_id,
            referral.to_partner_id,
            referral.data_categories,
            today,
            "referral",
        )
    referral.status = target
    setattr(referral, STAMPS[target], now)
    if request.reason.strip():
        referral.reason = request.reason.strip()
    if request.outcome.strip():
        referral.outcome = request.outcome.strip()[:300]
    record(
        session,
        actor=actor.username,
        action=f"referral.{action}",
        object_type="referral",
        object_id=referral_id,
        changes={"status": target, "reason": referral.reason} if request.reason else None,
    )
    flush_or_conflict(session, f"referral {referral_id}")
    emit(session, "referral_changed", referral=referral, action=action)
    notices.referral_changed(session, referral, action)
    return referral


@attrs.frozen
class ReferralFilter:
    case_id: int | None = None
    from_partner_id: int | None = None
    to_partner_id: int | None = None
    partner_id: int | None = None
    status: Sequence[str] = ()
    chain_instance_id: int | None = None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        for column, value in (
            (Referral.case_id, self.case_id),
            (Referral.from_partner_id, self.from_partner_id),
            (Referral.to_partner_id, self.to_partner_id),
            (Referral.chain_instance_id, self.chain_instance_id),
        ):
            if value is not None:
                clauses.append(col(column) == value)
        if self.partner_id is not None:
            clauses.append(involving(self.partner_id))
        if self.status:
            clauses.append(Referral.status.in_(self.status))  # type: ignore[attr-defined]
        return clauses


def involving(partner_id: int) -> sa.ColumnElement[bool]:
    """Referrals a partner sent or received."""
    return sa.or_(
        col(Referral.from_partner_id) == partner_id, col(Referral.to_partner_id) == partner_id
    )


def find_referrals(
    session: Session,
    referral_filter: ReferralFilter,
    *,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
    oldest_first: bool = False,
) -> tuple[list[Referral], int]:
    """A page of the referrals the actor may read (``referral.read``), newest first (or,
    for a list of what waits, the longest waiting first), and how many match."""
    clauses = referral_filter.clauses()
    partner = permissions.own_partner(actor, permissions.REFERRAL_READ)
    if partner is not None:
        clauses.append(involving(partner))
    order = [col(Referral.sent_at), col(Referral.id)]
    return page_of(
        session,
        Referral,
        clauses,
        order if oldest_first else [column.desc() for column in order],
        limit=limit,
        offset=offset,
    )
