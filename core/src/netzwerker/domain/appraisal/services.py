"""Appraisal: how good the offers are, which proposed measures come first, and what the
offers cost.

Magdeburg's social-region plan asks for a scheme to rate the quality of the services
(Systematik zur Qualitätsbewertung), for the money and staff spent per offer and provider
(Mittel- und Ressourceneinsatz), and for priorities among the measures the providers propose
(Prioritätensetzung). The deployment names the criteria and their weights in
``[appraisal.quality]`` and ``[appraisal.priorities]``; one rating model and one weighted score
serve both. Proposed measures are projects still at ``idea`` or ``concept``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.config import RatingScheme
from netzwerker.deployment import Deployment
from netzwerker.domain.appraisal.models import OfferResource, Rating
from netzwerker.domain.audit.services import record
from netzwerker.domain.catalogue.models import Offer
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.projects.models import Project, ProjectPartner
from netzwerker.domain.projects.services import project_state
from netzwerker.domain.references import fetch, partner_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.errors import InvalidInput, Problem, Refused
from netzwerker.validators import not_negative

#: The lifecycle states of a project that is still a proposed measure.
PROPOSED = ("idea", "concept")


class Subject(StrEnum):
    OFFER = "offer"  # rated for quality
    PROJECT = "project"  # a proposed measure, rated for priority


#: The scheme each subject is rated by, as ``[appraisal.<name>]`` names it.
SCHEMES = {Subject.OFFER: "quality", Subject.PROJECT: "priorities"}


@attrs.frozen
class RatingDraft:
    criterion: str
    score: int
    rated_on: date | None = None
    note: str = ""


@attrs.frozen
class ResourceDraft:
    """What a provider (by default the offer's own partner) spends on an offer in a year."""

    offer_id: int
    year: int
    partner_id: int | None = None
    money: Decimal = attrs.field(default=Decimal(0), validator=not_negative)
    staff_hours: Decimal = attrs.field(default=Decimal(0), validator=not_negative)
    source: str = ""
    note: str = ""


@attrs.frozen
class Appraisal:
    """A subject's latest score per criterion and their weighted mean (None: not rated)."""

    id: int
    title: str
    partner: str
    scores: dict[str, int]
    score: float | None
    complete: bool
    rank: int | None = None
    state: str = ""
    capacity: int | None = None
    money: Decimal = Decimal(0)
    staff_hours: Decimal = Decimal(0)

    @property
    def money_per_place(self) -> Decimal | None:
        """What one place of the offer costs in the year (money over capacity)."""
        if not self.capacity or not self.money:
            return None
        return (self.money / self.capacity).quantize(Decimal("0.01"))


@attrs.frozen
class ResourceSum:
    """Resources summed by offer or by provider."""

    id: int
    name: str
    money: Decimal
    staff_hours: Decimal
    offers: int


def scheme_of(deployment: Deployment, subject: Subject) -> RatingScheme:
    scheme = getattr(deployment.config.appraisal, SCHEMES[subject])
    if scheme is None:
        raise Refused(f"no rating scheme: set [appraisal.{SCHEMES[subject]}] in deployment.toml")
    return scheme


def _subject_model(subject: Subject) -> type:
    return Offer if subject is Subject.OFFER else Project


def rate(
    session: Session,
    deployment: Deployment,
    subject: Subject,
    subject_id: int,
    ratings: Sequence[RatingDraft],
    *,
    today: date,
    actor: Actor,
) -> list[Rating]:
    """Record scores of an offer or a proposed measure; a criterion rated again on the same
    day replaces that day's score."""
    permissions.authorize(actor, permissions.APPRAISAL_RATE)
    scheme = scheme_of(deployment, subject)
    rated: Any = fetch(session, _subject_model(subject), subject_id, subject.value)
    if subject is Subject.PROJECT:
        state = project_state(session, rated)
        if state not in PROPOSED:
            raise Refused(f"project {subject_id} is {state}, no longer a proposed measure")
    criteria = {criterion.key for criterion in scheme.criteria}
    problems = []
    for index, rating in enumerate(ratings):
        if rating.criterion not in criteria:
            known = ", ".join(sorted(criteria))
            problems.append(Problem(f"[{index}].criterion", f"not a criterion (one of {known})"))
        if not 1 <= rating.score <= scheme.scale:
            problems.append(Problem(f"[{index}].score", f"must be 1 to {scheme.scale}"))
    if not ratings:
        problems.append(Problem("", "rate at least one criterion"))
    if problems:
        raise InvalidInput(problems)
    saved = []
    for rating in ratings:
        rated_on = rating.rated_on or today
        row = session.scalar(
            sa.select(Rating).where(
                col(Rating.subject) == subject.value,
                col(Rating.subject_id) == subject_id,
                col(Rating.criterion) == rating.criterion,
                col(Rating.rated_on) == rated_on,
            )
        ) or Rating(
            subject=subject.value,
            subject_id=subject_id,
            criterion=rating.criterion,
            rated_on=rated_on,
            score=rating.score,
            rated_by=actor.username,
        )
        row.score, row.note, row.rated_by = rating.score, rating.note, actor.username
        session.add(row)
        saved.append(row)
    session.flush()
    record(
        session,
        actor=actor.username,
        action=f"{subject.value}.rate",
        object_type=subject.value,
        object_id=subject_id,
        changes={rating.criterion: rating.score for rating in ratings},
    )
    return saved


def weighted_score(scheme: RatingScheme, scores: dict[str, int]) -> float | None:
    """The weighted mean of the criteria rated, on the scheme's scale."""
    weights = {criterion.key: criterion.weight for criterion in scheme.criteria}
    rated = [(weights[key], score) for key, score in scores.items() if key in weights]
    total = sum(weight for weight, _ in rated)
    if not total:
        return None
    return round(sum(weight * score for weight, score in rated) / total, 2)


def latest_scores(session: Session, subject: Subject, ids: Sequence[int]) -> dict[int, dict]:
    """Each subject's latest score per criterion, in one query."""
    scores: dict[int, dict[str, int]] = {ident: {} for ident in ids}
    rows = session.execute(
        sa.select(col(Rating.subject_id), col(Rating.criterion), col(Rating.score))
        .where(col(Rating.subject) == subject.value, col(Rating.subject_id).in_(ids))
        .order_by(col(Rating.rated_on), col(Rating.id))
    )
    for subject_id, criterion, score in rows:
        scores[subject_id][criterion] = score  # later rows supersede earlier ones
    return scores


def _ranked(appraisals: list[Appraisal]) -> list[Appraisal]:
    """Best score first; unrated ones last, by title."""
    ordered = sorted(appraisals, key=lambda a: (a.score is None, -(a.score or 0), a.title))
    return [
        attrs.evolve(a, rank=None if a.score is None else place)
        for place, a in enumerate(ordered, start=1)
    ]


def offer_quality(
    session: Session, deployment: Deployment, *, year: int | None = None
) -> list[Appraisal]:
    """The active offers ranked by their weighted quality score, with what was spent on each
    in ``year`` (all years if not given) and the money per place."""
    scheme = scheme_of(deployment, Subject.OFFER)
    offers = session.execute(
        sa.select(col(Offer.id), col(Offer.title), col(Partner.name), col(Offer.capacity))
        .join(Partner, col(Partner.id) == col(Offer.partner_id))
        .where(col(Offer.active))
    ).all()
    scores = latest_scores(session, Subject.OFFER, [row.id for row in offers])
    spent = {row.id: row for row in resources(session, by="offer", year=year)}
    nothing = ResourceSum(0, "", Decimal(0), Decimal(0), 0)
    return _ranked(
        [
            Appraisal(
                id=row.id,
                title=row.title,
                partner=row.name,
                scores=scores[row.id],
                score=weighted_score(scheme, scores[row.id]),
                complete=len(scores[row.id]) == len(scheme.criteria),
                capacity=row.capacity,
                money=spent.get(row.id, nothing).money,
                staff_hours=spent.get(row.id, nothing).staff_hours,
            )
            for row in offers
        ]
    )


def priorities(session: Session, deployment: Deployment) -> list[Appraisal]:
    """The proposed measures (projects at idea or concept) ranked by their weighted score."""
    scheme = scheme_of(deployment, Subject.PROJECT)
    rows = session.execute(
        sa.select(col(Project.id), col(Project.title), col(WorkflowRun.state))
        .join(WorkflowRun, col(WorkflowRun.id) == col(Project.lifecycle_id))
        .where(col(WorkflowRun.state).in_(PROPOSED))
    ).all()
    scores = latest_scores(session, Subject.PROJECT, [row.id for row in rows])
    leads = dict(
        session.execute(
            sa.select(col(ProjectPartner.project_id), col(Partner.name))
            .join(Partner, col(Partner.id) == col(ProjectPartner.partner_id))
            .where(col(ProjectPartner.role) == "lead")
        ).all()
    )
    return _ranked(
        [
            Appraisal(
                id=row.id,
                title=row.title,
                partner=leads.get(row.id, ""),
                scores=scores[row.id],
                score=weighted_score(scheme, scores[row.id]),
                complete=len(scores[row.id]) == len(scheme.criteria),
                state=row.state,
            )
            for row in rows
        ]
    )


def spend(session: Session, draft: ResourceDraft, *, actor: Actor) -> OfferResource:
    """Record what a provider spends on an offer in a year; the same provider, year and
    source again replaces the figures."""
    permissions.authorize(actor, permissions.APPRAISAL_RESOURCES)
    offer = fetch(session, Offer, draft.offer_id, "offer")
    partner_id = draft.partner_id or offer.partner_id
    problems = partner_problems(session, partner_id, "partner_id")
    if not 1990 <= draft.year <= 2100:
        problems.append(Problem("year", f"not a year: {draft.year}"))
    if problems:
        raise InvalidInput(problems)
    row = session.scalar(
        sa.select(OfferResource).where(
            col(OfferResource.offer_id) == offer.id,
            col(OfferResource.partner_id) == partner_id,
            col(OfferResource.year) == draft.year,
            col(OfferResource.source) == draft.source,
        )
    ) or OfferResource(
        offer_id=offer.id,
        partner_id=partner_id,
        year=draft.year,
        source=draft.source,
        recorded_by=actor.username,
    )
    row.money, row.staff_hours, row.note = draft.money, draft.staff_hours, draft.note
    row.recorded_by = actor.username
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="offer.resources",
        object_type="offer",
        object_id=offer.id,
        changes={"year": draft.year, "money": str(draft.money), "hours": str(draft.staff_hours)},
    )
    return row


