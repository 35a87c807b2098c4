"""Partners: keeping the directory, never losing a partner that tasks still reference."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import cattrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.clock import utcnow
from netzwerker.db import contains_text, flush_or_conflict
from netzwerker.deployment import Registry
from netzwerker.domain.audit.services import record
from netzwerker.domain.partners.importing import (
    RESERVED_KEYS,
    Email,
    PartnerKey,
    parse_email,
    parse_legal_domain,
    parse_partner_key,
    partner_lists,
    reference_problems,
    replace_lists,
)
from netzwerker.domain.partners.models import (
    LegalDomain,
    Partner,
    PartnerLegalDomain,
    PartnerWorkingField,
    Person,
)
from netzwerker.domain.tasks.models import Task, TaskParty
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, NotFound, Problem, Refused, require_version
from netzwerker.structuring import make_converter
from netzwerker.validators import not_blank


def partner_converter() -> cattrs.Converter:
    """The strict converter, knowing keys, e-mail addresses and legal domains."""
    converter = make_converter()
    converter.register_structure_hook(LegalDomain, parse_legal_domain)
    converter.register_structure_hook(Email, parse_email)
    converter.register_structure_hook(PartnerKey, parse_partner_key)
    return converter


@attrs.frozen
class PartnerDraft:
    """A partner entry as the API takes it."""

    key: PartnerKey
    name: str = attrs.field(validator=not_blank)
    kind: str = attrs.field(validator=not_blank)
    legal_domains: list[LegalDomain] = attrs.Factory(list)
    working_fields: list[str] = attrs.Factory(list)
    region: str = ""
    social_area: str = ""
    email: Email | None = None
    phone: str = ""
    website: str = ""
    address: str = ""
    description: str = ""
    active: bool = True

    converter = staticmethod(partner_converter)


@attrs.frozen
class ContactDraft:
    """A contact person of a partner."""

    name: str = attrs.field(validator=not_blank)
    role: str = ""
    email: Email | None = None
    phone: str = ""
    active: bool = True

    converter = staticmethod(partner_converter)


#: Fields of its own partner entry a partner member may keep (``partner.keep``); the others
#: are the coordinators' (``partner.update``).
OWN_FIELDS = frozenset({"email", "phone", "website", "address", "description"})

#: Columns of a partner an update may set (the key is its stable identity).
PARTNER_COLUMNS = (
    "name",
    "kind",
    "region",
    "social_area",
    "email",
    "phone",
    "website",
    "address",
    "description",
    "active",
)


def get_partner(session: Session, key: str) -> Partner:
    partner = session.exec(select(Partner).where(Partner.key == key)).first()
    if partner is None:
        raise NotFound("partner", key)
    return partner


def get_partner_by_id(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("partner", partner_id)
    return partner


def create_partner(
    session: Session, draft: PartnerDraft, registry: Registry, *, actor: Actor
) -> Partner:
    """Add a partner to the directory (``partner.create``)."""
    permissions.authorize(actor, permissions.PARTNER_CREATE)
    problems = reference_problems(draft.kind, draft.working_fields, registry)
    if draft.key in RESERVED_KEYS:
        problems.append(Problem("key", f"{draft.key!r} is reserved for the directory's pages"))
    elif session.exec(select(Partner.id).where(Partner.key == draft.key)).first() is not None:
        problems.append(Problem("key", f"partner {draft.key!r} exists already"))
    if problems:
        raise InvalidInput(problems)
    now = utcnow()
    values = {name: getattr(draft, name) for name in PARTNER_COLUMNS}
    partner = Partner(key=draft.key, **{**values, "email": draft.email or ""}, created_at=now)
    partner.updated_at = now
    session.add(partner)
    session.flush()
    replace_lists(session, partner, draft.legal_domains, draft.working_fields)
    record(
        session,
        actor=actor.username,
        action="partner.create",
        object_type="partner",
        object_id=partner.key,
        changes=_jsonable(attrs.asdict(draft)),
    )
    session.flush()
    return partner


def update_partner(
    session: Session,
    partner: Partner,
    changes: dict[str, Any],
    registry: Registry,
    *,
    actor: Actor,
    expected_version: int | None,
) -> Partner:
    """Change a partner entry; ``changes`` are typed values of :class:`PartnerDraft` fields.
    Its own members keep its contact data (``partner.keep``), coordinators everything
    (``partner.update``)."""
    permission = (
        permissions.PARTNER_KEEP if set(changes) <= OWN_FIELDS else permissions.PARTNER_UPDATE
    )
    permissions.authorize(actor, permission, partner_id=partner.id)
    require_version("partner", partner.key, partner.version, expected_version)
    if "key" in changes and changes["key"] != partner.key:
        raise InvalidInput([Problem("key", "the key of a partner cannot change")])
    current = partner_lists(session, [partner.id])[partner.id]
    lists = {name: changes.get(name, current[name]) for name in current}
    problems = reference_problems(
        changes.get("kind", partner.kind), lists["working_fields"], registry
    )
    if problems:
        raise InvalidInput(problems)
    diff: dict[str, Any] = {}
    for name in PARTNER_COLUMNS:
        if name in changes:
            value = changes[name] or "" if name == "email" else changes[name]
            if getattr(partner, name) != value:
                diff[name] = [getattr(partner, name), value]
                setattr(partner, name, value)
    for name in ("legal_domains", "working_fields"):
        if name in changes:
            new = [str(getattr(item, "value", item)) for item in dict.fromkeys(changes[name])]
            if sorted(new) != sorted(current[name]):
                diff[name] = [current[name], new]
    if not diff:
        return partner
    partner.updated_at = utcnow()
    if "legal_domains" in diff or "working_fields" in diff:
        replace_lists(session, partner, lists["legal_domains"], lists["working_fields"])
    record(
        session,
        actor=actor.username,
        action="partner.update",
        object_type="partner",
        object_id=partner.key,
        changes=diff,
    )
    flush_or_conflict(session, f"partner {partner.key!r}")
    return partner


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(item) for item in value]
        return getattr(value, "value", value)

    return {key: plain(value) for key, value in values.items()}


def contacts_of(session: Session, partner_ids: Sequence[int]) -> dict[int, list[Person]]:
    """The people of the given partners: one query."""
    contacts: dict[int, list[Person]] = {partner_id: [] for partner_id in partner_ids}
    if partner_ids:
        for person in session.exec(
            select(Person)
            .where(col(Person.partner_id).in_(partner_ids))
            .order_by(col(Person.partner_id), col(Person.name))
        ):
            contacts[person.partner_id].append(person)
    return contacts


@attrs.frozen
class PartnerFilter:
    text: str | None = None
    kind: str | None = None
    working_field: str | None = None
    legal_domain: str | None = None
    social_area: str | None = None
    active: bool | None = None

    def clauses(self) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        if self.text:
            clauses.append(
                contains_text([Partner.name, Partner.key, Partner.description], self.text)
            )
        if self.kind is not None:
            clauses.append(col(Partner.kind) == self.kind)
        if self.social_area is not None:
            clauses.append(col(Partner.social_area) == self.social_area)
        if self.active is not None:
            clauses.append(col(Partner.active) == self.active)
        if self.working_field is not None:
            clauses.append(
                col(Partner.id).in_(
                    select(col(PartnerWorkingField.partner_id)).where(
                        col(PartnerWorkingField.working_field) == self.working_field
                    )
                )
            )
        if self.legal_domain is not None:
            domain = parse_legal_domain(self.legal_domain, LegalDomain).value
            clauses.append(
                col(Partner.id).in_(
                    select(col(PartnerLegalDomain.partner_id)).where(
                        col(PartnerLegalDomain.legal_domain) == domain
                    )
                )
            )
        return clauses


def find_partners(
    session: Session, partner_filter: PartnerFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[Partner], int]:
    """One page of partners by name, and how many match: two queries."""
    try:
        clauses = partner_filter.clauses()
    except ValueError as exc:
        raise InvalidInput([Problem("legal_domain", str(exc))]) from None
    total = session.exec(select(sa.func.count()).select_from(Partner).where(*clauses)).one()
    partners = session.exec(
        select(Partner)
        .where(*clauses)
        .order_by(col(Partner.name), col(Partner.id))
        .limit(limit)
        .offset(offset)
    )
    return list(partners), total


@attrs.frozen
class PersonLine:
    """A person of the directory as a list shows it."""

    id: int
    name: str
    role: str
    partner_key: str
    partner: str
    active: bool


def find_people(
    session: Session, *, partner_key: str | None = None, text: str | None = None
) -> list[PersonLine]:
    """The people of the directory (coordinators, coaches, contacts), by partner and name."""
    query = sa.select(
        col(Person.id),
        col(Person.name),
        col(Person.role),
        col(Partner.key),
        col(Partner.name),
        col(Person.active),
    ).join(Partner, col(Partner.id) == col(Person.partner_id))
    if partner_key is not None:
        get_partner(session, partner_key)
        query = query.where(col(Partner.key) == partner_key)
    if text:
        query = query.where(contains_text([Person.name], text))
    query = query.order_by(col(Partner.name), col(Person.name), col(Person.id))
    return [PersonLine(*row) for row in session.execute(query)]


def add_contact(session: Session, partner: Partner, draft: ContactDraft, *, actor: Actor) -> Person:
    """Add a contact person to a partner (``partner.contacts``)."""
    permissions.authorize(actor, permissions.PARTNER_CONTACTS, partner_id=partner.id)
    person = Person(partner_id=partner.id, **{**attrs.asdict(draft), "email": draft.email or ""})
    session.add(person)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="contact.create",
        object_type="partner",
        object_id=partner.key,
        changes={"person_id": person.id, **attrs.asdict(draft)},
    )
    return person


def update_contact(
    session: Session, partner: Partner, person_id: int, changes: dict[str, Any], *, actor: Actor
) -> Person:
    """Change a partner's contact person (``partner.contacts``)."""
    permissions.authorize(actor, permissions.PARTNER_CONTACTS, partner_id=partner.id)
    person = session.get(Person, person_id)
    if person is None or person.partner_id != partner.id:
        raise NotFound("contact", person_id)
    diff = {}
    for name, value in changes.items():
        value = value or "" if name == "email" else value
        if getattr(person, name) != value:
            diff[name] = [getattr(person, name), value]
            setattr(person, name, value)
    if diff:
        record(
            session,
            actor=actor.username,
            action="contact.update",
            object_type="partner",
            object_id=partner.key,
            changes={"person_id": person.id, **diff},
        )
        session.flush()
    return person


