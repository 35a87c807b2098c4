"""Who may do what: roles, and the ownership rules of partner members.

* admins and coordinators manage the whole network (admins also users and tokens);
* viewers read everything and change nothing;
* a partner member reads the directory, the report and the tasks in which its partner is a
  party (responsible, consulted, informed, or accountable through one of its people); it
  commits to, works on and completes the tasks its partner is responsible for, may change
  their description and which of its people handles them, and keeps its own partner's
  contact data and contacts. Due dates, responsible partners and accountable parties are the
  coordinators' to change: a commitment binds the partner to a date it did not set alone.

Each check raises :class:`Forbidden` with the reason; handlers call them before a service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from netzwerker.domain.cases import referrals
from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import Case, Referral
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.models import Task, TaskParty
from netzwerker.domain.tasks.workflow import REQUESTED_ACTIONS, TASK_WORKFLOW
from netzwerker.domain.users.models import Role
from netzwerker.domain.users.services import Actor
from netzwerker.errors import Forbidden
from netzwerker.workflow import Transition

MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})
#: Transitions a partner member may make on tasks its partner is responsible for.
PARTNER_TASK_ACTIONS = frozenset({"commit", "start", "complete", "decline", "block", "resume"})
#: Task fields a partner member may change on its partner's tasks.
PARTNER_TASK_FIELDS = frozenset({"description", "responsible_person_id"})
#: Fields of its own partner entry a partner member may keep.
PARTNER_OWN_FIELDS = frozenset({"email", "phone", "website", "address", "description"})


def is_manager(actor: Actor) -> bool:
    return actor.role in MANAGERS


def require_manager(actor: Actor, what: str) -> None:
    if not is_manager(actor):
        raise Forbidden(f"only coordinators and admins may {what}")


def require_admin(actor: Actor, what: str) -> None:
    if actor.role is not Role.ADMIN:
        raise Forbidden(f"only admins may {what}")


def require_own_or_admin(actor: Actor, user_id: int | None, what: str) -> None:
    """Users manage their own tokens; admins anyone's."""
    if user_id is not None and user_id != actor.user_id:
        require_admin(actor, f"{what} of other users")


def task_visibility(actor: Actor) -> sa.ColumnElement[bool] | None:
    """A WHERE clause limiting tasks to those the actor may see; None: all of them."""
    if actor.role is not Role.PARTNER_MEMBER:
        return None
    partner = actor.partner_id
    return sa.or_(
        Task.responsible_partner_id == partner,
        Task.id.in_(select(TaskParty.task_id).where(TaskParty.partner_id == partner)),  # type: ignore[union-attr]
        Task.accountable_person_id.in_(select(Person.id).where(Person.partner_id == partner)),  # type: ignore[union-attr]
    )


def check_task_visible(
    actor: Actor, task: Task, party_partner_ids: Callable[[], Iterable[int]]
) -> None:
    """``party_partner_ids()``: the partners consulted, informed or accountable on the task,
    looked up only for a partner member (everyone else sees every task)."""
    if actor.role is not Role.PARTNER_MEMBER:
        return
    if task.responsible_partner_id == actor.partner_id or actor.partner_id in set(
        party_partner_ids()
    ):
        return
    raise Forbidden(f"task {task.id} does not concern your partner")


def _require_responsible(actor: Actor, task: Task, what: str) -> None:
    if task.responsible_partner_id != actor.partner_id:
        raise Forbidden(f"only the responsible partner's members may {what} task {task.id}")


def check_task_action(actor: Actor, task: Task, action: str) -> None:
    if is_manager(actor):
        return
    if actor.role is Role.VIEWER:
        raise Forbidden("viewers cannot change tasks")
    if action not in PARTNER_TASK_ACTIONS:
        raise Forbidden(f"only coordinators may {action} a task")
    _require_responsible(actor, task, action)


def permitted(transitions: Iterable[Transition], check: Callable[[str], None]) -> list[Transition]:
    """The transitions whose ``check(name)`` raises no :class:`Forbidden` (for offering them)."""
    allowed = []
    for transition in transitions:
        try:
            check(transition.name)
        except Forbidden:
            continue
        allowed.append(transition)
    return allowed


def task_actions(actor: Actor, task: Task) -> list[Transition]:
    """The transitions the actor may make on the task now."""
    requested = [t for t in TASK_WORKFLOW.allowed(task.status) if t.name in REQUESTED_ACTIONS]
    return permitted(requested, lambda action: check_task_action(actor, task, action))


def check_task_update(actor: Actor, task: Task, fields: Iterable[str]) -> None:
    if is_manager(actor):
        return
    if actor.role is Role.VIEWER:
        raise Forbidden("viewers cannot change tasks")
    _require_responsible(actor, task, "change")
    reserved = sorted(set(fields) - PARTNER_TASK_FIELDS)
    if reserved:
        raise Forbidden(f"only coordinators may change {', '.join(reserved)} of a task")


def check_partner_update(actor: Actor, partner: Partner, fields: Iterable[str]) -> None:
    if is_manager(actor):
        return
    if actor.role is not Role.PARTNER_MEMBER or partner.id != actor.partner_id:
        raise Forbidden(f"you cannot change partner {partner.key!r}")
    reserved = sorted(set(fields) - PARTNER_OWN_FIELDS)
    if reserved:
        raise Forbidden(f"only coordinators may change {', '.join(reserved)} of a partner")


def check_contacts_change(actor: Actor, partner: Partner) -> None:
    if is_manager(actor):
        return
    if actor.role is not Role.PARTNER_MEMBER or partner.id != actor.partner_id:
        raise Forbidden(f"you cannot change the contacts of partner {partner.key!r}")


