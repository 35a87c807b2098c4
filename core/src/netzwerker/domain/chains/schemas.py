"""What the API of chains takes and answers: its request and response classes, and how
its records become answers."""

from __future__ import annotations

from datetime import date, datetime

import attrs
from sqlmodel import Session

from netzwerker.domain.chains.models import ServiceChain
from netzwerker.domain.chains.services import (
    Handover,
    StepFigures,
    agreements_of,
    awaiting,
    steps_of,
)
from netzwerker.http.answers import Answer


@attrs.frozen
class StepOut(Answer):
    position: int
    title: str
    partner_id: int
    offer_id: int | None
    legal_domain: str
    handover_criteria: str
    max_wait_days: int | None


@attrs.frozen
class AgreementOut(Answer):
    partner_id: int
    agreed_on: date
    agreed_by: str
    recorded_by: str


@attrs.frozen
class ChainOut(Answer):
    id: int
    key: str
    name: str
    target_group: str
    working_field: str | None
    description: str
    active: bool
    steps: list[StepOut]
    agreements: list[AgreementOut]
    agreed: bool
    awaiting_agreement: list[int]
    version: int


@attrs.frozen
class InstanceOut(Answer):
    id: int
    chain_id: int
    case_id: int
    step: int
    status: str
    started_at: datetime
    ended_at: datetime | None
    reason: str
    version: int


@attrs.frozen
class InstanceRequest(Handover):
    """Hand on to the next step, or leave the chain (``reason``)."""

    reason: str = ""
    version: int | None = None


@attrs.frozen
class ChainReportOut:
    chain_id: int
    steps: list[StepFigures]


def chain_answers(session: Session, chains: list[ServiceChain]) -> list[ChainOut]:
    ids = [chain.id for chain in chains]
    steps = steps_of(session, ids)
    agreements = agreements_of(session, ids)
    answers = []
    for chain in chains:
        missing = awaiting(steps[chain.id], agreements[chain.id])
        answers.append(
            ChainOut.of(
                chain,
                steps=[StepOut.of(step) for step in steps[chain.id]],
                agreements=[AgreementOut.of(a) for a in agreements[chain.id]],
                agreed=not missing,
                awaiting_agreement=missing,
            )
        )
    return answers
