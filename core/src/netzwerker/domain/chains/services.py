"""Service chains: ordered steps across providers and legal domains, the partners'
agreement, and one instance per case that follows the person from step to step.

Each step is entered by a referral to the step's partner, so consent is checked at every
handover and the closed loop of referrals gives the chain its figures: how long people
waited for each step, and where they dropped out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.cases.models import Referral
from netzwerker.domain.cases.referrals import (
    OPEN_STATES,
    ReferralDraft,
    ReferralMove,
    move_referral,
    send_referral,
)
from netzwerker.domain.cases.services import DataCategory, get_case
from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.chains.models import ChainAgreement, ChainInstance, ChainStep, ServiceChain
from netzwerker.domain.partners.models import LegalDomain, Partner
from netzwerker.domain.references import fetch, field_problems, partner_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem, Refused
from netzwerker.measuring import days_between, median_by
from netzwerker.validators import not_blank, not_negative, record_key


class ChainInUse(Refused):
    """People are on the chain: its steps cannot change."""


class ChainNotReady(Refused):
    """The chain is inactive or not yet agreed by every step partner."""


class AlreadyOnChain(Refused):
    """The case is on the chain already."""


class InstanceEnded(Refused):
    """The person completed the chain or left it."""


class StepNotBegun(Refused):
    """The current step's partner has not seen the person yet."""


@attrs.frozen
class StepDraft:
    title: str = attrs.field(validator=not_blank)
    partner_id: int
    legal_domain: LegalDomain
    offer_id: int | None = None
    handover_criteria: str = ""
    max_wait_days: int | None = attrs.field(default=None, validator=not_negative)


@attrs.frozen
class ChainChanges:
    name: str = attrs.field(validator=not_blank)
    target_group: str = attrs.field(validator=not_blank)
    working_field: str | None = None
    description: str = ""
    active: bool = True
    steps: list[StepDraft] = attrs.Factory(list)


@attrs.frozen
class ChainDraft(ChainChanges):
    key: str = attrs.field(kw_only=True, validator=record_key)


EDITABLE = tuple(field.name for field in attrs.fields(ChainChanges))


@attrs.frozen
class AgreementDraft:
    partner_id: int
    agreed_by: str = attrs.field(validator=not_blank)
    agreed_on: date | None = None


@attrs.frozen
class Handover:
    """Who hands the person over and what data goes with them."""

    from_partner_id: int | None = None
    data_categories: list[DataCategory] = attrs.Factory(lambda: [DataCategory.BASIC])
    message: str = ""


@attrs.frozen
class ChainStart(Handover):
    case_id: int = attrs.field(kw_only=True)


@attrs.frozen
class StepFigures:
    """How one step of a chain went: entered, reached (first contact), waiting, dropped."""

    position: int
    title: str
    partner_id: int
    max_wait_days: int | None
    referred: int
    reached: int
    median_wait_days: float | None
    longest_wait_days: float | None
    over_max_wait: int
    waiting: int
    waiting_too_long: int
    declined: int
    dropped_out: int


def _problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    if not values["steps"]:
        problems.append(Problem("steps", "a chain has at least one step"))
    for index, step in enumerate(values["steps"]):
        path = f"steps[{index}]"
        problems.extend(partner_problems(session, step.partner_id, f"{path}.partner_id"))
        if step.offer_id is not None:
            offer = session.get(Offer, step.offer_id)
            if offer is None:
                problems.append(Problem(f"{path}.offer_id", f"no offer {step.offer_id!r}"))
            elif offer.partner_id != step.partner_id:
                problems.append(Problem(f"{path}.offer_id", "the offer is not the step partner's"))
    return problems


def _replace_steps(session: Session, chain: ServiceChain, steps: Sequence[StepDraft]) -> None:
    session.execute(sa.delete(ChainStep).where(col(ChainStep.chain_id) == chain.id))
    session.flush()
    session.add_all(
        ChainStep(
            chain_id=chain.id,
            position=position,
            **{**attrs.asdict(step), "legal_domain": str(step.legal_domain)},
        )
        for position, step in enumerate(steps, 1)
    )