def instance_visibility(actor: Actor) -> sa.ColumnElement[bool] | None:
    """Workflow instances a partner member sees: those its partner handles or handled."""
    if actor.role is not Role.PARTNER_MEMBER:
        return None
    from netzwerker.domain.workflows.services import instance_visibility as handled_by

    return handled_by(actor.partner_id)  # type: ignore[arg-type]


def check_instance_visible(actor: Actor, handled_by: Iterable[int | None]) -> None:
    """``handled_by``: the partners responsible for the instance now and before."""
    if actor.role is Role.PARTNER_MEMBER and actor.partner_id not in set(handled_by):
        raise Forbidden("this case does not concern your partner")


def check_instance_move(actor: Actor, partner_id: int | None) -> None:
    """Coordinators move any case; a partner member the cases its partner handles now."""
    if is_manager(actor):
        return
    if actor.role is Role.VIEWER:
        raise Forbidden("viewers cannot move cases")
    if partner_id != actor.partner_id:
        raise Forbidden("only the partner now responsible may move this case")


def is_staff(actor: Actor) -> bool:
    """Coordinators, admins and viewers: the jobcenter's own people, not partner members."""
    return actor.role is not Role.PARTNER_MEMBER


def require_staff(actor: Actor, what: str) -> None:
    if not is_staff(actor):
        raise Forbidden(f"partner members may not {what}")


def acts_for_partners(actor: Actor) -> bool:
    """Whether the actor acts for partners — registers people for conferences, refers cases,
    answers the partner survey: everyone but viewers."""
    return actor.role is not Role.VIEWER


def acting_partner(actor: Actor, partner_id: int | None, what: str) -> int | None:
    """The partner the actor acts for when it does ``what``: a partner member for its own
    partner only (named or not), a coordinator for the one it names (or none), a viewer for
    nobody."""
    if not acts_for_partners(actor):
        raise Forbidden(f"viewers cannot {what}")
    if actor.role is Role.PARTNER_MEMBER:
        if partner_id not in (None, actor.partner_id):
            raise Forbidden(f"partner members {what} for their own partner only")
        return actor.partner_id
    return partner_id


def check_own_registration(actor: Actor, registration_id: int, partner_id: int | None) -> None:
    """Partner members handle the registrations of their own partner only."""
    if is_manager(actor):
        return
    if actor.role is not Role.PARTNER_MEMBER or partner_id != actor.partner_id:
        raise Forbidden(f"registration {registration_id} is not your partner's")


def registrations_visible(actor: Actor, partner_id: int | None) -> bool:
    """Staff see every registration, partner members their own partner's."""
    return actor.role is not Role.PARTNER_MEMBER or partner_id == actor.partner_id


# Cases and referrals ------------------------------------------------------------------------


def case_visibility(actor: Actor) -> sa.ColumnElement[bool] | None:
    """Partner members see the cases their partner holds or referred or received."""
    if actor.role is not Role.PARTNER_MEMBER:
        return None
    return cases.involving(actor.partner_id)  # type: ignore[arg-type]


def referral_visibility(actor: Actor) -> sa.ColumnElement[bool] | None:
    """Partner members see the referrals their partner sent or received."""
    if actor.role is not Role.PARTNER_MEMBER:
        return None
    return referrals.involving(actor.partner_id)  # type: ignore[arg-type]


def readable_case(session: Session, actor: Actor, case_id: int, today: date) -> Case:
    """A case the actor may read: staff any; a partner member one its partner holds or has
    the person's consent to receive (a :class:`ConsentMissing` otherwise)."""
    case = cases.get_case(session, case_id)
    if actor.role is Role.PARTNER_MEMBER:
        cases.require_consent(
            session,
            case_id,
            actor.partner_id,  # type: ignore[arg-type]
            [cases.DataCategory.BASIC],
            today,
            "reading the case",
        )
    return case


def require_identity_reader(actor: Actor, readers: Iterable[str]) -> None:
    """Direct identifiers are for the roles the deployment names (``[privacy]``)."""
    readers = list(readers)
    if actor.role.value not in readers:
        raise Forbidden(
            "direct identifiers are for "
            + ", ".join(readers)
            + " only (deployment.toml: [privacy] identity_readers)"
        )


def check_referral_party(actor: Actor, referral: Referral) -> None:
    if actor.role is Role.PARTNER_MEMBER and actor.partner_id not in (
        referral.from_partner_id,
        referral.to_partner_id,
    ):
        raise Forbidden(f"referral {referral.id} does not concern your partner")


def check_referral_move(actor: Actor, referral: Referral, action: str) -> None:
    """The receiving partner accepts, records contact, closes or declines; the referring
    partner withdraws; coordinators may do either."""
    if is_manager(actor):
        return
    if actor.role is not Role.PARTNER_MEMBER:
        raise Forbidden("viewers cannot move referrals")
    side = (
        referral.to_partner_id if action in referrals.RECEIVER_ACTIONS else referral.from_partner_id
    )
    if actor.partner_id != side:
        who = "receiving" if action in referrals.RECEIVER_ACTIONS else "referring"
        raise Forbidden(f"only the {who} partner may {action} this referral")


def referral_actions(actor: Actor, referral: Referral) -> list[Transition]:
    """The steps the actor may take on a referral now."""
    return permitted(
        referrals.REFERRAL_WORKFLOW.allowed(referral.status),
        lambda action: check_referral_move(actor, referral, action),
    )
