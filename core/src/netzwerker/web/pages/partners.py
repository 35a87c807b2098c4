"""The partner directory: search and filters, a partner's page with its record, and the
forms that add and change partners and their contact people."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.calendars.services import NewFeed, create_feed
from netzwerker.domain.indicators.services import Scope
from netzwerker.domain.partners.importing import (
    import_partners,
    parse_partner_upload,
    preview_partners,
)
from netzwerker.domain.partners.models import LegalDomain
from netzwerker.domain.partners.overview import partner_record
from netzwerker.domain.partners.services import (
    EDITABLE,
    ContactDraft,
    PartnerDraft,
    PartnerFilter,
    add_contact,
    create_partner,
    editable_contact,
    find_partners,
    get_partner,
    partner_editing,
    partner_lists,
    social_areas,
    update_contact,
    update_partner,
)
from netzwerker.domain.references import field_choices
from netzwerker.domain.users import permissions
from netzwerker.errors import InvalidInput, Problem
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import Form, FormField, PostedForm, build, read_form, refused_change, save
from netzwerker.web.i18n import mark
from netzwerker.web.pages.calendars import feeds_context
from netzwerker.web.pages.fields import monthly_charts
from netzwerker.web.pages.tasks import status_labels
from netzwerker.web.rendering import notify, page, redirect, translate

PAGE_SIZE = 50


def kind_names(request: Request[Any, Any, Any]) -> dict[str, str]:
    registry = request.app.state.deployment.registry
    return {key: item.value.name for key, item in registry.partner_kinds.items()}


@get("/partners", sync_to_thread=False, name="partners")
def partner_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    offset: Offset = 0,
) -> Template:
    query = dict(request.query_params)
    legal_domain = query.get("legal_domain") or None
    if legal_domain not in {domain.value for domain in LegalDomain}:
        legal_domain = None
    kinds = kind_names(request)
    partner_filter = PartnerFilter(
        text=query.get("q") or None,
        kind=query.get("kind") or None,
        working_field=query.get("working_field") or None,
        legal_domain=legal_domain,
        social_area=query.get("social_area") or None,
        active=None if query.get("inactive") else True,
    )
    with deployment.session() as session:
        partners, total = find_partners(session, partner_filter, limit=PAGE_SIZE, offset=offset)
        lists = partner_lists(session, [partner.id for partner in partners])
        fields = field_choices(session)
        areas = social_areas(session)
    return page(
        request,
        "partners/list.html",
        partners=partners,
        lists=lists,
        total=total,
        offset=offset,
        limit=PAGE_SIZE,
        query=query,
        kinds=kinds,
        kind_choices=sorted(kinds.items(), key=lambda kind: kind[1]),
        fields=fields,
        field_names=dict(fields),
        legal_domains=[(domain.value, domain.value) for domain in LegalDomain],
        social_areas=[(area, area) for area in areas],
        may_create=permissions.allows(actor, permissions.PARTNER_CREATE),
        may_import=permissions.allows(actor, permissions.PARTNER_IMPORT),
    )


def _partner_page(
    request: Request[Any, Any, Any],
    key: str,
    deployment: CurrentDeployment,
    actor: CurrentActor,
    *,
    made_feed: NewFeed | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        found = partner_record(session, key, actor=actor, today=today)
        fields = dict(field_choices(session))
        # How reliably the partner kept its commitments, month by month.
        trend = monthly_charts(
            session, deployment, Scope(partner_id=found.partner.id), today, TREND_INDICATORS
        )
    partner_id = found.partner.id
    subscribes = permissions.allows(actor, permissions.CALENDAR_PARTNER, partner_id=partner_id)
    feeds = (
        feeds_context(deployment, actor, partner_id=partner_id, made=made_feed)
        if subscribes
        else {}
    )
    return page(
        request,
        "partners/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        trend=trend,
        kinds=kind_names(request),
        field_names=fields,
        statuses=status_labels(),
        form=Form.showing({}),
        subscribes=subscribes,
        **feeds,
    )


@get("/partners/{key:str}", sync_to_thread=False, name="partner")
def partner_page(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _partner_page(request, key, deployment, actor)


@post(
    "/partners/{key:str}/calendars",
    sync_to_thread=False,
    guards=permitted(permissions.CALENDAR_PARTNER),
)
def create_partner_feed(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    """A calendar address of the partner's dates, for its team's shared calendar; shown once."""
    with deployment.transaction() as session:
        partner = get_partner(session, key)
        made = create_feed(session, actor=actor, partner_id=partner.id)
    return _partner_page(request, key, deployment, actor, made_feed=made, status=201)


LEGAL_DOMAINS = tuple(domain.value for domain in LegalDomain)
#: The accountability trend on a partner's page: kept on time, and overdue, per month.
TREND_INDICATORS = ("tasks_on_time_rate", "tasks_overdue")
VERSION = FormField("version", "int", required=True)
PARTNER_FIELDS = (
    FormField("key", "key", required=True),
    FormField("name", required=True),
    FormField("kind", "choice", required=True),
    FormField("legal_domains", "choices", choices=LEGAL_DOMAINS),
    FormField("working_fields", "choices"),
    FormField("region"),
    FormField("social_area"),
    FormField("email", "email"),
    FormField("phone"),
    FormField("website"),
    FormField("address"),
    FormField("description"),
    FormField("active", "flag"),
)
CONTACT_FIELDS = (
    FormField("name", required=True),
    FormField("role"),
    FormField("email", "email"),
    FormField("phone"),
    FormField("active", "flag"),
)
PARTNER_ADDED = mark("The partner was added to the directory.")
PARTNER_CHANGED = mark("The partner entry was saved.")
CONTACT_ADDED = mark("The contact person was added.")
CONTACT_CHANGED = mark("The contact person was saved.")


def _partner_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    form: Form,
    editable: frozenset[str],
    *,
    partner: Any = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        fields = field_choices(session)
    kinds = kind_names(request)
    return page(
        request,
        "partners/form.html",
        status=status,
        form=form,
        partner=partner,
        editable=editable,
        kinds=sorted(kinds.items(), key=lambda kind: kind[1]),
        fields=fields,
        legal_domains=[(domain, domain) for domain in LEGAL_DOMAINS],
    )


def _read_partner(
    request: Request[Any, Any, Any], form: PostedForm, editable: frozenset[str]
) -> Form:
    kinds = tuple(request.app.state.deployment.registry.partner_kinds)
    fields = [
        attrs.evolve(field, choices=kinds) if field.name == "kind" else field
        for field in (*PARTNER_FIELDS, VERSION)
        if field.name in editable
    ]
    return read_form(request, form, fields)


@get("/partners/new", sync_to_thread=False, guards=permitted(permissions.PARTNER_CREATE))
def new_partner(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    shown = Form.showing({"active": True, "legal_domains": [], "working_fields": []})
    return _partner_form(request, deployment, shown, EDITABLE | {"key"})


@post("/partners", sync_to_thread=False, guards=permitted(permissions.PARTNER_CREATE))
def add_partner(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = _read_partner(request, form, EDITABLE | {"key"})
    draft = build(request, entered, PartnerDraft, **entered.values) if entered.valid else None
    added = (
        save(
            request,
            entered,
            deployment,
            create_partner,
            draft,
            deployment.registry,
            actor=actor,
        )
        if draft
        else None
    )
    if added is None:
        return _partner_form(request, deployment, entered, EDITABLE | {"key"}, status=422)
    notify(request, PARTNER_ADDED)
    return redirect(request, f"/partners/{added.key}")


@get("/partners/{key:str}/edit", sync_to_thread=False)
def edit_partner(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        editing = partner_editing(session, key, actor=actor)
    shown = Form.showing({**editing.values, "version": editing.partner.version})
    return _partner_form(request, deployment, shown, editing.editable, partner=editing.partner)


@post("/partners/{key:str}", sync_to_thread=False, guards=permitted(permissions.PARTNER_KEEP))
def change_partner(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a partner entry; unticking "active" deactivates it and keeps its history."""
    with deployment.session() as session:
        editable = partner_editing(session, key, actor=actor).editable
    entered = _read_partner(request, form, editable | {"version"})
    changes = {name: value for name, value in entered.values.items() if name != "version"}

    def change(session: Any) -> Any:
        return update_partner(
            session,
            get_partner(session, key),
            changes,
            deployment.registry,
            actor=actor,
            expected_version=entered.values["version"],
        )

    changed = save(request, entered, deployment, change) if entered.valid else None
    if changed is None:
        with deployment.session() as session:
            editing = partner_editing(session, key, actor=actor)
        entered, status = refused_change(
            entered, lambda: {**editing.values, "version": editing.partner.version}
        )
        return _partner_form(
            request, deployment, entered, editing.editable, partner=editing.partner, status=status
        )
    notify(request, PARTNER_CHANGED)
    return redirect(request, f"/partners/{key}")