#: Everything of a partner entry a coordinator may change (``partner.update``).
EDITABLE = frozenset({*PARTNER_COLUMNS, "legal_domains", "working_fields"})


@attrs.frozen
class PartnerEditing:
    """A partner entry as a form changing it shows it: its ``values`` now (lists included)
    and the fields the actor may change."""

    partner: Partner
    values: dict[str, Any]
    editable: frozenset[str]


def partner_editing(session: Session, key: str, *, actor: Actor) -> PartnerEditing:
    """What a form changing a partner shows: everything to coordinators (``partner.update``),
    the contact data to the partner's own members (``partner.keep``)."""
    partner = get_partner(session, key)
    if permissions.allows(actor, permissions.PARTNER_UPDATE, partner_id=partner.id):
        editable = EDITABLE
    else:
        permissions.authorize(actor, permissions.PARTNER_KEEP, partner_id=partner.id)
        editable = OWN_FIELDS
    values = {name: getattr(partner, name) for name in PARTNER_COLUMNS}
    values.update(partner_lists(session, [partner.id])[partner.id])
    return PartnerEditing(partner, values, editable)


def editable_contact(session: Session, key: str, person_id: int, *, actor: Actor) -> Person:
    """A contact person of partner ``key`` for a form changing it (``partner.contacts``)."""
    partner = get_partner(session, key)
    permissions.authorize(actor, permissions.PARTNER_CONTACTS, partner_id=partner.id)
    person = session.get(Person, person_id)
    if person is None or person.partner_id != partner.id:
        raise NotFound("contact", person_id)
    return person


