"""Who may do what: one declared matrix of roles × actions, which every service asks.

A :class:`Permission` names an action and grants it to roles, each with a :class:`Scope`:
``ANY`` record, or only the actor's ``OWN`` (its own partner's records for a partner member,
its own tokens for a user). The services call :func:`authorize` before they change or show
anything; the API, the web pages and the commands only translate the :class:`Forbidden` it
raises (403, an error page, exit code 1). A page asks :func:`allows` which buttons to offer.

The matrix in words:

* admins and coordinators manage the whole network (admins also users and everyone's tokens);
* viewers read everything and change nothing;
* a partner member reads the directory, the report and the records its partner is a party
  to; it commits to, works on and completes the tasks its partner is responsible for, may
  change their description and which of its people handles them, and keeps its own
  partner's contact data, contacts and offers. Due dates, responsible partners and
  accountable parties are the coordinators' to change: a commitment binds the partner to a
  date it did not set alone.

``netzwerker permissions`` prints the whole matrix, the plugins' permissions included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from netzwerker.domain.users.models import Role
from netzwerker.errors import Forbidden

if TYPE_CHECKING:
    from netzwerker.config import DeploymentConfig


@attrs.frozen
class Actor:
    """Who makes a request: what the permission rules and the history need of a user."""

    username: str
    role: Role
    user_id: int | None = None
    partner_id: int | None = None
    #: Whoever runs the installation rather than a user of it (see :meth:`operator`).
    operating: bool = False

    @classmethod
    def of(cls, user: Any) -> Actor:
        """Of a :class:`User`, or of a row of its ``username, role, id, partner_id``."""
        return cls(user.username, Role(user.role), user.id, user.partner_id)

    @classmethod
    def operator(cls, name: str) -> Actor:
        """Whoever runs the installation: the command line, an import of data files, the
        demo, a test's set-up. It holds the database already, so every permission is its
        own; what it does is recorded under ``name``."""
        return cls(name, Role.ADMIN, operating=True)


class Scope(StrEnum):
    """How far a grant reaches."""

    ANY = "any"  # every record
    OWN = "own"  # the actor's own: its partner's records, or its own user's


ROLE_NAMES = {
    Role.ADMIN: "admins",
    Role.COORDINATOR: "coordinators",
    Role.PARTNER_MEMBER: "partner members",
    Role.VIEWER: "viewers",
}


@attrs.frozen
class Permission:
    """An action and the roles it is granted to: ``Permission("task.propose", "propose
    tasks", MANAGERS)``. ``what`` completes the sentence "you may not …"; ``owner`` says
    what makes a record the actor's own (``partner`` or ``user``)."""

    key: str
    what: str
    grants: Mapping[Role, Scope] = attrs.field(converter=lambda grants: dict(grants))
    owner: str = "partner"

    def scope(self, role: Role) -> Scope | None:
        """How far the role's grant reaches, or None without one."""
        return self.grants.get(role)

    def scope_of(self, actor: Actor) -> Scope | None:
        """How far the actor's grant reaches: an operator's reaches everything."""
        return Scope.ANY if actor.operating else self.grants.get(actor.role)

    def granted_to(self, roles: Iterable[str]) -> Permission:
        """The same action granted to ``roles`` for any record (a deployment's setting)."""
        return attrs.evolve(self, grants={Role(role): Scope.ANY for role in roles})

    def allows(
        self, actor: Actor, *, partner_id: int | None = None, user_id: int | None = None
    ) -> bool:
        """Whether ``actor`` may do this to a record of ``partner_id`` (or of ``user_id``);
        with neither given, whether it may do it to any record at all."""
        scope = self.scope_of(actor)
        if scope is None:
            return False
        if scope is Scope.ANY or (partner_id is None and user_id is None):
            return True
        return _owns(actor, partner_id, user_id)

    def refusal(self, actor: Actor) -> Forbidden:
        """The error for an actor this permission does not reach."""
        if self.scope(actor.role) is Scope.OWN:
            mine = "your own" if self.owner == "user" else "your own partner's"
            return Forbidden(f"you may {self.what} only for {mine} records")
        allowed = [ROLE_NAMES[role] for role in Role if role in self.grants]
        who = " and ".join(allowed) if allowed else "nobody"
        return Forbidden(f"{ROLE_NAMES[actor.role]} may not {self.what} (only {who} may)")


def _owns(actor: Actor, partner_id: int | None, user_id: int | None) -> bool:
    if user_id is not None:
        return user_id == actor.user_id
    return partner_id is not None and partner_id == actor.partner_id


def authorize(
    actor: Actor,
    permission: Permission,
    *,
    partner_id: int | None = None,
    user_id: int | None = None,
) -> None:
    """Raise :class:`Forbidden` unless ``actor`` may do ``permission``'s action to a record
    of ``partner_id`` (or of ``user_id``). An ``OWN`` grant needs the record's owner: a
    service that lists records filters by :func:`own_partner` instead."""
    scope = permission.scope_of(actor)
    if scope is Scope.ANY:
        return
    if scope is Scope.OWN and _owns(actor, partner_id, user_id):
        return
    raise permission.refusal(actor)


def authorize_role(actor: Actor, permission: Permission) -> None:
    """Refuse an actor whose role holds no grant of ``permission`` at all: what a route asks
    before it reads a request (the service asks :func:`authorize` about the record)."""
    if permission.scope_of(actor) is None:
        raise permission.refusal(actor)


def allows(actor: Actor, permission: Permission, **owner: int | None) -> bool:
    """Whether :func:`authorize` would let ``actor`` through (for offering a button)."""
    return permission.allows(actor, **owner)


def own_partner(actor: Actor, permission: Permission) -> int | None:
    """The partner whose records alone ``actor`` may reach under ``permission``: None for
    every record, its own partner for an ``OWN`` grant. Forbidden without a grant."""
    scope = permission.scope_of(actor)
    if scope is None:
        raise permission.refusal(actor)
    return actor.partner_id if scope is Scope.OWN else None


def acting_partner(actor: Actor, permission: Permission, partner_id: int | None) -> int | None:
    """The partner the actor acts for when it does ``permission``'s action: the one it
    names (or none) with an ``ANY`` grant; with an ``OWN`` grant its own partner, which it
    may leave out. Forbidden without a grant, or for another partner."""
    own = own_partner(actor, permission)
    if own is None:
        return partner_id
    if partner_id not in (None, own):
        raise permission.refusal(actor)
    return own


def plugin_switching(coordinators: bool) -> Permission:
    """``plugin.switch`` as a deployment grants it: to admins, and to coordinators where
    ``[web] coordinators_switch_plugins`` is true."""
    return PLUGIN_SWITCH.granted_to(["admin", "coordinator"] if coordinators else ["admin"])


def as_granted(permission: Permission, config: DeploymentConfig) -> Permission:
    """A permission as a deployment's configuration grants it: direct identifiers to the
    roles ``[privacy] identity_readers`` names, switching plugins to coordinators where
    ``[web] coordinators_switch_plugins`` allows it; every other one as declared."""
    if permission.key == CASE_IDENTITY.key:
        return identity_reading(config.privacy.identity_readers)
    if permission.key == PLUGIN_SWITCH.key:
        return plugin_switching(config.web.coordinators_switch_plugins)
    return permission


def identity_reading(readers: Iterable[str]) -> Permission:
    """``case.identity`` as a deployment grants it: to the roles ``[privacy] identity_readers``
    names."""
    return CASE_IDENTITY.granted_to(readers)


# The matrix ----------------------------------------------------------------------------------

ANY, OWN = Scope.ANY, Scope.OWN
#: Admins and coordinators: who manages the network.
MANAGERS = {Role.ADMIN: ANY, Role.COORDINATOR: ANY}
#: The jobcenter's own people: managers and viewers.
STAFF = {**MANAGERS, Role.VIEWER: ANY}
#: Managers, and partner members for their own partner.
MANAGERS_AND_OWN = {**MANAGERS, Role.PARTNER_MEMBER: OWN}
#: Everyone who reads, partner members their own partner's records.
READERS_AND_OWN = {**STAFF, Role.PARTNER_MEMBER: OWN}
#: Everyone: each user for itself, admins for anyone.
SELF_AND_ADMINS = {
    Role.ADMIN: ANY,
    Role.COORDINATOR: OWN,
    Role.PARTNER_MEMBER: OWN,
    Role.VIEWER: OWN,
}

MATRIX: dict[str, Permission] = {}


def declare(
    key: str, what: str, grants: Mapping[Role, Scope], owner: str = "partner"
) -> Permission:
    """Add a core permission to :data:`MATRIX` (plugins declare theirs through the
    ``register_permissions`` hook)."""
    permission = Permission(key, what, grants, owner)
    MATRIX[key] = permission
    return permission


# Partners and their contacts
PARTNER_CREATE = declare("partner.create", "add partners", MANAGERS)
PARTNER_UPDATE = declare("partner.update", "change a partner's name, kind and domains", MANAGERS)
PARTNER_KEEP = declare("partner.keep", "keep a partner's contact data", MANAGERS_AND_OWN)
PARTNER_CONTACTS = declare("partner.contacts", "change a partner's contacts", MANAGERS_AND_OWN)
PARTNER_IMPORT = declare("partner.import", "import partners", MANAGERS)

# Working fields and goals
GOAL_SET = declare("goal.set", "set goals", MANAGERS)
GOAL_CHANGE = declare("goal.change", "change goals", MANAGERS)

# Tasks
TASK_READ = declare("task.read", "read tasks", READERS_AND_OWN)
TASK_PROPOSE = declare("task.propose", "propose tasks", MANAGERS)
TASK_EDIT = declare("task.edit", "change a task's description and handler", MANAGERS_AND_OWN)
TASK_UPDATE = declare("task.update", "change a task's terms, partner, parties and title", MANAGERS)
TASK_COMMIT = declare("task.commit", "commit to tasks", MANAGERS_AND_OWN)
TASK_START = declare("task.start", "start tasks", MANAGERS_AND_OWN)
TASK_COMPLETE = declare("task.complete", "complete tasks", MANAGERS_AND_OWN)
TASK_DECLINE = declare("task.decline", "decline tasks", MANAGERS_AND_OWN)
TASK_BLOCK = declare("task.block", "block tasks", MANAGERS_AND_OWN)
TASK_RESUME = declare("task.resume", "resume tasks", MANAGERS_AND_OWN)
TASK_CANCEL = declare("task.cancel", "cancel tasks", MANAGERS)
NETWORK_GOALS = declare("network.goals", "see the goals on the start page", STAFF)

# Users and tokens
USER_MANAGE = declare("user.manage", "list, add and change users", {Role.ADMIN: ANY})
TOKEN_MANAGE = declare("token.manage", "list, create and revoke tokens", SELF_AND_ADMINS, "user")
PASSWORD_CHANGE = declare(
    "password.change",
    "change their password",
    {role: OWN for role in Role},
    "user",
)

# Mails and calendar feeds
MAIL_CHOOSE = declare("mail.choose", "choose which mails they get", {r: OWN for r in Role}, "user")
MAIL_OUTBOX = declare("mail.outbox", "see and retry undelivered mails", {Role.ADMIN: ANY})
CALENDAR_OWN = declare(
    "calendar.own", "subscribe to and revoke calendar feeds", SELF_AND_ADMINS, "user"
)
CALENDAR_PARTNER = declare(
    "calendar.partner", "subscribe to and revoke a partner's calendar feeds", MANAGERS_AND_OWN
)

# The audit log and the evaluation
#: Granted to coordinators only where the deployment allows it (:func:`plugin_switching`).
PLUGIN_SWITCH = declare(
    "plugin.switch", "switch plugins on and off and change their settings", MANAGERS
)
AUDIT_READ = declare("audit.read", "read the audit log", MANAGERS)
EVALUATION_READ = declare("evaluation.read", "read the evaluation", STAFF)
INDICATOR_STORE = declare("indicator.store", "store indicator values", MANAGERS)
INDICATOR_ENTER = declare("indicator.enter", "enter indicator values", MANAGERS)
SURVEY_ANSWER = declare("survey.answer", "answer the partner survey", MANAGERS_AND_OWN)

# Circles and meetings
CIRCLE_FOUND = declare("circle.found", "found circles", MANAGERS)
CIRCLE_CHANGE = declare("circle.change", "change circles", MANAGERS)
MEETING_READ = declare("meeting.read", "read meetings", READERS_AND_OWN)
MEETING_PLAN = declare("meeting.plan", "plan meetings", MANAGERS)
MEETING_CHANGE = declare("meeting.change", "change meetings and write minutes", MANAGERS)
MEETING_DECIDE = declare("meeting.decide", "record decisions", MANAGERS)

# Conferences
CONFERENCE_PLAN = declare("conference.plan", "plan conferences", MANAGERS)
CONFERENCE_CHANGE = declare("conference.change", "change conferences", MANAGERS)
CONFERENCE_REGISTER = declare(
    "conference.register", "register and cancel participants", MANAGERS_AND_OWN
)
CONFERENCE_REGISTRATIONS = declare("conference.registrations", "see registrations", READERS_AND_OWN)
CONFERENCE_CHECK_IN = declare("conference.check_in", "check participants in", MANAGERS)
CONFERENCE_EXPORT = declare("conference.export", "export participant lists", STAFF)

# The catalogue
OFFER_KEEP = declare("offer.keep", "record and change offers", MANAGERS_AND_OWN)
NEED_RECORD = declare("need.record", "record needs", MANAGERS)
NEED_CHANGE = declare("need.change", "change needs", MANAGERS)
APPRAISAL_RATE = declare("appraisal.rate", "rate offers and measures", MANAGERS)
APPRAISAL_RESOURCES = declare("appraisal.resources", "record resources", MANAGERS)

# Projects and funding
PROJECT_RECORD = declare("project.record", "record projects", MANAGERS)
PROJECT_CHANGE = declare("project.change", "change projects", MANAGERS)
PROJECT_MOVE = declare("project.move", "move projects", MANAGERS)
FUNDING_RECORD = declare("funding.record", "record funding applications", MANAGERS)
FUNDING_DECIDE = declare("funding.decide", "record funding decisions", MANAGERS)

# Cases, consents and referrals
CASE_READ = declare("case.read", "read cases", READERS_AND_OWN)
CASE_OPEN = declare("case.open", "open cases", MANAGERS)
CASE_CHANGE = declare("case.change", "change cases", MANAGERS)
CASE_ASSIGN = declare("case.assign", "assign and release coaches and scouts", MANAGERS)
#: Granted by the deployment's ``[privacy] identity_readers`` (:func:`identity_reading`).
CASE_IDENTITY = declare(
    "case.identity", "read and write direct identifiers", {Role.COORDINATOR: ANY}
)
CONSENT_READ = declare("consent.read", "read consents", STAFF)
CONSENT_RECORD = declare("consent.record", "record consents and revocations", MANAGERS)
REFERRAL_READ = declare("referral.read", "read referrals", READERS_AND_OWN)
#: The referring partner sends and withdraws; the receiving partner takes the other steps.
REFERRAL_SEND = declare("referral.send", "refer cases", MANAGERS_AND_OWN)
REFERRAL_WITHDRAW = declare("referral.withdraw", "withdraw referrals", MANAGERS_AND_OWN)
REFERRAL_RECEIVE = declare(
    "referral.receive", "accept, decline and close referrals received", MANAGERS_AND_OWN
)

# Workflow runs (the plugins' workflows)
RUN_READ = declare("run.read", "read workflow runs", READERS_AND_OWN)
RUN_START = declare("run.start", "start workflow runs", MANAGERS)
RUN_MOVE = declare("run.move", "move workflow runs", MANAGERS_AND_OWN)

# Service chains
CHAIN_BUILD = declare("chain.build", "build and change service chains", MANAGERS)
CHAIN_AGREE = declare("chain.agree", "record agreements", MANAGERS)
CHAIN_READ_PEOPLE = declare("chain.people", "see the people on chains", STAFF)
CHAIN_MOVE = declare("chain.move", "put people on chains and move them along", MANAGERS)
