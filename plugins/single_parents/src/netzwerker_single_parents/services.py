"""Households in coaching, the coaches' caseloads, sponsorships and barriers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import midday
from netzwerker.deployment import Deployment
from netzwerker.domain.audit.services import record
from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import Case
from netzwerker.domain.partners.models import Person
from netzwerker.domain.users.permissions import MANAGERS, STAFF, Actor, Permission, authorize
from netzwerker.domain.workflows.services import RunDraft, start_run
from netzwerker.errors import InvalidInput, NotFound, Problem, Refused
from netzwerker.validators import not_negative
from netzwerker_single_parents.models import Barrier, Household, Sponsorship
from netzwerker_single_parents.settings import OverLimit, SingleParentsSettings
from netzwerker_single_parents.workflows import COACHING


class BarrierKind(StrEnum):
    CHILDCARE = "childcare"
    TRANSPORT = "transport"
    LANGUAGE = "language"
    HEALTH = "health"
    HOUSING = "housing"
    DEBT = "debt"
    DIGITAL = "digital"
    ADMINISTRATION = "administration"
    OTHER = "other"


@attrs.frozen
class HouseholdDraft:
    """A household taken into coaching: a reference (never a name) and its coach;
    ``started_on`` is the first day of coaching (today if not given)."""

    reference: str
    coach_person_id: int
    town: str = ""
    children: int = attrs.field(default=1, validator=not_negative)
    youngest_child_age: int | None = attrs.field(default=None, validator=not_negative)
    started_on: date | None = None


@attrs.frozen
class SponsorshipDraft:
    sponsor: str
    started_on: date
    focus: str = ""
    ended_on: date | None = None


@attrs.frozen
class BarrierDraft:
    kind: BarrierKind
    noted_on: date
    step: str = ""
    note: str = ""


@attrs.frozen
class Caseload:
    coach_person_id: int
    coach: str
    households: int
    limit: int

    @property
    def over(self) -> bool:
        return self.households > self.limit


#: The coaching records are for the jobcenter's own people (coordinators are the coaches'
#: colleagues, viewers read), not for other partners.
SEE_COACHING = Permission("single_parents.read", "see households, caseloads and barriers", STAFF)
KEEP_COACHING = Permission(
    "single_parents.keep",
    "take households into coaching and record their sponsorships, barriers and exits",
    MANAGERS,
)


def settings_of(deployment: Deployment) -> SingleParentsSettings:
    return deployment.plugin_settings("single_parents") or SingleParentsSettings()


def caseloads(session: Session, deployment: Deployment, *, actor: Actor) -> list[Caseload]:
    """The coaches' open cases, from the core's caseloads, against the plugin's limit."""
    authorize(actor, SEE_COACHING)
    limit = settings_of(deployment).max_households_per_coach
    loads = cases.caseloads(session, role=cases.WorkerRole.COACH)
    return sorted(
        (Caseload(load.person_id, load.name, load.open_cases, limit) for load in loads),
        key=lambda load: load.coach,
    )


def add_household(
    session: Session, deployment: Deployment, draft: HouseholdDraft, *, actor: Actor
) -> Household:
    """Take a household into coaching; a coach at the caseload limit is refused or flagged."""
    authorize(actor, KEEP_COACHING)
    settings = settings_of(deployment)
    problems = []
    if not draft.reference.strip():
        problems.append(Problem("reference", "must not be empty"))
    elif session.scalar(select(Case.id).where(Case.pseudonym == draft.reference)):
        problems.append(Problem("reference", f"a household {draft.reference!r} exists already"))
    if session.get(Person, draft.coach_person_id) is None:
        problems.append(Problem("coach_person_id", f"no person {draft.coach_person_id!r}"))
    if problems:
        raise InvalidInput(problems)
    households = cases.open_cases_of(session, draft.coach_person_id, cases.WorkerRole.COACH)
    over = households >= settings.max_households_per_coach
    if over and settings.over_limit is OverLimit.REFUSE:
        raise Refused(
            f"coach {draft.coach_person_id} already coaches {households} households "
            f"(limit {settings.max_households_per_coach}); choose another coach"
        )
    started_on = draft.started_on or deployment.today()
    coaching = start_run(
        session,
        deployment,
        COACHING,
        RunDraft(subject=draft.reference, person_id=draft.coach_person_id),
        actor=actor,
        # A household recorded after the fact started at noon of its day; else it starts now.
        now=midday(draft.started_on, deployment.config.deployment.timezone)
        if draft.started_on
        else None,
    )
    case = cases.create_case(
        session,
        cases.CaseDraft(
            working_field="single_parents",
            target_groups=["Alleinerziehende"],
            pseudonym=draft.reference,
            kind=cases.CaseKind.HOUSEHOLD,
            opened_on=started_on,
            workers=[cases.WorkerDraft(draft.coach_person_id, cases.WorkerRole.COACH, started_on)],
        ),
        today=started_on,
        actor=actor,
    )
    household = Household(
        case_id=case.id,
        reference=draft.reference,
        town=draft.town,
        children=draft.children,
        youngest_child_age=draft.youngest_child_age,
        coach_person_id=draft.coach_person_id,
        coaching_id=coaching.id,
        over_caseload=over,
    )
    session.add(household)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="single_parents.household.create",
        object_type="single_parents_household",
        object_id=household.id,
        changes={"over_caseload": over},
    )
    return household


def get_household(session: Session, household_id: int) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound("household", household_id)
    return household


def households(
    session: Session, *, actor: Actor, coach_person_id: int | None = None
) -> list[Household]:
    authorize(actor, SEE_COACHING)
    query = select(Household).order_by(Household.reference)
    if coach_person_id is not None:
        query = query.where(Household.coach_person_id == coach_person_id)
    return list(session.exec(query))


