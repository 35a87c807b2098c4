"""Cases, the coaches and scouts on them, their identifiers kept apart, and consent.

Consent is the gate of every transfer: a referral, a case conference, and a partner's read
of a case all ask :func:`require_consent`, which refuses unless the person consented that
this partner may receive these categories of data on this day, and has not revoked it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import flush_or_conflict, page_of
from netzwerker.domain.audit.services import record
from netzwerker.domain.cases.models import (
    Case,
    CaseIdentity,
    CaseTargetGroup,
    CaseWorker,
    Consent,
    Referral,
)
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.references import fetch, field_problems, partner_problems, person_problems
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, NotFound, Problem, Refused
from netzwerker.validators import not_blank


class CaseKind(StrEnum):
    PERSON = "person"
    HOUSEHOLD = "household"  # Bedarfsgemeinschaft


class WorkerRole(StrEnum):
    COACH = "coach"
    SCOUT = "scout"  # Eingliederungsscout
    CASE_MANAGER = "case_manager"


class DataCategory(StrEnum):
    """What a partner may receive about a case. ``basic``: the pseudonym, target groups and
    what a referral is about; every transfer includes it."""

    BASIC = "basic"
    CONTACT = "contact"
    EMPLOYMENT = "employment"
    HEALTH = "health"
    FINANCES = "finances"
    FAMILY = "family"
    HOUSING = "housing"


class ConsentMissing(Refused):
    """A transfer the person has not consented to (HTTP 409, with the partner and what is
    missing)."""


def _pseudonym(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    if not value.strip() or len(value) > 60 or any(char.isspace() for char in value.strip()):
        raise ValueError("a pseudonym is 1 to 60 characters without spaces, e.g. F-2026-017")


@attrs.frozen
class WorkerDraft:
    person_id: int
    role: WorkerRole = WorkerRole.COACH
    since: date | None = None


@attrs.frozen
class CaseChanges:
    working_field: str | None = None
    target_groups: list[str] = attrs.Factory(list)
    note: str = ""
    closed_on: date | None = None


@attrs.frozen
class CaseDraft(CaseChanges):
    """A new case. ``workers``: the coaches or scouts who take it on."""

    pseudonym: str = attrs.field(kw_only=True, validator=_pseudonym)
    kind: CaseKind = attrs.field(default=CaseKind.PERSON, kw_only=True)
    opened_on: date | None = attrs.field(default=None, kw_only=True)
    workers: list[WorkerDraft] = attrs.field(factory=list, kw_only=True)


EDITABLE = tuple(field.name for field in attrs.fields(CaseChanges))


@attrs.frozen
class IdentityDraft:
    name: str = ""
    birth_date: date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    customer_number: str = ""


@attrs.frozen
class ConsentDraft:
    partner_id: int
    purpose: str = attrs.field(validator=not_blank)
    categories: list[DataCategory] = attrs.Factory(lambda: [DataCategory.BASIC])
    given_on: date | None = None
    valid_until: date | None = None


@attrs.frozen
class Caseload:
    person_id: int
    name: str
    partner_id: int
    role: str
    open_cases: int


def _case_problems(session: Session, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if values["working_field"] is not None:
        problems.extend(field_problems(session, values["working_field"]))
    for index, group in enumerate(values["target_groups"]):
        if not group.strip() or len(group) > 120:
            problems.append(Problem(f"target_groups[{index}]", "must be 1 to 120 characters"))
    return problems


def _replace_target_groups(session: Session, case: Case, groups: Iterable[str]) -> None:
    session.execute(sa.delete(CaseTargetGroup).where(col(CaseTargetGroup.case_id) == case.id))
    session.add_all(
        CaseTargetGroup(case_id=case.id, target_group=group)
        for group in dict.fromkeys(group.strip() for group in groups)
    )


def create_case(
    session: Session, draft: CaseDraft, *, today: date, actor: Actor, now: datetime | None = None
) -> Case:
    permissions.authorize(actor, permissions.CASE_OPEN)
    now = now or utcnow()
    values = attrs.asdict(draft, recurse=False)
    problems = _case_problems(session, values)
    if session.scalar(select(Case.id).where(Case.pseudonym == draft.pseudonym)) is not None:
        problems.insert(0, Problem("pseudonym", f"a case {draft.pseudonym!r} exists already"))
    for index, worker in enumerate(draft.workers):
        problems.extend(person_problems(session, worker.person_id, f"workers[{index}].person_id"))
    if problems:
        raise InvalidInput(problems)
    case = Case(
        pseudonym=draft.pseudonym,
        kind=draft.kind,
        working_field=draft.working_field,
        note=draft.note,
        opened_on=draft.opened_on or today,
        closed_on=draft.closed_on,
        created_by=actor.username,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    _replace_target_groups(session, case, draft.target_groups)
    for worker in draft.workers:
        assign_worker(session, case.id, worker, today=today, actor=actor)
    record(
        session, actor=actor.username, action="case.create", object_type="case", object_id=case.id
    )
    session.flush()
    return case


def get_case(session: Session, case_id: int, expected_version: int | None = None) -> Case:
    return fetch(session, Case, case_id, "case", expected_version)


def update_case(
    session: Session,
    case_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> Case:
    permissions.authorize(actor, permissions.CASE_CHANGE)
    case = get_case(session, case_id, expected_version)
    current = {key: getattr(case, key) for key in EDITABLE if key != "target_groups"}
    current["target_groups"] = target_groups_of(session, [case_id])[case_id]
    values = {**current, **changes}
    problems = _case_problems(session, values)
    if values["closed_on"] is not None and values["closed_on"] < case.opened_on:
        problems.append(Problem("closed_on", "before the case was opened"))
    if problems:
        raise InvalidInput(problems)
    for key in EDITABLE:
        if key != "target_groups":
            setattr(case, key, values[key])
    case.updated_at = utcnow()
    if "target_groups" in changes:
        _replace_target_groups(session, case, values["target_groups"])
    record(
        session,
        actor=actor.username,
        action="case.update",
        object_type="case",
        object_id=case_id,
        changes={"fields": sorted(changes)},
    )
    flush_or_conflict(session, f"case {case_id}")
    return case


def case_values(session: Session, case_id: int, *, actor: Actor) -> tuple[Case, dict[str, Any]]:
    """A case and its changeable values, for its form (``case.change``)."""
    permissions.authorize(actor, permissions.CASE_CHANGE)
    case = get_case(session, case_id)
    values = {key: getattr(case, key) for key in EDITABLE if key != "target_groups"}
    values["target_groups"] = ", ".join(target_groups_of(session, [case_id])[case_id])
    values["version"] = case.version
    return case, values


def pseudonyms_of(session: Session, case_ids: Iterable[int]) -> dict[int, str]:
    """``{case id: pseudonym}``, in one query."""
    wanted = set(case_ids)
    if not wanted:
        return {}
    query = select(col(Case.id), col(Case.pseudonym)).where(col(Case.id).in_(wanted))
    return {case_id: pseudonym for case_id, pseudonym in session.exec(query)}


def target_groups_of(session: Session, case_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for case_id, group in session.execute(
            select(col(CaseTargetGroup.case_id), col(CaseTargetGroup.target_group))
            .where(col(CaseTargetGroup.case_id).in_(case_ids))
            .order_by(col(CaseTargetGroup.case_id), col(CaseTargetGroup.target_group))
        ):
            found[case_id].append(group)
    return found


def workers_of(
    session: Session, case_ids: Sequence[int], *, current_only: bool = False
) -> dict[int, list[CaseWorker]]:
    found: dict[int, list[CaseWorker]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        query = select(CaseWorker).where(CaseWorker.case_id.in_(case_ids))  # type: ignore[attr-defined]
        if current_only:
            query = query.where(CaseWorker.until.is_(None))  # type: ignore[union-attr]
        for worker in session.exec(query.order_by(col(CaseWorker.case_id), col(CaseWorker.id))):
            found[worker.case_id].append(worker)
    return found


def assign_worker(
    session: Session, case_id: int, draft: WorkerDraft, *, today: date, actor: Actor
) -> CaseWorker:
    """A coach or scout takes the case on (once per person and role at a time)."""
    permissions.authorize(actor, permissions.CASE_ASSIGN)
    case = get_case(session, case_id)
    problems = person_problems(session, draft.person_id, "person_id")
    if problems:
        raise InvalidInput(problems)
    if case.closed_on is not None:
        raise Refused(f"case {case.pseudonym} is closed")
    current = session.scalar(
        sa.select(col(CaseWorker.id)).where(
            col(CaseWorker.case_id) == case_id,
            col(CaseWorker.person_id) == draft.person_id,
            col(CaseWorker.role) == draft.role,
            col(CaseWorker.until).is_(None),
        )
    )
    if current is not None:
        raise Refused(f"person {draft.person_id} already works on case {case.pseudonym}")
    worker = CaseWorker(
        case_id=case_id, person_id=draft.person_id, role=draft.role, since=draft.since or today
    )
    session.add(worker)
    record(
        session,
        actor=actor.username,
        action="case.assign",
        object_type="case",
        object_id=case_id,
        changes={"person_id": draft.person_id, "role": str(draft.role)},
    )
    session.flush()
    return worker


def end_assignment(
    session: Session, case_id: int, worker_id: int, *, until: date, actor: Actor
) -> CaseWorker:
    permissions.authorize(actor, permissions.CASE_ASSIGN)
    worker = fetch(session, CaseWorker, worker_id, "case worker")
    if worker.case_id != case_id:
        raise Refused(f"case worker {worker_id} does not work on case {case_id}")
    if worker.until is not None:
        raise Refused(f"case worker {worker_id} left the case on {worker.until}")
    if until < worker.since:
        raise InvalidInput([Problem("until", "before the assignment began")])
    worker.until = until
    record(
        session,
        actor=actor.username,
        action="case.unassign",
        object_type="case",
        object_id=case_id,
        changes={"person_id": worker.person_id, "until": until.isoformat()},
    )
    session.flush()
    return worker


def holders(session: Session, case_id: int) -> set[int]:
    """The partners whose coaches or scouts work on the case now: they hold its data."""
    return set(
        session.scalars(
            select(col(Person.partner_id))
            .join(CaseWorker, col(CaseWorker.person_id) == col(Person.id))
            .where(col(CaseWorker.case_id) == case_id, col(CaseWorker.until).is_(None))
        )
    )


def caseloads(
    session: Session,
    *,
    partner_id: int | None = None,
    person_ids: Sequence[int] | None = None,
    role: str | None = None,
) -> list[Caseload]:
    """Open cases per coach or scout and role, most loaded first."""
    clauses: list[sa.ColumnElement[bool]] = [
        CaseWorker.until.is_(None),  # type: ignore[union-attr]
        Case.closed_on.is_(None),  # type: ignore[union-attr]
    ]
    if partner_id is not None:
        clauses.append(col(Person.partner_id) == partner_id)
    if person_ids is not None:
        clauses.append(col(Person.id).in_(person_ids))
    if role is not None:
        clauses.append(col(CaseWorker.role) == role)
    rows = session.execute(
        sa.select(
            col(Person.id),
            col(Person.name),
            col(Person.partner_id),
            col(CaseWorker.role),
            sa.func.count(sa.distinct(col(CaseWorker.case_id))),
        )
        .join(CaseWorker, col(CaseWorker.person_id) == col(Person.id))
        .join(Case, col(Case.id) == col(CaseWorker.case_id))
        .where(*clauses)
        .group_by(col(Person.id), col(Person.name), col(Person.partner_id), col(CaseWorker.role))
        .order_by(sa.func.count(sa.distinct(col(CaseWorker.case_id))).desc(), col(Person.name))
    )
    return [Caseload(*row) for row in rows]


def open_cases_of(session: Session, person_id: int, role: str | None = None) -> int:
    """How many open cases a person works on now (in ``role``, if given)."""
    return sum(load.open_cases for load in caseloads(session, person_ids=[person_id], role=role))


# Identities -------------------------------------------------------------------------------


def set_identity(
    session: Session,
    case_id: int,
    draft: IdentityDraft,
    *,
    actor: Actor,
    readers: Iterable[str],
) -> None:
    """Keep a case's direct identifiers apart from it, for an identity reader who may also
    change cases (``case.identity`` and ``case.change``)."""
    permissions.authorize(actor, permissions.identity_reading(readers))
    permissions.authorize(actor, permissions.CASE_CHANGE)
    get_case(session, case_id)
    identity = session.get(CaseIdentity, case_id) or CaseIdentity(case_id=case_id)
    touched = []
    for key, value in attrs.asdict(draft).items():
        if getattr(identity, key, None) != value:
            touched.append(key)
        setattr(identity, key, value)
    identity.updated_at = utcnow()
    session.add(identity)
    # Which identifiers changed, never their values: the audit log holds no identities.
    record(
        session,
        actor=actor.username,
        action="identity.write",
        object_type="case",
        object_id=case_id,
        changes={"fields": sorted(touched)},
    )
    session.flush()


def read_identity(
    session: Session, case_id: int, *, actor: Actor, readers: Iterable[str]
) -> CaseIdentity | None:
    """The identifiers of a case, for an identity reader (``case.identity``); the read
    itself is audited."""
    permissions.authorize(actor, permissions.identity_reading(readers))
    get_case(session, case_id)
    record(
        session, actor=actor.username, action="identity.read", object_type="case", object_id=case_id
    )
    return session.get(CaseIdentity, case_id)


# Consent ----------------------------------------------------------------------------------


def give_consent(
    session: Session, case_id: int, draft: ConsentDraft, *, today: date, actor: Actor
) -> Consent:
    permissions.authorize(actor, permissions.CONSENT_RECORD)
    case = get_case(session, case_id)
    given_on = draft.given_on or today
    problems = partner_problems(session, draft.partner_id, "partner_id")
    if draft.valid_until is not None and draft.valid_until < given_on:
        problems.append(Problem("valid_until", f"before the consent was given ({given_on})"))
    if not draft.categories:
        problems.append(Problem("categories", "name at least one category of data"))
    if problems:
        raise InvalidInput(problems)
    if case.closed_on is not None:
        raise Refused(f"case {case.pseudonym} is closed")
    categories = sorted({DataCategory.BASIC, *draft.categories})
    consent = Consent(
        case_id=case_id,
        partner_id=draft.partner_id,
        categories=[str(category) for category in categories],
        purpose=draft.purpose.strip(),
        given_on=given_on,
        valid_until=draft.valid_until,
        recorded_by=actor.username,
    )
    session.add(consent)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="consent.give",
        object_type="case",
        object_id=case_id,
        changes={
            "consent_id": consent.id,
            "partner_id": draft.partner_id,
            "categories": consent.categories,
            "valid_until": draft.valid_until.isoformat() if draft.valid_until else None,
        },
    )
    return consent


def revoke_consent(
    session: Session,
    case_id: int,
    consent_id: int,
    *,
    reason: str,
    today: date,
    actor: Actor,
    expected_version: int | None = None,
) -> Consent:
    permissions.authorize(actor, permissions.CONSENT_RECORD)
    consent = fetch(session, Consent, consent_id, "consent", expected_version)
    if consent.case_id != case_id:
        raise Refused(f"consent {consent_id} is not one of case {case_id}")
    if consent.revoked_on is not None:
        raise Refused(f"consent {consent_id} was revoked on {consent.revoked_on}")
    consent.revoked_on = today
    consent.revoked_reason = reason.strip()
    record(
        session,
        actor=actor.username,
        action="consent.revoke",
        object_type="case",
        object_id=case_id,
        changes={"consent_id": consent_id, "reason": consent.revoked_reason},
    )
    flush_or_conflict(session, f"consent {consent_id}")
    return consent


def consents_of(session: Session, case_id: int, *, actor: Actor) -> list[Consent]:
    """Every consent of a case, the revoked and expired ones too: its history
    (``consent.read``)."""
    permissions.authorize(actor, permissions.CONSENT_READ)
    get_case(session, case_id)
    return list(
        session.exec(
            select(Consent).where(col(Consent.case_id) == case_id).order_by(col(Consent.id))
        )
    )


def consent_is_valid(consent: Consent, on: date) -> bool:
    return (
        consent.given_on <= on
        and (consent.valid_until is None or on <= consent.valid_until)
        and (consent.revoked_on is None or on < consent.revoked_on)
    )


def valid_consent(
    session: Session, case_id: int, partner_id: int, categories: Iterable[str], on: date
) -> Consent | None:
    """A consent that lets ``partner_id`` receive all of ``categories`` on day ``on``."""
    wanted = {str(category) for category in categories}
    for consent in session.exec(
        select(Consent)
        .where(col(Consent.case_id) == case_id, col(Consent.partner_id) == partner_id)
        .order_by(col(Consent.id).desc())
    ):
        if consent_is_valid(consent, on) and wanted <= set(consent.categories):
            return consent
    return None


def require_consent(
    session: Session,
    case_id: int,
    partner_id: int,
    categories: Iterable[str],
    on: date,
    purpose: str,
) -> Consent | None:
    """Refuse the transfer unless ``partner_id`` holds the case or has a valid consent.

    Returns the consent relied on (None for a holder).
    """
    if partner_id in holders(session, case_id):
        return None
    categories = sorted({str(category) for category in categories} | {DataCategory.BASIC})
    consent = valid_consent(session, case_id, partner_id, categories, on)
    if consent is None:
        partner = session.get(Partner, partner_id)
        name = partner.name if partner else partner_id
        case = get_case(session, case_id)
        raise ConsentMissing(
            f"no valid consent of case {case.pseudonym} lets {name} receive "
            f"{', '.join(categories)} ({purpose})"
        )
    return consent


# Visibility -------------------------------------------------------------------------------


def readable_case(session: Session, case_id: int, *, actor: Actor, today: date) -> Case:
    """A case the actor may read (``case.read``): staff any; a partner member one its
    partner holds or has the person's consent to receive. To anyone else a case it may not
    read does not exist (404, as for a missing one): not even its pseudonym is told."""
    case = get_case(session, case_id)
    partner = permissions.own_partner(actor, permissions.CASE_READ)
    if partner is not None:
        try:
            require_consent(
                session, case_id, partner, [DataCategory.BASIC], today, "reading the case"
            )
        except ConsentMissing:
            raise NotFound("case", case_id) from None
    return case


def caseloads_for(
    session: Session, *, actor: Actor, partner_id: int | None = None, role: str | None = None
) -> list[Caseload]:
    """Open cases per coach or scout, for a reader of cases (``case.read``): a partner
    member sees its own partner's people."""
    own = permissions.own_partner(actor, permissions.CASE_READ)
    return caseloads(session, partner_id=own if own is not None else partner_id, role=role)


