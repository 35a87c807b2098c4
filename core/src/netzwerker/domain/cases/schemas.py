"""What the API of cases takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
from sqlmodel import Session

from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import Case, Consent, Referral
from netzwerker.domain.cases.referrals import (
    REFERRAL_WORKFLOW,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class WorkerOut(Answer):
    id: int
    person_id: int
    role: str
    since: date
    until: date | None


@attrs.frozen
class CaseOut(Answer):
    id: int
    pseudonym: str
    kind: str
    working_field: str | None
    target_groups: list[str]
    workers: list[WorkerOut]
    opened_on: date
    closed_on: date | None
    note: str
    version: int


@attrs.frozen
class ConsentOut(Answer):
    id: int
    partner_id: int
    categories: list[str]
    purpose: str
    given_on: date
    valid_until: date | None
    revoked_on: date | None
    revoked_reason: str
    recorded_by: str
    recorded_at: datetime
    valid_today: bool
    version: int


@attrs.frozen
class IdentityOut:
    name: str
    birth_date: date | None
    address: str
    phone: str
    email: str
    customer_number: str


@attrs.frozen
class ReferralOut(Answer):
    id: int
    case_id: int
    pseudonym: str
    from_partner_id: int
    to_partner_id: int
    offer_id: int | None
    chain_instance_id: int | None
    step: int | None
    data_categories: list[str]
    message: str
    status: str
    status_label: str
    allowed: list[str]
    reason: str
    outcome: str
    sent_at: datetime
    accepted_at: datetime | None
    first_contact_at: datetime | None
    closed_at: datetime | None
    declined_at: datetime | None
    withdrawn_at: datetime | None
    sent_by: str
    version: int


@attrs.frozen
class Revocation:
    reason: str
    version: int | None = None


@attrs.frozen
class WorkerEnd:
    until: date | None = None


def case_answers(session: Session, found: list[Case]) -> list[CaseOut]:
    ids = [case.id for case in found]
    groups = cases.target_groups_of(session, ids)
    workers = cases.workers_of(session, ids)
    return [
        CaseOut.of(
            case,
            target_groups=groups[case.id],
            workers=[WorkerOut.of(worker) for worker in workers[case.id]],
        )
        for case in found
    ]


def referral_answers(session: Session, found: list[Referral]) -> list[ReferralOut]:
    pseudonyms = cases.pseudonyms_of(session, [r.case_id for r in found])
    return [
        ReferralOut.of(
            referral,
            pseudonym=pseudonyms[referral.case_id],
            status_label=REFERRAL_WORKFLOW.label(referral.status),
            allowed=[t.name for t in REFERRAL_WORKFLOW.allowed(referral.status)],
        )
        for referral in found
    ]


def consent_out(consent: Consent, today: date) -> ConsentOut:
    return ConsentOut.of(consent, valid_today=cases.consent_is_valid(consent, today))


def identity_values(identity: Any) -> dict[str, Any]:
    return {field.name: getattr(identity, field.name) for field in attrs.fields(IdentityOut)}


@attrs.frozen
class CaseloadOut:
    person_id: int
    name: str
    partner_id: int
    role: str
    open_cases: int
