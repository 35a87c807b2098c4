"""Cases and referrals as their pages show them: the names a list of referrals needs, a
referral with the steps the reader may take, and a case with its coaches, consents and
referrals."""

from __future__ import annotations

from datetime import date

import attrs
from sqlmodel import Session

from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import Case, CaseWorker, Consent, Referral
from netzwerker.domain.cases.referrals import (
    OPEN_STATES,
    ReferralFilter,
    find_referrals,
    readable_referral,
    referral_actions,
)
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import names, partner_choices
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.workflow import Transition


@attrs.frozen
class ReferralNames:
    """The names a list of referrals shows: its partners' and its cases' pseudonyms."""

    partner_names: dict[int, str]
    pseudonyms: dict[int, str]


def referral_names(session: Session, found: list[Referral]) -> ReferralNames:
    partner_ids = {r.from_partner_id for r in found} | {r.to_partner_id for r in found}
    return ReferralNames(
        names(session, Partner, partner_ids),
        cases.pseudonyms_of(session, [r.case_id for r in found]),
    )


@attrs.frozen
class ReferralList:
    referrals: list[Referral]
    total: int
    names: ReferralNames
    #: Whom the list may be filtered by: every active partner, for a reader of all.
    partners: list[tuple[int, str]]
    filter_by_partner: bool


def referral_list(
    session: Session, referral_filter: ReferralFilter, *, actor: Actor, limit: int, offset: int
) -> ReferralList:
    found, total = find_referrals(session, referral_filter, actor=actor, limit=limit, offset=offset)
    every = permissions.own_partner(actor, permissions.REFERRAL_READ) is None
    return ReferralList(
        found,
        total,
        referral_names(session, found),
        partner_choices(session) if every else [],
        filter_by_partner=every,
    )


@attrs.frozen
class OpenReferrals:
    """The start page's referrals: those awaiting a step of the reader's partner (or, for
    staff, of any partner), the longest waiting first, and those its partner sent that are
    still open; how many of each there are in all."""

    awaiting: list[Referral]
    awaiting_total: int
    sent: list[Referral]
    sent_total: int
    names: ReferralNames
    #: Whether ``awaiting`` is the reader's own partner's (a partner member's start page).
    own: bool


def open_referrals(session: Session, *, actor: Actor, limit: int) -> OpenReferrals | None:
    """What the start page lists of the open referrals, None for a reader of none."""
    if not permissions.allows(actor, permissions.REFERRAL_READ):
        return None
    partner = permissions.own_partner(actor, permissions.REFERRAL_READ)

    def waiting(**sides: int | None) -> tuple[list[Referral], int]:
        return find_referrals(
            session,
            ReferralFilter(status=OPEN_STATES, **sides),
            actor=actor,
            limit=limit,
            oldest_first=True,
        )

    awaiting, awaiting_total = waiting(to_partner_id=partner)
    sent, sent_total = waiting(from_partner_id=partner) if partner is not None else ([], 0)
    return OpenReferrals(
        awaiting,
        awaiting_total,
        sent,
        sent_total,
        referral_names(session, awaiting + sent),
        own=partner is not None,
    )


@attrs.frozen
class ReferralRecord:
    referral: Referral
    names: ReferralNames
    #: The steps the reader may take now.
    actions: list[Transition]


def referral_record(session: Session, referral_id: int, *, actor: Actor) -> ReferralRecord:
    referral = readable_referral(session, referral_id, actor=actor)
    return ReferralRecord(
        referral, referral_names(session, [referral]), referral_actions(actor, referral)
    )


@attrs.frozen
class CaseRecord:
    case: Case
    target_groups: list[str]
    #: Its coaches and scouts, with their names.
    workers: list[tuple[CaseWorker, str]]
    #: Its consents with whether each is valid today, for those who may read them.
    consents: list[tuple[Consent, bool]]
    show_consents: bool
    #: Its referrals the reader may read.
    referrals: list[Referral]
    names: ReferralNames
    #: Every active partner, to refer to.
    partners: list[tuple[int, str]]
    #: Those the reader may refer from: every partner, or its own.
    senders: list[tuple[int, str]]
    #: The reader's own partner, which refers by default.
    own_partner: int | None
    may_refer: bool
    may_manage: bool
    #: Whether the reader may assign and release coaches and scouts.
    may_assign: bool


def case_record(session: Session, case_id: int, *, actor: Actor, today: date) -> CaseRecord:
    case = cases.readable_case(session, case_id, actor=actor, today=today)
    workers = cases.workers_of(session, [case_id])[case_id]
    people = names(session, Person, [worker.person_id for worker in workers])
    show_consents = permissions.allows(actor, permissions.CONSENT_READ)
    consents = cases.consents_of(session, case_id, actor=actor) if show_consents else []
    referrals, _ = find_referrals(session, ReferralFilter(case_id=case_id), actor=actor, limit=200)
    found = referral_names(session, referrals)
    found.partner_names.update(names(session, Partner, [c.partner_id for c in consents]))
    partners = partner_choices(session)
    may_refer = permissions.allows(actor, permissions.REFERRAL_SEND)
    own = permissions.own_partner(actor, permissions.REFERRAL_SEND) if may_refer else None
    return CaseRecord(
        case=case,
        target_groups=cases.target_groups_of(session, [case_id])[case_id],
        workers=[(worker, people.get(worker.person_id, "")) for worker in workers],
        consents=[(consent, cases.consent_is_valid(consent, today)) for consent in consents],
        show_consents=show_consents,
        referrals=referrals,
        names=found,
        partners=partners,
        senders=[p for p in partners if own is None or p[0] == own],
        own_partner=own,
        may_refer=may_refer and case.closed_on is None,
        may_manage=permissions.allows(actor, permissions.CASE_CHANGE),
        may_assign=permissions.allows(actor, permissions.CASE_ASSIGN) and case.closed_on is None,
    )
