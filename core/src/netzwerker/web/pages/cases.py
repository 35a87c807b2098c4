"""Cases and referrals: pseudonymised cases, the person's consent, and referrals between
partners that close their loop. Partner members see what concerns their own partner."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.cases import overview
from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.referrals import (
    OPEN_STATES,
    REFERRAL_WORKFLOW,
    ReferralDraft,
    ReferralFilter,
    ReferralMove,
    move_referral,
    send_referral,
    step_permission,
)
from netzwerker.domain.cases.schemas import identity_values
from netzwerker.domain.partners.models import Person
from netzwerker.domain.references import field_choices, names, people_choices
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict, Refused
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.forms import (
    CHANGED_MEANWHILE,
    Form,
    FormField,
    PostedForm,
    build,
    form_page,
    read_form,
    refusal,
    refused_change,
    save,
    save_change,
)
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate
from netzwerker.workflow import TransitionRefused

PAGE_SIZE = 50
CATEGORIES = {
    cases.DataCategory.BASIC: mark("basic data"),
    cases.DataCategory.CONTACT: mark("contact data"),
    cases.DataCategory.EMPLOYMENT: mark("employment"),
    cases.DataCategory.HEALTH: mark("health"),
    cases.DataCategory.FINANCES: mark("finances"),
    cases.DataCategory.FAMILY: mark("family"),
    cases.DataCategory.HOUSING: mark("housing"),
}
CASE_KINDS = {cases.CaseKind.PERSON: mark("person"), cases.CaseKind.HOUSEHOLD: mark("household")}
WORKER_ROLES = {
    cases.WorkerRole.COACH: mark("coach"),
    cases.WorkerRole.SCOUT: mark("integration scout"),
    cases.WorkerRole.CASE_MANAGER: mark("case manager"),
}
CASE_FIELDS = (
    FormField("pseudonym", required=True),
    FormField("kind", "choice", choices=tuple(CASE_KINDS)),
    FormField("working_field"),
    FormField("target_groups", "list"),
    FormField("note"),
)
REFERRAL_FIELDS = (
    FormField("from_partner_id", "int", required=True),
    FormField("to_partner_id", "int", required=True),
    FormField("data_categories", "choices", choices=tuple(CATEGORIES)),
    FormField("message"),
)
CONSENT_FIELDS = (
    FormField("partner_id", "int", required=True),
    FormField("purpose", required=True),
    FormField("categories", "choices", required=True, choices=tuple(CATEGORIES)),
    FormField("given_on", "date"),
    FormField("valid_until", "date"),
)
CASE_CHANGE_FIELDS = (
    FormField("working_field", "choice", label=mark("Working field")),
    FormField(
        "target_groups",
        "list",
        label=mark("Target groups"),
        hint=mark("Several separated by commas"),
    ),
    FormField("note", label=mark("Note"), long=True),
    FormField(
        "closed_on",
        "date",
        label=mark("Closed"),
        hint=mark("The day the case ended; a closed case is referred no more."),
    ),
)
WORKER_FIELDS = (
    FormField("person_id", "int", required=True),
    FormField("role", "choice", required=True, choices=tuple(WORKER_ROLES)),
    FormField("since", "date"),
)
IDENTITY_FIELDS = (
    FormField("name", label=mark("Name")),
    FormField("birth_date", "date", label=mark("Date of birth")),
    FormField("address", label=mark("Address")),
    FormField("phone", label=mark("Phone")),
    FormField("email", label=mark("E-mail")),
    FormField("customer_number", label=mark("Customer number")),
)
CASE_CHANGED = mark("The case was saved.")
#: The services' problems with a case, for the catalogue.
CASE_PROBLEMS = (mark("before the case was opened"), mark("before the assignment began"))
WORKER_ASSIGNED = mark("%(name)s works on the case now.")
WORKER_RELEASED = mark("%(name)s no longer works on the case.")
IDENTITY_SAVED = mark("The direct identifiers are saved.")
IDENTITY_LEAD = mark(
    "Kept apart from the case and shown only to the roles the deployment names; every "
    "reading and every change is in the audit log."
)
ALREADY_OR_CLOSED = mark("The person works on the case already, or the case is closed.")
CASE_OPENED = mark("The case is opened.")
REFERRAL_SENT = mark("The referral is sent; the receiving partner sees it now.")
REFERRAL_MOVED = mark("Saved: the referral is now “%(status)s”.")
CONSENT_RECORDED = mark("The consent is recorded.")
#: The referral list's filters: open ones, and for a partner member which side it is on.
OPEN = mark("open")
RECEIVED = mark("received by us")
SENT = mark("sent by us")
CONSENT_REVOKED = mark("The consent is revoked from today on.")
NO_CONSENT = mark(
    "The person has not consented that this partner receives these data: record the consent first."
)
PSEUDONYM = mark("1 to 60 characters without spaces, e.g. F-2026-017.")


def _choices(request: Request[Any, Any, Any], labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(key), translate(request, label)) for key, label in labels.items()]


# Referrals ----------------------------------------------------------------------------------


@get("/referrals", sync_to_thread=False, name="referrals")
def referral_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    offset: Offset = 0,
) -> Template:
    query = {key: value for key, value in request.query_params.items() if value}
    partner = query.get("partner_id")
    own = permissions.own_partner(actor, permissions.REFERRAL_READ)
    direction = query.get("direction")
    status = query.get("status")
    referral_filter = ReferralFilter(
        partner_id=int(partner) if partner and partner.isdigit() else None,
        to_partner_id=own if direction == "received" else None,
        from_partner_id=own if direction == "sent" else None,
        status=OPEN_STATES if status == "open" else ((status,) if status else ()),
    )
    with deployment.session() as session:
        found = overview.referral_list(
            session, referral_filter, actor=actor, limit=PAGE_SIZE, offset=offset
        )
    return page(
        request,
        "cases/referrals.html",
        filter_by_partner=found.filter_by_partner,
        referrals=found.referrals,
        total=found.total,
        offset=offset,
        limit=PAGE_SIZE,
        query=query,
        partners=found.partners,
        states=[
            ("open", translate(request, OPEN)),
            *((state, REFERRAL_WORKFLOW.label(state)) for state in REFERRAL_WORKFLOW.states),
        ],
        directions=[
            ("received", translate(request, RECEIVED)),
            ("sent", translate(request, SENT)),
        ]
        if own is not None
        else [],
        state_labels=REFERRAL_WORKFLOW.labels,
        **attrs.asdict(found.names),
    )


def _referral_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    referral_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = overview.referral_record(session, referral_id, actor=actor)
    return page(
        request,
        "cases/referral.html",
        status=status,
        referral=found.referral,
        actions=found.actions,
        categories=CATEGORIES,
        errors=errors or {},
        state_labels=REFERRAL_WORKFLOW.labels,
        **attrs.asdict(found.names),
    )


@get("/referrals/{referral_id:int}", sync_to_thread=False, name="referral")
def referral_detail(
    request: Request[Any, Any, Any],
    referral_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _referral_page(request, deployment, actor, referral_id)


@post(
    "/referrals/{referral_id:int}/{action:str}",
    sync_to_thread=False,
    guards=permitted(lambda params: step_permission(params["action"])),
)
def move(
    request: Request[Any, Any, Any],
    referral_id: FromPath[int],
    action: FromPath[str],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = (FormField("reason"), FormField("outcome"), FormField("version", "int"))
    entered = read_form(request, form, fields)
    try:
        with deployment.transaction() as session:
            referral = move_referral(
                session,
                referral_id,
                action,
                ReferralMove(**entered.values),
                today=deployment.today(),
                actor=actor,
            )
    except TransitionRefused as exc:
        errors, status = refusal(request, action, exc)
        return _referral_page(request, deployment, actor, referral_id, errors=errors, status=status)
    except Refused as exc:  # consent revoked since the referral was sent
        errors = {"": translate(request, str(exc))}
        return _referral_page(request, deployment, actor, referral_id, errors=errors, status=409)
    except Conflict:
        notify(request, CHANGED_MEANWHILE, "warning")
        return redirect(request, f"/referrals/{referral_id}")
    notify(request, REFERRAL_MOVED, status=REFERRAL_WORKFLOW.label(referral.status))
    return redirect(request, f"/referrals/{referral_id}")


# Cases ----------------------------------------------------------------------------------------


def _case_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    offset: int = 0,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    query = {key: value for key, value in request.query_params.items() if value}
    case_filter = cases.CaseFilter(
        working_field=query.get("working_field"),
        open={"open": True, "closed": False}.get(query.get("state", "")),
        pseudonym=query.get("q"),
    )
    with deployment.session() as session:
        found, total = cases.find_cases(
            session, case_filter, actor=actor, limit=PAGE_SIZE, offset=offset
        )
        groups = cases.target_groups_of(session, [case.id for case in found])
        fields = field_choices(session)
    return page(
        request,
        "cases/list.html",
        status=status,
        cases=found,
        groups=groups,
        total=total,
        offset=offset,
        limit=PAGE_SIZE,
        query=query,
        fields=fields,
        kinds=CASE_KINDS,
        kind_choices=_choices(request, CASE_KINDS),
        may_open=permissions.allows(actor, permissions.CASE_OPEN),
        form=form or Form.showing({field.name: "" for field in CASE_FIELDS}),
    )


@get("/cases", sync_to_thread=False, name="cases")
def case_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    offset: Offset = 0,
) -> Template:
    return _case_list(request, deployment, actor, offset)


@post("/cases", sync_to_thread=False, guards=permitted(permissions.CASE_OPEN))
def open_case(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, CASE_FIELDS)
    values = {
        **entered.values,
        "kind": cases.CaseKind(entered.values.get("kind") or "person"),
        "working_field": entered.values.get("working_field") or None,
    }
    draft = (
        build(request, entered, cases.CaseDraft, messages={"pseudonym": PSEUDONYM}, **values)
        if entered.valid
        else None
    )
    case = (
        save(
            request,
            entered,
            deployment,
            cases.create_case,
            draft,
            today=deployment.today(),
            actor=actor,
        )
        if draft
        else None
    )
    if case:
        notify(request, CASE_OPENED)
        return redirect(request, f"/cases/{case.id}")
    return _case_list(request, deployment, actor, form=entered, status=422)


def _case_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    case_id: int,
    *,
    referral_form: Form | None = None,
    consent_form: Form | None = None,
    worker_form: Form | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    with deployment.session() as session:
        found = overview.case_record(session, case_id, actor=actor, today=today)
        people = people_choices(session) if found.may_assign else []
    return page(
        request,
        "cases/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False, filter=lambda field, _: field.name != "names"),
        groups=found.target_groups,
        kinds=CASE_KINDS,
        worker_roles=WORKER_ROLES,
        categories=CATEGORIES,
        category_choices=_choices(request, CATEGORIES),
        errors=errors or {},
        referral_form=referral_form
        or Form.showing({"from_partner_id": found.own_partner or "", "data_categories": ["basic"]}),
        consent_form=consent_form or Form.showing({"categories": ["basic"]}),
        worker_form=worker_form or Form.showing({"role": "coach"}),
        people=people,
        role_choices=_choices(request, WORKER_ROLES),
        may_read_identity=permissions.allows(
            actor, permissions.identity_reading(deployment.config.privacy.identity_readers)
        ),
        state_labels=REFERRAL_WORKFLOW.labels,
        **attrs.asdict(found.names),
    )


@get("/cases/{case_id:int}", sync_to_thread=False, name="case")
def case_detail(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _case_page(request, deployment, actor, case_id)


def _case_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    case: Any,
    form: Form,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        options = {"working_field": field_choices(session)}
    title = translate(request, mark("Case %(case)s"), case=case.pseudonym)
    return form_page(
        request,
        form,
        CASE_CHANGE_FIELDS,
        title=mark("Change case"),
        action=f"/cases/{case.id}",
        back=f"/cases/{case.id}",
        options=options,
        status=status,
        breadcrumbs=[("/cases", translate(request, mark("Cases"))), (f"/cases/{case.id}", title)],
        version=case.version,
    )


@get("/cases/{case_id:int}/edit", sync_to_thread=False, guards=permitted(permissions.CASE_CHANGE))
def edit_case(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        case, values = cases.case_values(session, case_id, actor=actor)
    return _case_form(request, deployment, case, Form.showing(values))


@post("/cases/{case_id:int}", sync_to_thread=False, guards=permitted(permissions.CASE_CHANGE))
def change_case(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a case's field, target groups and note, or close it."""
    fields = [*CASE_CHANGE_FIELDS, FormField("version", "int", required=True)]
    entered = read_form(request, form, fields)
    changes = entered.changes
    changes["working_field"] = changes.get("working_field") or None
    changed = save_change(
        request,
        entered,
        deployment,
        cases.update_case,
        case_id,
        changes,
        actor=actor,
    )
    if changed is None:
        with deployment.session() as session:
            case, values = cases.case_values(session, case_id, actor=actor)
        shown, status = refused_change(entered, lambda: values)
        return _case_form(request, deployment, case, shown, status)
    notify(request, CASE_CHANGED)
    return redirect(request, f"/cases/{case_id}")