def _contact_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    key: str,
    form: Form,
    person_id: int | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        partner = get_partner(session, key)
        person = editable_contact(session, key, person_id, actor=actor) if person_id else None
    return page(
        request,
        "partners/contact.html",
        status=status,
        form=form,
        partner=partner,
        person=person,
    )


@post(
    "/partners/{key:str}/contacts",
    sync_to_thread=False,
    guards=permitted(permissions.PARTNER_CONTACTS),
)
def add_contact_person(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, CONTACT_FIELDS[:-1])
    draft = build(request, entered, ContactDraft, **entered.values) if entered.valid else None

    def add(session: Any, draft: ContactDraft) -> Any:
        return add_contact(session, get_partner(session, key), draft, actor=actor)

    if draft is None or save(request, entered, deployment, add, draft) is None:
        return _contact_form(request, deployment, actor, key, entered, status=422)
    notify(request, CONTACT_ADDED)
    return redirect(request, f"/partners/{key}#contact-heading")


@get("/partners/{key:str}/contacts/{person_id:int}/edit", sync_to_thread=False)
def edit_contact(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    person_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        person = editable_contact(session, key, person_id, actor=actor)
        shown = Form.showing({field.name: getattr(person, field.name) for field in CONTACT_FIELDS})
    return _contact_form(request, deployment, actor, key, shown, person_id)


@post(
    "/partners/{key:str}/contacts/{person_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.PARTNER_CONTACTS),
)
def change_contact(
    request: Request[Any, Any, Any],
    key: FromPath[str],
    person_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a contact person; unticking "active" keeps the person in past records."""
    entered = read_form(request, form, CONTACT_FIELDS)

    def change(session: Any) -> Any:
        partner = get_partner(session, key)
        return update_contact(session, partner, person_id, dict(entered.values), actor=actor)

    if not entered.valid or save(request, entered, deployment, change) is None:
        return _contact_form(request, deployment, actor, key, entered, person_id, status=422)
    notify(request, CONTACT_CHANGED)
    return redirect(request, f"/partners/{key}#contact-heading")


IMPORTED = mark("Imported %(file)s: %(created)s partners added, %(updated)s updated.")
NO_FILE = mark("Please choose a CSV or XLSX file.")
UNREADABLE = mark("The file could not be carried over; please upload it again.")
#: The importer's own words for a file's problems, so that the catalogue translates them.
FILE_MESSAGES = (
    mark("required, but empty"),
    mark("expected a .csv or .xlsx file"),
    mark("the file is empty"),
    mark("required when other contact columns are given"),
)
_ROW = re.compile(r"^(?P<file>[^,]+)(?:, row (?P<row>\d+))?(?:, (?P<column>.+))?$")


@attrs.frozen
class FileProblem:
    """A problem of an uploaded file, as its table shows it: row, column, reason."""

    row: str
    column: str
    message: str


def _file_problems(request: Request[Any, Any, Any], problems: list[Problem]) -> list[FileProblem]:
    found = []
    for problem in problems:
        where = _ROW.match(problem.path)
        row, column = (where["row"] or "", where["column"] or "") if where else ("", problem.path)
        found.append(FileProblem(row, column.strip("'"), translate(request, problem.message)))
    return found


def _import_page(
    request: Request[Any, Any, Any],
    *,
    problems: list[FileProblem] | None = None,
    lines: list[Any] | None = None,
    file_name: str = "",
    content: str = "",
    status: int = 200,
) -> Template:
    return page(
        request,
        "partners/import.html",
        status=status,
        problems=problems or [],
        lines=lines or [],
        file_name=file_name,
        content=content,
        counts={
            action: sum(1 for line in lines or [] if line.action == action)
            for action in ("create", "update", "keep")
        },
    )


@get("/partners/import", sync_to_thread=False, guards=permitted(permissions.PARTNER_IMPORT))
def import_form(request: Request[Any, Any, Any]) -> Template:
    return _import_page(request)


@post(
    "/partners/import/preview",
    sync_to_thread=False,
    guards=permitted(permissions.PARTNER_IMPORT),
)
def preview_import(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    """What the file would change, row by row, or every problem with its row and column."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = translate(request, NO_FILE)
        return _import_page(request, problems=[FileProblem("", "", message)], status=422)
    content = upload.file.read()
    try:
        rows = parse_partner_upload(upload.filename, content, deployment.registry)
        with deployment.session() as session:
            lines = preview_partners(session, rows, actor=actor)
    except InvalidInput as exc:
        problems = _file_problems(request, exc.problems)
        return _import_page(request, problems=problems, file_name=upload.filename, status=422)
    return _import_page(
        request,
        lines=lines,
        file_name=upload.filename,
        content=base64.b64encode(content).decode("ascii"),
    )


@post("/partners/import", sync_to_thread=False, guards=permitted(permissions.PARTNER_IMPORT))
def run_import(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """The previewed file, all rows or none: checked again, as the directory is now."""
    file_name = str(form.get("file_name") or "")
    try:
        content = base64.b64decode(str(form.get("content") or ""), validate=True)
    except binascii.Error:
        content = b""
    if not file_name or not content:
        message = translate(request, UNREADABLE)
        return _import_page(request, problems=[FileProblem("", "", message)], status=422)
    try:
        rows = parse_partner_upload(file_name, content, deployment.registry)
        with deployment.transaction() as session:
            result = import_partners(session, rows, actor=actor, file=file_name)
    except InvalidInput as exc:
        problems = _file_problems(request, exc.problems)
        return _import_page(request, problems=problems, file_name=file_name, status=422)
    notify(request, IMPORTED, file=file_name, created=result.created, updated=result.updated)
    return redirect(request, "/partners")


ROUTES = [
    import_form,
    preview_import,
    run_import,
    partner_list,
    new_partner,
    add_partner,
    partner_page,
    create_partner_feed,
    edit_partner,
    change_partner,
    add_contact_person,
    edit_contact,
    change_contact,
]