def set_partner_active(session: Session, key: str, active: bool) -> Partner:
    """Deactivate (or reactivate) a partner: it keeps its history and tasks."""
    partner = get_partner(session, key)
    partner.active = active
    partner.updated_at = utcnow()
    session.flush()
    return partner


def delete_partner(session: Session, key: str) -> None:
    """Delete a partner that no task references; otherwise refuse and advise deactivating."""
    partner = get_partner(session, key)
    references = session.exec(
        select(sa.func.count())
        .select_from(Task)
        .where(
            (col(Task.responsible_partner_id) == partner.id)
            | col(Task.id).in_(
                select(col(TaskParty.task_id)).where(col(TaskParty.partner_id) == partner.id)
            )
            | col(Task.accountable_person_id).in_(
                select(col(Person.id)).where(col(Person.partner_id) == partner.id)
            )
        )
    ).one()
    if references:
        raise Refused(
            f"partner {key!r} is named in {references} task(s) and cannot be deleted; "
            "deactivate it instead"
        )
    session.delete(partner)
    session.flush()


def social_areas(session: Session) -> list[str]:
    """The social areas the directory's partners name, by name."""
    query = (
        sa.select(col(Partner.social_area))
        .where(col(Partner.social_area) != "")
        .distinct()
        .order_by(col(Partner.social_area))
    )
    return list(session.scalars(query))