def involving(partner_id: int) -> sa.ColumnElement[bool]:
    """Cases a partner holds or is party to a referral of (sending or receiving)."""
    return sa.or_(
        col(Case.id).in_(
            select(col(CaseWorker.case_id))
            .join(Person, col(Person.id) == col(CaseWorker.person_id))
            .where(col(Person.partner_id) == partner_id, col(CaseWorker.until).is_(None))
        ),
        col(Case.id).in_(
            select(col(Referral.case_id)).where(
                sa.or_(
                    col(Referral.from_partner_id) == partner_id,
                    col(Referral.to_partner_id) == partner_id,
                )
            )
        ),
    )


@attrs.frozen
class CaseFilter:
    working_field: str | None = None
    target_group: str | None = None
    person_id: int | None = None
    partner_id: int | None = None
    open: bool | None = None
    pseudonym: str | None = None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.working_field is not None:
            clauses.append(col(Case.working_field) == self.working_field)
        if self.target_group is not None:
            clauses.append(
                col(Case.id).in_(
                    select(col(CaseTargetGroup.case_id)).where(
                        col(CaseTargetGroup.target_group) == self.target_group
                    )
                )
            )
        if self.person_id is not None:
            clauses.append(
                col(Case.id).in_(
                    select(col(CaseWorker.case_id)).where(
                        col(CaseWorker.person_id) == self.person_id,
                        col(CaseWorker.until).is_(None),
                    )
                )
            )
        if self.partner_id is not None:
            clauses.append(involving(self.partner_id))
        if self.open is not None:
            column = Case.closed_on
            clauses.append(column.is_(None) if self.open else column.is_not(None))  # type: ignore[union-attr]
        if self.pseudonym is not None:
            clauses.append(col(Case.pseudonym) == self.pseudonym)
        return clauses


def find_cases(
    session: Session,
    case_filter: CaseFilter,
    *,
    actor: Actor,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Case], int]:
    """A page of the cases the actor may read (``case.read``: a partner member those its
    partner holds or referred or received), newest first, and how many match."""
    clauses = case_filter.clauses()
    partner = permissions.own_partner(actor, permissions.CASE_READ)
    if partner is not None:
        clauses.append(involving(partner))
    return page_of(session, Case, clauses, [col(Case.id).desc()], limit=limit, offset=offset)