def resources(session: Session, *, by: str = "offer", year: int | None = None) -> list[ResourceSum]:
    """Money and staff hours per offer or per provider (``by="partner"``), largest first."""
    if by not in ("offer", "partner"):
        raise InvalidInput([Problem("by", "one of offer, partner")])
    key: Any
    name: Any
    join: tuple[Any, sa.ColumnElement[bool]]
    if by == "offer":
        key, name = col(Offer.id), col(Offer.title)
        join = (Offer, col(Offer.id) == col(OfferResource.offer_id))
    else:
        key, name = col(Partner.id), col(Partner.name)
        join = (Partner, col(Partner.id) == col(OfferResource.partner_id))
    query = (
        sa.select(
            key,
            name,
            sa.func.sum(col(OfferResource.money)),
            sa.func.sum(col(OfferResource.staff_hours)),
            sa.func.count(sa.distinct(col(OfferResource.offer_id))),
        )
        .join(*join)
        .group_by(key, name)
    )
    if year is not None:
        query = query.where(col(OfferResource.year) == year)
    sums = [
        ResourceSum(ident, label, Decimal(money or 0), Decimal(hours or 0), offers)
        for ident, label, money, hours, offers in session.execute(query)
    ]
    return sorted(sums, key=lambda item: (-item.money, -item.staff_hours, item.name))