def add_sponsorship(
    session: Session, household_id: int, draft: SponsorshipDraft, *, actor: Actor
) -> Sponsorship:
    authorize(actor, KEEP_COACHING)
    get_household(session, household_id)
    if not draft.sponsor.strip():
        raise InvalidInput([Problem("sponsor", "must not be empty")])
    if draft.ended_on is not None and draft.ended_on < draft.started_on:
        raise InvalidInput([Problem("ended_on", "must not be before the start")])
    sponsorship = Sponsorship(household_id=household_id, **attrs.asdict(draft))
    session.add(sponsorship)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="single_parents.sponsorship.create",
        object_type="single_parents_household",
        object_id=household_id,
        changes={"sponsor": sponsorship.sponsor, "started_on": draft.started_on.isoformat()},
    )
    return sponsorship


def end_sponsorship(
    session: Session, sponsorship_id: int, ended_on: date, *, actor: Actor
) -> Sponsorship:
    """A sponsorship ends: the volunteer no longer accompanies the household."""
    authorize(actor, KEEP_COACHING)
    sponsorship = session.get(Sponsorship, sponsorship_id)
    if sponsorship is None:
        raise NotFound("sponsorship", sponsorship_id)
    if sponsorship.ended_on is not None:
        raise Refused(f"sponsorship {sponsorship_id} ended on {sponsorship.ended_on}")
    if ended_on < sponsorship.started_on:
        raise InvalidInput([Problem("ended_on", "must not be before the start")])
    sponsorship.ended_on = ended_on
    session.add(sponsorship)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="single_parents.sponsorship.end",
        object_type="single_parents_household",
        object_id=sponsorship.household_id,
        changes={"sponsor": sponsorship.sponsor, "ended_on": ended_on.isoformat()},
    )
    return sponsorship


def sponsorship_household(session: Session, sponsorship_id: int) -> int:
    """The household a sponsorship belongs to."""
    sponsorship = session.get(Sponsorship, sponsorship_id)
    if sponsorship is None:
        raise NotFound("sponsorship", sponsorship_id)
    return sponsorship.household_id


@attrs.frozen
class HouseholdLine:
    household: Household
    coach: str
    #: Sponsorships running today.
    sponsorships: int


def household_lines(session: Session, *, actor: Actor, today: date) -> list[HouseholdLine]:
    """Every household with its coach and its running sponsorships: three queries."""
    found = households(session, actor=actor)
    coaches = dict(
        session.execute(
            select(col(Person.id), col(Person.name)).where(
                col(Person.id).in_({household.coach_person_id for household in found})
            )
        ).all()
    )
    running = dict(
        session.execute(
            select(col(Sponsorship.household_id), sa.func.count(col(Sponsorship.id)))
            .where(
                col(Sponsorship.started_on) <= today,
                sa.or_(col(Sponsorship.ended_on).is_(None), col(Sponsorship.ended_on) >= today),
            )
            .group_by(col(Sponsorship.household_id))
        ).all()
    )
    return [
        HouseholdLine(h, coaches.get(h.coach_person_id, ""), running.get(h.id, 0)) for h in found
    ]


@attrs.frozen
class HouseholdRecord:
    household: Household
    coach: str
    sponsorships: list[Sponsorship]
    barriers: list[Barrier]
    may_keep: bool


def household_record(session: Session, household_id: int, *, actor: Actor) -> HouseholdRecord:
    """A household with its sponsorships (the latest first) and the barriers it met."""
    authorize(actor, SEE_COACHING)
    household = get_household(session, household_id)
    coach = session.get(Person, household.coach_person_id)
    return HouseholdRecord(
        household=household,
        coach=coach.name if coach else "",
        sponsorships=list(
            session.exec(
                select(Sponsorship)
                .where(Sponsorship.household_id == household_id)
                .order_by(col(Sponsorship.started_on).desc())
            )
        ),
        barriers=list(
            session.exec(
                select(Barrier)
                .where(Barrier.household_id == household_id)
                .order_by(col(Barrier.noted_on).desc())
            )
        ),
        may_keep=KEEP_COACHING.allows(actor),
    )


def add_barrier(
    session: Session, household_id: int, draft: BarrierDraft, *, actor: Actor
) -> Barrier:
    authorize(actor, KEEP_COACHING)
    get_household(session, household_id)
    barrier = Barrier(
        household_id=household_id,
        kind=draft.kind.value,
        noted_on=draft.noted_on,
        step=draft.step,
        note=draft.note,
    )
    session.add(barrier)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="single_parents.barrier.create",
        object_type="single_parents_household",
        object_id=household_id,
        changes={"kind": barrier.kind},
    )
    return barrier


def barriers_by_kind(
    session: Session, start: date, end: date, *, actor: Actor
) -> list[tuple[str, int]]:
    authorize(actor, SEE_COACHING)
    rows = session.execute(
        select(col(Barrier.kind), sa.func.count(col(Barrier.id)))
        .where(col(Barrier.noted_on).between(start, end))
        .group_by(col(Barrier.kind))
        .order_by(sa.func.count(col(Barrier.id)).desc(), col(Barrier.kind))
    )
    return [(kind, count) for kind, count in rows]


def leave_benefits(session: Session, household_id: int, on: date, *, actor: Actor) -> Household:
    """The household no longer needs basic income (the goal of the coaching)."""
    authorize(actor, KEEP_COACHING)
    household = get_household(session, household_id)
    household.left_benefits_on = on
    record(
        session,
        actor=actor.username,
        action="single_parents.household.left_benefits",
        object_type="single_parents_household",
        object_id=household_id,
        changes={"on": on.isoformat()},
    )
    session.flush()
    return household