@post(
    "/cases/{case_id:int}/workers",
    sync_to_thread=False,
    guards=permitted(permissions.CASE_ASSIGN),
)
def assign(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A coach or scout takes the case on."""
    entered = read_form(request, form, WORKER_FIELDS)
    values = entered.values
    worker = (
        save(
            request,
            entered,
            deployment,
            lambda session: cases.assign_worker(
                session,
                case_id,
                cases.WorkerDraft(
                    values["person_id"], cases.WorkerRole(values["role"]), values["since"]
                ),
                today=deployment.today(),
                actor=actor,
            ),
            messages={Refused: ALREADY_OR_CLOSED},
        )
        if entered.valid
        else None
    )
    if worker is None:
        return _case_page(request, deployment, actor, case_id, worker_form=entered, status=422)
    notify(request, WORKER_ASSIGNED, name=_person_name(deployment, worker.person_id))
    return redirect(request, f"/cases/{case_id}#workers-heading")


def _person_name(deployment: CurrentDeployment, person_id: int) -> str:
    with deployment.session() as session:
        return names(session, Person, [person_id]).get(person_id, "")


@post(
    "/cases/{case_id:int}/workers/{worker_id:int}/end",
    sync_to_thread=False,
    guards=permitted(permissions.CASE_ASSIGN),
)
def release(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    worker_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A coach or scout leaves the case on the day given (today if none)."""
    entered = read_form(request, form, (FormField("until", "date"),))
    worker = (
        save(
            request,
            entered,
            deployment,
            lambda session: cases.end_assignment(
                session,
                case_id,
                worker_id,
                until=entered.values["until"] or deployment.today(),
                actor=actor,
            ),
            aliases={"until": "until"},
        )
        if entered.valid
        else None
    )
    if worker is None:
        errors = {"": " ".join(entered.errors.values())}
        return _case_page(request, deployment, actor, case_id, errors=errors, status=422)
    notify(request, WORKER_RELEASED, name=_person_name(deployment, worker.person_id))
    return redirect(request, f"/cases/{case_id}#workers-heading")


def _identity_form(
    request: Request[Any, Any, Any], case: Any, form: Form, status: int = 200
) -> Template:
    title = translate(request, mark("Case %(case)s"), case=case.pseudonym)
    return form_page(
        request,
        form,
        IDENTITY_FIELDS,
        title=mark("Direct identifiers"),
        action=f"/cases/{case.id}/identity",
        back=f"/cases/{case.id}",
        status=status,
        breadcrumbs=[("/cases", translate(request, mark("Cases"))), (f"/cases/{case.id}", title)],
        lead=translate(request, IDENTITY_LEAD),
    )


@get("/cases/{case_id:int}/identity", sync_to_thread=False)
def identity(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    """The person's direct identifiers, for the roles ``[privacy] identity_readers`` names;
    reading them is audited."""
    readers = deployment.config.privacy.identity_readers
    with deployment.transaction() as session:
        stored = cases.read_identity(session, case_id, actor=actor, readers=readers)
        case = cases.get_case(session, case_id)
        values = identity_values(stored) if stored else {}
    return _identity_form(request, case, Form.showing(values))


@post(
    "/cases/{case_id:int}/identity",
    sync_to_thread=False,
    guards=permitted(permissions.CASE_CHANGE),
)
def keep_identity(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, IDENTITY_FIELDS)
    readers = deployment.config.privacy.identity_readers
    draft = (
        build(request, entered, cases.IdentityDraft, **entered.values) if entered.valid else None
    )

    def keep(session: Any, identity: cases.IdentityDraft) -> bool:
        cases.set_identity(session, case_id, identity, actor=actor, readers=readers)
        return True

    saved = save(request, entered, deployment, keep, draft) if draft else None
    if saved is None:
        with deployment.session() as session:
            case = cases.get_case(session, case_id)
        return _identity_form(request, case, entered, 422)
    notify(request, IDENTITY_SAVED)
    return redirect(request, f"/cases/{case_id}")


@post(
    "/cases/{case_id:int}/referrals",
    sync_to_thread=False,
    guards=permitted(permissions.REFERRAL_SEND),
)
def refer(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, REFERRAL_FIELDS)
    if entered.valid:
        draft = ReferralDraft(
            case_id=case_id,
            from_partner_id=entered.values["from_partner_id"],
            to_partner_id=entered.values["to_partner_id"],
            data_categories=[cases.DataCategory(c) for c in entered.values["data_categories"]],
            message=entered.values["message"],
        )
        # Refused besides: a closed case, a partner that holds it already.
        referral = save(
            request,
            entered,
            deployment,
            send_referral,
            draft,
            today=deployment.today(),
            actor=actor,
            messages={cases.ConsentMissing: NO_CONSENT},
        )
        if referral:
            notify(request, REFERRAL_SENT)
            return redirect(request, f"/referrals/{referral.id}")
    return _case_page(request, deployment, actor, case_id, referral_form=entered, status=422)


@post(
    "/cases/{case_id:int}/consents",
    sync_to_thread=False,
    guards=permitted(permissions.CONSENT_RECORD),
)
def record_consent(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, CONSENT_FIELDS)
    values = {
        **entered.values,
        "categories": [cases.DataCategory(c) for c in entered.values.get("categories", ())],
    }
    draft = build(request, entered, cases.ConsentDraft, **values) if entered.valid else None
    consent = (
        save(
            request,
            entered,
            deployment,
            cases.give_consent,
            case_id,
            draft,
            today=deployment.today(),
            actor=actor,
        )
        if draft
        else None
    )
    if consent:
        notify(request, CONSENT_RECORDED)
        return redirect(request, f"/cases/{case_id}#consents-heading")
    return _case_page(request, deployment, actor, case_id, consent_form=entered, status=422)


@post(
    "/cases/{case_id:int}/consents/{consent_id:int}/revoke",
    sync_to_thread=False,
    guards=permitted(permissions.CONSENT_RECORD),
)
def revoke(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    consent_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = (FormField("reason", required=True), FormField("version", "int"))
    entered = read_form(request, form, fields)
    if not entered.valid:
        errors = {f"{consent_id}-revoke.reason": entered.errors["reason"]}
        return _case_page(request, deployment, actor, case_id, errors=errors, status=422)
    try:
        with deployment.transaction() as session:
            cases.revoke_consent(
                session,
                case_id,
                consent_id,
                reason=entered.values["reason"],
                today=deployment.today(),
                actor=actor,
                expected_version=entered.values["version"],
            )
    except Conflict:
        notify(request, CHANGED_MEANWHILE, "warning")
    else:
        notify(request, CONSENT_REVOKED)
    return redirect(request, f"/cases/{case_id}#consents-heading")


ROUTES = [
    referral_list,
    referral_detail,
    move,
    case_list,
    open_case,
    case_detail,
    edit_case,
    change_case,
    assign,
    release,
    identity,
    keep_identity,
    refer,
    record_consent,
    revoke,
]