def create_chain(
    session: Session, draft: ChainDraft, *, actor: Actor, now: datetime | None = None
) -> ServiceChain:
    permissions.authorize(actor, permissions.CHAIN_BUILD)
    now = now or utcnow()
    values = attrs.asdict(draft, recurse=False)
    problems = _problems(session, values)
    if session.scalar(select(ServiceChain.id).where(ServiceChain.key == draft.key)) is not None:
        problems.insert(0, Problem("key", f"a service chain {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    chain = ServiceChain(
        **{key: value for key, value in values.items() if key != "steps"},
        created_at=now,
        updated_at=now,
    )
    session.add(chain)
    session.flush()
    _replace_steps(session, chain, draft.steps)
    record(
        session,
        actor=actor.username,
        action="chain.create",
        object_type="chain",
        object_id=chain.id,
    )
    session.flush()
    return chain


def get_chain(session: Session, chain_id: int, expected_version: int | None = None) -> ServiceChain:
    return fetch(session, ServiceChain, chain_id, "service chain", expected_version)


def steps_of(session: Session, chain_ids: Sequence[int]) -> dict[int, list[ChainStep]]:
    found: dict[int, list[ChainStep]] = {chain_id: [] for chain_id in chain_ids}
    if chain_ids:
        for step in session.exec(
            select(ChainStep)
            .where(col(ChainStep.chain_id).in_(chain_ids))
            .order_by(col(ChainStep.chain_id), col(ChainStep.position))
        ):
            found[step.chain_id].append(step)
    return found


def agreements_of(session: Session, chain_ids: Sequence[int]) -> dict[int, list[ChainAgreement]]:
    found: dict[int, list[ChainAgreement]] = {chain_id: [] for chain_id in chain_ids}
    if chain_ids:
        for agreement in session.exec(
            select(ChainAgreement)
            .where(col(ChainAgreement.chain_id).in_(chain_ids))
            .order_by(col(ChainAgreement.chain_id), col(ChainAgreement.agreed_on))
        ):
            found[agreement.chain_id].append(agreement)
    return found


def missing_agreements(session: Session, chain_id: int) -> list[int]:
    """The step partners that have not agreed to the chain (yet)."""
    return awaiting(
        steps_of(session, [chain_id])[chain_id], agreements_of(session, [chain_id])[chain_id]
    )


def awaiting(steps: Sequence[ChainStep], agreements: Sequence[ChainAgreement]) -> list[int]:
    """The partners of ``steps`` without an agreement among ``agreements``, in step order."""
    agreed = {agreement.partner_id for agreement in agreements}
    return [pid for pid in dict.fromkeys(step.partner_id for step in steps) if pid not in agreed]


def update_chain(
    session: Session,
    chain_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> ServiceChain:
    """Change a chain. New steps void the partners' agreements: they agreed to other steps;
    while people are on the chain, its steps stay as they are."""
    permissions.authorize(actor, permissions.CHAIN_BUILD)
    chain = get_chain(session, chain_id, expected_version)
    current: dict[str, Any] = {key: getattr(chain, key) for key in EDITABLE if key != "steps"}
    current["steps"] = [
        StepDraft(
            step.title,
            step.partner_id,
            LegalDomain(step.legal_domain),
            step.offer_id,
            step.handover_criteria,
            step.max_wait_days,
        )
        for step in steps_of(session, [chain_id])[chain_id]
    ]
    values = {**current, **changes}
    problems = _problems(session, values)
    if problems:
        raise InvalidInput(problems)
    if "steps" in changes and values["steps"] != current["steps"]:
        running = session.scalar(
            select(sa.func.count(col(ChainInstance.id))).where(
                col(ChainInstance.chain_id) == chain_id, col(ChainInstance.status) == "active"
            )
        )
        if running:
            raise ChainInUse(f"{running} people are on this chain: its steps cannot change now")
        _replace_steps(session, chain, values["steps"])
        session.execute(sa.delete(ChainAgreement).where(col(ChainAgreement.chain_id) == chain_id))
    for key in EDITABLE:
        if key != "steps":
            setattr(chain, key, values[key])
    chain.updated_at = utcnow()
    record(
        session,
        actor=actor.username,
        action="chain.update",
        object_type="chain",
        object_id=chain_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"service chain {chain_id}")
    return chain


def record_agreement(
    session: Session, chain_id: int, draft: AgreementDraft, *, today: date, actor: Actor
) -> ChainAgreement:
    """A step partner agrees to the chain (again, after its steps changed)."""
    permissions.authorize(actor, permissions.CHAIN_AGREE)
    get_chain(session, chain_id)
    partners = {step.partner_id for step in steps_of(session, [chain_id])[chain_id]}
    if draft.partner_id not in partners:
        raise InvalidInput([Problem("partner_id", "not a partner of any step of this chain")])
    agreed: dict[str, Any] = {
        "agreed_on": draft.agreed_on or today,
        "agreed_by": draft.agreed_by.strip(),
        "recorded_by": actor.username,
        "recorded_at": utcnow(),
    }
    agreement = session.get(ChainAgreement, (chain_id, draft.partner_id))
    if agreement is None:
        agreement = ChainAgreement(chain_id=chain_id, partner_id=draft.partner_id, **agreed)
    for name, value in agreed.items():
        setattr(agreement, name, value)
    session.add(agreement)
    record(
        session,
        actor=actor.username,
        action="chain.agree",
        object_type="chain",
        object_id=chain_id,
        changes={"partner_id": draft.partner_id, "agreed_by": agreement.agreed_by},
    )
    session.flush()
    return agreement


def _step(session: Session, chain_id: int, position: int) -> ChainStep | None:
    return session.exec(
        select(ChainStep).where(ChainStep.chain_id == chain_id, ChainStep.position == position)
    ).first()


def current_referral(session: Session, instance_id: int) -> Referral | None:
    return session.exec(
        select(Referral)
        .where(col(Referral.chain_instance_id) == instance_id)
        .order_by(col(Referral.id).desc())
    ).first()


def _refer_to_step(
    session: Session,
    instance: ChainInstance,
    position: int,
    from_partner_id: int,
    handover: Handover,
    *,
    today: date,
    actor: Actor,
    now: datetime | None = None,
) -> Referral:
    step = _step(session, instance.chain_id, position)
    assert step is not None
    return send_referral(
        session,
        ReferralDraft(
            case_id=instance.case_id,
            from_partner_id=from_partner_id,
            to_partner_id=step.partner_id,
            offer_id=step.offer_id,
            data_categories=handover.data_categories,
            message=handover.message,
        ),
        today=today,
        actor=actor,
        now=now,
        chain_instance_id=instance.id,
        step=position,
    )


def start_instance(
    session: Session,
    chain_id: int,
    start: ChainStart,
    *,
    today: date,
    actor: Actor,
    now: datetime | None = None,
) -> ChainInstance:
    """Put a case on an agreed chain: it is referred to the first step's partner."""
    permissions.authorize(actor, permissions.CHAIN_MOVE)
    now = now or utcnow()
    chain = get_chain(session, chain_id)
    case = get_case(session, start.case_id)
    if start.from_partner_id is None:
        raise InvalidInput([Problem("from_partner_id", "required: who refers the person")])
    if not chain.active:
        raise ChainNotReady(f"service chain {chain.key!r} is inactive")
    missing = missing_agreements(session, chain_id)
    if missing:
        names = session.scalars(select(col(Partner.name)).where(col(Partner.id).in_(missing)))
        raise ChainNotReady(f"not yet agreed by {', '.join(names)}: the chain is not binding yet")
    running = session.scalar(
        select(ChainInstance.id).where(
            ChainInstance.chain_id == chain_id,
            ChainInstance.case_id == case.id,
            ChainInstance.status == "active",
        )
    )
    if running is not None:
        raise AlreadyOnChain(f"case {case.pseudonym} is on this chain already")
    instance = ChainInstance(
        chain_id=chain_id, case_id=case.id, step=1, started_at=now, started_by=actor.username
    )
    session.add(instance)
    session.flush()
    _refer_to_step(
        session, instance, 1, start.from_partner_id, start, today=today, actor=actor, now=now
    )
    return instance


def get_instance(
    session: Session, instance_id: int, expected_version: int | None = None
) -> ChainInstance:
    return fetch(session, ChainInstance, instance_id, "chain instance", expected_version)


def readable_instance(session: Session, instance_id: int, *, actor: Actor) -> ChainInstance:
    """A person's way along a chain (``chain.people``)."""
    permissions.authorize(actor, permissions.CHAIN_READ_PEOPLE)
    return get_instance(session, instance_id)


def advance_instance(
    session: Session,
    instance_id: int,
    handover: Handover,
    *,
    today: date,
    actor: Actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> ChainInstance:
    """Hand the person on to the next step, once the current step's partner has seen them;
    after the last step the instance is completed."""
    permissions.authorize(actor, permissions.CHAIN_MOVE)
    now = now or utcnow()
    instance = get_instance(session, instance_id, expected_version)
    if instance.status != "active":
        raise InstanceEnded(f"chain instance {instance_id} is {instance.status}")
    referral = current_referral(session, instance_id)
    if referral is None or referral.status not in ("first_contact", "closed"):
        state = referral.status if referral else "none"
        raise StepNotBegun(
            f"step {instance.step} has not begun (referral {state}): "
            "the person moves on after the first contact"
        )
    if referral.status == "first_contact":
        move_referral(
            session,
            referral.id,
            "close",
            ReferralMove(outcome=f"weiter zu Schritt {instance.step + 1}"),
            today=today,
            actor=actor,
            now=now,
        )
    next_step = _step(session, instance.chain_id, instance.step + 1)
    if next_step is None:
        instance.status = "completed"
        instance.ended_at = now
    else:
        _refer_to_step(
            session,
            instance,
            next_step.position,
            handover.from_partner_id or referral.to_partner_id,
            handover,
            today=today,
            actor=actor,
            now=now,
        )
        instance.step = next_step.position
    flush_or_conflict(session, f"chain instance {instance_id}")
    return instance


def drop_out(
    session: Session,
    instance_id: int,
    reason: str,
    *,
    today: date,
    actor: Actor,
    expected_version: int | None = None,
) -> ChainInstance:
    """The person left the chain at its current step; an open referral ends with it."""
    permissions.authorize(actor, permissions.CHAIN_MOVE)
    if not reason.strip():
        raise InvalidInput([Problem("reason", "say why the person left the chain")])
    instance = get_instance(session, instance_id, expected_version)
    if instance.status != "active":
        raise InstanceEnded(f"chain instance {instance_id} is {instance.status}")
    referral = current_referral(session, instance_id)
    if referral is not None and referral.status in OPEN_STATES:
        action = "close" if referral.status == "first_contact" else "withdraw"
        move_referral(
            session,
            referral.id,
            action,
            ReferralMove(reason=reason, outcome="Abbruch"),
            today=today,
            actor=actor,
        )
    instance.status = "dropped_out"
    instance.reason = reason.strip()
    instance.ended_at = utcnow()
    flush_or_conflict(session, f"chain instance {instance_id}")
    return instance


def chain_report(session: Session, chain_id: int, *, today: date) -> list[StepFigures]:
    """Waiting times and drop-outs per step, computed by the database."""
    steps = steps_of(session, [chain_id])[chain_id]
    wait = days_between(Referral.sent_at, Referral.first_contact_at)
    on_chain = Referral.chain_instance_id.in_(  # type: ignore[union-attr]
        select(ChainInstance.id).where(ChainInstance.chain_id == chain_id)
    )
    max_wait = (
        select(ChainStep.max_wait_days)
        .where(ChainStep.chain_id == chain_id, ChainStep.position == Referral.step)
        .scalar_subquery()
    )
    # Those still waiting are judged at the end of ``today``.
    end_of_today = sa.literal(
        datetime.combine(today, time.max, UTC), type_=sa.inspect(Referral).columns.sent_at.type
    )
    counts = {
        row.step: row
        for row in session.execute(
            sa.select(
                col(Referral.step),
                sa.func.count().label("referred"),
                sa.func.count(col(Referral.first_contact_at)).label("reached"),
                sa.func.max(wait).label("longest"),
                sa.func.sum(sa.case((wait > max_wait, 1), else_=0)).label("over_max"),
                sa.func.sum(
                    sa.case((col(Referral.status).in_(("sent", "accepted")), 1), else_=0)
                ).label("waiting"),
                sa.func.sum(
                    sa.case(
                        (
                            sa.and_(
                                col(Referral.status).in_(("sent", "accepted")),
                                days_between(col(Referral.sent_at), end_of_today) > max_wait,
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ).label("waiting_too_long"),
                sa.func.sum(sa.case((col(Referral.status) == "declined", 1), else_=0)).label(
                    "declined"
                ),
            )
            .where(on_chain)
            .group_by(col(Referral.step))
        )
    }
    medians = dict(session.execute(median_by(select(Referral.step, wait).where(on_chain))).all())
    dropped = dict(
        session.execute(
            select(col(ChainInstance.step), sa.func.count())
            .where(
                col(ChainInstance.chain_id) == chain_id, col(ChainInstance.status) == "dropped_out"
            )
            .group_by(col(ChainInstance.step))
        ).all()
    )
    figures = []
    for step in steps:
        row = counts.get(step.position)
        median = medians.get(step.position)
        figures.append(
            StepFigures(
                position=step.position,
                title=step.title,
                partner_id=step.partner_id,
                max_wait_days=step.max_wait_days,
                referred=row.referred if row else 0,
                reached=row.reached if row else 0,
                median_wait_days=None if median is None else round(float(median), 1),
                longest_wait_days=round(float(row.longest), 1) if row and row.longest else None,
                over_max_wait=int(row.over_max or 0) if row else 0,
                waiting=int(row.waiting or 0) if row else 0,
                waiting_too_long=int(row.waiting_too_long or 0) if row else 0,
                declined=int(row.declined or 0) if row else 0,
                dropped_out=dropped.get(step.position, 0),
            )
        )
    return figures


def find_chains(
    session: Session,
    *,
    working_field: str | None = None,
    partner_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ServiceChain], int]:
    clauses: list[sa.ColumnElement[bool]] = []
    if working_field is not None:
        clauses.append(col(ServiceChain.working_field) == working_field)
    if partner_id is not None:
        clauses.append(
            col(ServiceChain.id).in_(
                select(col(ChainStep.chain_id)).where(col(ChainStep.partner_id) == partner_id)
            )
        )
    return page_of(
        session,
        ServiceChain,
        clauses,
        [ServiceChain.name, ServiceChain.id],
        limit=limit,
        offset=offset,
    )


def instances_of(
    session: Session, chain_id: int, *, actor: Actor, status: str | None = None
) -> list[ChainInstance]:
    """The people on a chain (``chain.people``)."""
    permissions.authorize(actor, permissions.CHAIN_READ_PEOPLE)
    get_chain(session, chain_id)
    query = select(ChainInstance).where(ChainInstance.chain_id == chain_id)
    if status is not None:
        query = query.where(ChainInstance.status == status)
    return list(session.exec(query.order_by(col(ChainInstance.id))))
