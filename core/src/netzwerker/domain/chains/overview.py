"""Service chains as their pages show them: the list with how binding each chain is, and a
chain with its steps, the partners' agreements, the people on it and its report."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.domain.cases.models import Case, Referral
from netzwerker.domain.cases.services import CaseFilter, find_cases
from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.chains.models import (
    ChainAgreement,
    ChainInstance,
    ChainStep,
    ServiceChain,
)
from netzwerker.domain.chains.services import (
    EDITABLE,
    StepFigures,
    agreements_of,
    awaiting,
    chain_report,
    find_chains,
    get_chain,
    instances_of,
    steps_of,
)
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.references import names, partner_choices
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor

#: How many cases the start form offers (the newest first).
OFFERED_CASES = 500


@attrs.frozen
class ChainLine:
    chain: ServiceChain
    steps: list[ChainStep]
    #: The step partners that have not agreed yet: the chain is binding when none are left.
    awaiting: list[int]
    #: How many people are on the chain now.
    active: int


@attrs.frozen
class ChainList:
    lines: list[ChainLine]
    total: int
    #: The step partners' names by id.
    partner_names: dict[int, str]


def chain_list(
    session: Session, *, working_field: str | None = None, limit: int = 200, offset: int = 0
) -> ChainList:
    """The chains by name with their steps, missing agreements and people on them."""
    chains, total = find_chains(session, working_field=working_field, limit=limit, offset=offset)
    ids = [chain.id for chain in chains]
    steps = steps_of(session, ids)
    agreements = agreements_of(session, ids)
    active = dict(
        session.execute(
            sa.select(col(ChainInstance.chain_id), sa.func.count())
            .where(col(ChainInstance.chain_id).in_(ids), col(ChainInstance.status) == "active")
            .group_by(col(ChainInstance.chain_id))
        ).all()
    )
    partner_ids = {step.partner_id for found in steps.values() for step in found}
    return ChainList(
        lines=[
            ChainLine(
                chain,
                steps[chain.id],
                awaiting(steps[chain.id], agreements[chain.id]),
                active.get(chain.id, 0),
            )
            for chain in chains
        ],
        total=total,
        partner_names=names(session, Partner, partner_ids),
    )


@attrs.frozen
class InstanceLine:
    instance: ChainInstance
    pseudonym: str
    #: The status of the referral to its current step (``None`` before the first one).
    referral_status: str | None
    referral_id: int | None


@attrs.frozen
class ChainRecord:
    chain: ServiceChain
    steps: list[ChainStep]
    agreements: dict[int, ChainAgreement]
    awaiting: list[int]
    partner_names: dict[int, str]
    offer_titles: dict[int, str]
    report: list[StepFigures]
    #: The people on the chain, for readers with ``chain.people``; else empty.
    instances: list[InstanceLine]
    #: The cases the start form offers: ``(id, pseudonym)``, and the partners that refer.
    cases: list[tuple[int, str]]
    partners: list[tuple[int, str]]
    may_see_people: bool
    may_build: bool
    may_agree: bool
    may_move: bool


def chain_record(session: Session, chain_id: int, *, actor: Actor, today: date) -> ChainRecord:
    chain = get_chain(session, chain_id)
    steps = steps_of(session, [chain_id])[chain_id]
    agreements = agreements_of(session, [chain_id])[chain_id]
    may_see_people = permissions.allows(actor, permissions.CHAIN_READ_PEOPLE)
    may_move = permissions.allows(actor, permissions.CHAIN_MOVE)
    instances = instances_of(session, chain_id, actor=actor) if may_see_people else []
    cases: list[tuple[int, str]] = []
    if may_move:
        found, _ = find_cases(session, CaseFilter(), actor=actor, limit=OFFERED_CASES)
        cases = sorted(((case.id, case.pseudonym) for case in found), key=lambda c: c[1])
    return ChainRecord(
        chain=chain,
        steps=steps,
        agreements={agreement.partner_id: agreement for agreement in agreements},
        awaiting=awaiting(steps, agreements),
        partner_names=names(session, Partner, {step.partner_id for step in steps}),
        offer_titles={
            offer.id: offer.title
            for offer in session.exec(
                select(Offer).where(
                    col(Offer.id).in_([step.offer_id for step in steps if step.offer_id])
                )
            )
        },
        report=chain_report(session, chain_id, today=today),
        instances=_instance_lines(session, instances),
        cases=cases,
        partners=partner_choices(session) if may_move else [],
        may_see_people=may_see_people,
        may_build=permissions.allows(actor, permissions.CHAIN_BUILD),
        may_agree=permissions.allows(actor, permissions.CHAIN_AGREE),
        may_move=may_move,
    )


def _instance_lines(session: Session, instances: list[ChainInstance]) -> list[InstanceLine]:
    """Each instance with its case's pseudonym and its latest referral: two queries."""
    ids = [instance.id for instance in instances]
    pseudonyms = dict(
        session.execute(
            sa.select(col(Case.id), col(Case.pseudonym)).where(
                col(Case.id).in_({instance.case_id for instance in instances})
            )
        ).all()
    )
    latest: dict[int, Referral] = {}
    for referral in session.exec(
        select(Referral).where(col(Referral.chain_instance_id).in_(ids)).order_by(col(Referral.id))
    ):
        latest[referral.chain_instance_id] = referral  # type: ignore[index]
    return [
        InstanceLine(
            instance,
            pseudonyms.get(instance.case_id, "–"),
            latest[instance.id].status if instance.id in latest else None,
            latest[instance.id].id if instance.id in latest else None,
        )
        for instance in instances
    ]


def chain_values(session: Session, chain_id: int, *, actor: Actor) -> tuple[ServiceChain, Any]:
    """A chain and its changeable values with its steps, for its form (``chain.build``)."""
    permissions.authorize(actor, permissions.CHAIN_BUILD)
    chain = get_chain(session, chain_id)
    values = {key: getattr(chain, key) for key in EDITABLE if key != "steps"}
    values["steps"] = steps_of(session, [chain_id])[chain_id]
    return chain, values
