"""Cases and referrals: pseudonymised cases, the person's consent, and referrals between
partners that close their loop. Partner members see what concerns their own partner."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template
from sqlmodel import Session

from netzwerker.domain.cases import services as cases
from netzwerker.domain.cases.models import Referral
from netzwerker.domain.cases.referrals import (
    REFERRAL_WORKFLOW,
    ReferralDraft,
    ReferralFilter,
    ReferralMove,
    find_referrals,
    get_referral,
    move_referral,
    send_referral,
)
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict, Refused
from netzwerker.http.params import CurrentActor, CurrentDeployment, Offset
from netzwerker.web.choices import field_choices, names, partner_choices
from netzwerker.web.forms import (
    CHANGED_MEANWHILE,
    Form,
    FormField,
    PostedForm,
    build,
    read_form,
    refusal,
    save,
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
CASE_OPENED = mark("The case is opened.")
REFERRAL_SENT = mark("The referral is sent; the receiving partner sees it now.")
REFERRAL_MOVED = mark("Saved: the referral is now “%(status)s”.")
CONSENT_RECORDED = mark("The consent is recorded.")
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
    referral_filter = ReferralFilter(
        partner_id=int(partner) if partner and partner.isdigit() else None,
        status=(query["status"],) if "status" in query else (),
    )
    with deployment.session() as session:
        found, total = find_referrals(
            session,
            referral_filter,
            visible=permissions.referral_visibility(actor),
            limit=PAGE_SIZE,
            offset=offset,
        )
        context = _referral_context(session, found)
        partners = partner_choices(session)
    return page(
        request,
        "cases/referrals.html",
        filter_by_partner=permissions.is_staff(actor),
        referrals=found,
        total=total,
        offset=offset,
        limit=PAGE_SIZE,
        query=query,
        partners=partners,
        states=[(state, REFERRAL_WORKFLOW.label(state)) for state in REFERRAL_WORKFLOW.states],
        **context,
    )


def _referral_context(session: Any, found: list[Referral]) -> dict[str, Any]:
    """The names a list of referrals shows: partners and pseudonyms."""
    partner_ids = {r.from_partner_id for r in found} | {r.to_partner_id for r in found}
    return {
        "partner_names": names(session, Partner, partner_ids),
        "pseudonyms": cases.pseudonyms_of(session, [r.case_id for r in found]),
        "state_labels": REFERRAL_WORKFLOW.labels,
    }


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
        referral = get_referral(session, referral_id)
        permissions.check_referral_party(actor, referral)
        context = _referral_context(session, [referral])
    return page(
        request,
        "cases/referral.html",
        status=status,
        referral=referral,
        actions=permissions.referral_actions(actor, referral),
        categories=CATEGORIES,
        errors=errors or {},
        **context,
    )


@get("/referrals/{referral_id:int}", sync_to_thread=False, name="referral")
def referral_detail(
    request: Request[Any, Any, Any],
    referral_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _referral_page(request, deployment, actor, referral_id)


@post("/referrals/{referral_id:int}/{action:str}", sync_to_thread=False)
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
            permissions.check_referral_move(actor, get_referral(session, referral_id), action)
            referral = move_referral(
                session,
                referral_id,
                action,
                ReferralMove(**entered.values),
                today=deployment.today(),
                actor=actor.username,
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
            session,
            case_filter,
            visible=permissions.case_visibility(actor),
            limit=PAGE_SIZE,
            offset=offset,
        )
        groups = cases.target_groups_of(session, [case.id for case in found])  # type: ignore[misc]
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
        may_open=permissions.is_manager(actor),
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


@post("/cases", sync_to_thread=False)
def open_case(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "open cases")
    entered = read_form(request, form, CASE_FIELDS)
    values = {
        **entered.values,
        "kind": cases.CaseKind(entered.values.get("kind") or "person"),
        "working_field": entered.values.get("working_field") or None,
    }
    draft = entered.valid and build(
        request, entered, cases.CaseDraft, messages={"pseudonym": PSEUDONYM}, **values
    )
    case = draft and save(
        request,
        entered,
        deployment,
        cases.create_case,
        draft,
        today=deployment.today(),
        actor=actor.username,
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
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    staff = permissions.is_staff(actor)
    with deployment.session() as session:
        case = permissions.readable_case(session, actor, case_id, today)
        groups = cases.target_groups_of(session, [case_id])[case_id]
        workers = cases.workers_of(session, [case_id])[case_id]
        people = names(session, Person, [worker.person_id for worker in workers])
        consents = cases.consents_of(session, case_id) if staff else []
        referrals, _ = find_referrals(
            session,
            ReferralFilter(case_id=case_id),
            visible=permissions.referral_visibility(actor),
            limit=200,
        )
        context = _referral_context(session, referrals)
        context["partner_names"] |= names(session, Partner, [c.partner_id for c in consents])
        partners = partner_choices(session)
    own = None if permissions.is_staff(actor) else actor.partner_id
    return page(
        request,
        "cases/detail.html",
        status=status,
        case=case,
        kinds=CASE_KINDS,
        groups=groups,
        workers=[(worker, people.get(worker.person_id, "")) for worker in workers],
        worker_roles=WORKER_ROLES,
        consents=[(consent, cases.consent_is_valid(consent, today)) for consent in consents],
        show_consents=staff,
        referrals=referrals,
        categories=CATEGORIES,
        category_choices=_choices(request, CATEGORIES),
        partners=partners,
        senders=[p for p in partners if own is None or p[0] == own],
        may_refer=permissions.acts_for_partners(actor) and case.closed_on is None,
        may_manage=permissions.is_manager(actor),
        errors=errors or {},
        referral_form=referral_form
        or Form.showing({"from_partner_id": own or "", "data_categories": ["basic"]}),
        consent_form=consent_form or Form.showing({"categories": ["basic"]}),
        **context,
    )


@get("/cases/{case_id:int}", sync_to_thread=False, name="case")
def case_detail(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _case_page(request, deployment, actor, case_id)


@post("/cases/{case_id:int}/referrals", sync_to_thread=False)
def refer(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, REFERRAL_FIELDS)
    if entered.valid:
        permissions.acting_partner(actor, entered.values["from_partner_id"], "refer cases")
        draft = ReferralDraft(
            case_id=case_id,
            from_partner_id=entered.values["from_partner_id"],
            to_partner_id=entered.values["to_partner_id"],
            data_categories=[cases.DataCategory(c) for c in entered.values["data_categories"]],
            message=entered.values["message"],
        )
        today = deployment.today()

        def refer_case(session: Session) -> Referral:
            permissions.readable_case(session, actor, case_id, today)
            return send_referral(session, draft, today=today, actor=actor.username)

        # Refused besides: a closed case, a partner that holds it already.
        referral = save(
            request, entered, deployment, refer_case, messages={cases.ConsentMissing: NO_CONSENT}
        )
        if referral:
            notify(request, REFERRAL_SENT)
            return redirect(request, f"/referrals/{referral.id}")
    return _case_page(request, deployment, actor, case_id, referral_form=entered, status=422)


@post("/cases/{case_id:int}/consents", sync_to_thread=False)
def record_consent(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "record consent")
    entered = read_form(request, form, CONSENT_FIELDS)
    values = {
        **entered.values,
        "categories": [cases.DataCategory(c) for c in entered.values.get("categories", ())],
    }
    draft = entered.valid and build(request, entered, cases.ConsentDraft, **values)
    consent = draft and save(
        request,
        entered,
        deployment,
        cases.give_consent,
        case_id,
        draft,
        today=deployment.today(),
        actor=actor.username,
    )
    if consent:
        notify(request, CONSENT_RECORDED)
        return redirect(request, f"/cases/{case_id}#consents-heading")
    return _case_page(request, deployment, actor, case_id, consent_form=entered, status=422)


@post("/cases/{case_id:int}/consents/{consent_id:int}/revoke", sync_to_thread=False)
def revoke(
    request: Request[Any, Any, Any],
    case_id: FromPath[int],
    consent_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    permissions.require_manager(actor, "record revocations")
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
                actor=actor.username,
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
    refer,
    record_consent,
    revoke,
]
