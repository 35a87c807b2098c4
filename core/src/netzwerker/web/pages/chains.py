"""Service chains: the list, a chain with its steps, the partners' binding agreements, the
people on it and its report (waiting time and drop-outs per step); building and changing a
chain with its steps; putting a person on a chain and moving them along."""

from __future__ import annotations

import re
from typing import Annotated, Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.domain.cases.referrals import REFERRAL_WORKFLOW
from netzwerker.domain.cases.services import DataCategory, pseudonyms_of
from netzwerker.domain.catalogue.services import offer_choices
from netzwerker.domain.chains import overview
from netzwerker.domain.chains.services import (
    AgreementDraft,
    AlreadyOnChain,
    ChainDraft,
    ChainInUse,
    ChainNotReady,
    ChainStart,
    Handover,
    InstanceEnded,
    StepDraft,
    StepNotBegun,
    advance_instance,
    create_chain,
    drop_out,
    get_instance,
    record_agreement,
    start_instance,
    update_chain,
)
from netzwerker.domain.partners.models import LegalDomain
from netzwerker.domain.references import field_choices, partner_choices
from netzwerker.domain.users import permissions
from netzwerker.errors import Conflict, InvalidInput, Refused
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import (
    Form,
    FormField,
    PostedForm,
    build,
    form_page,
    read_form,
    refused_change,
    save,
    save_change,
)
from netzwerker.web.i18n import mark
from netzwerker.web.pages.cases import CATEGORIES
from netzwerker.web.rendering import notify, page, redirect, translate

CHAIN_FIELDS = (
    FormField(
        "key",
        "key",
        required=True,
        label=mark("Key"),
        hint=mark("Lower-case letters, digits, “-” and “_”; it never changes, e.g. sucht-arbeit."),
    ),
    FormField("name", required=True, label=mark("Name")),
    FormField("target_group", required=True, label=mark("Target group")),
    FormField("working_field", "choice", label=mark("Working field")),
    FormField("description", label=mark("Description"), long=True),
    FormField("active", "flag", label=mark("Active")),
)
#: A step's fields; the form names them ``step-<row>-<name>``.
STEP_FIELDS = (
    FormField("title", label=mark("Title")),
    FormField("partner_id", "int", label=mark("Partner")),
    FormField(
        "legal_domain",
        "choice",
        label=mark("Legal domain"),
        choices=tuple(domain.value for domain in LegalDomain),
    ),
    FormField("offer_id", "int", label=mark("Offer")),
    FormField(
        "handover_criteria",
        label=mark("Handover criteria"),
        hint=mark("When the person is handed on to this step."),
        long=True,
    ),
    FormField("max_wait_days", "int", label=mark("Longest wait in days")),
)
#: Empty step rows a chain's form offers beyond its steps.
SPARE_ROWS = 2
STEP_ROW = re.compile(r"step-(\d+)-")
AGREEMENT_FIELDS = (
    FormField("partner_id", "int", required=True),
    FormField("agreed_by", required=True),
    FormField("agreed_on", "date"),
)
START_FIELDS = (
    FormField("case_id", "int", required=True),
    FormField("from_partner_id", "int", required=True),
    FormField("data_categories", "choices", choices=tuple(CATEGORIES)),
    FormField("message"),
)
MOVE_FIELDS = (FormField("version", "int", required=True), FormField("reason"))
STEP_NEEDS = mark("A step needs a title, a partner and a legal domain.")
CHAIN_BUILT = mark("The service chain is built; it binds once every step partner has agreed.")
CHAIN_CHANGED = mark("The service chain was saved.")
AGREED = mark("The agreement of %(name)s is recorded.")
STARTED = mark("%(name)s is on the chain and referred to its first step.")
ADVANCED = mark("%(name)s moved on.")
COMPLETED = mark("%(name)s completed the chain.")
DROPPED = mark("%(name)s left the chain.")
REASON_NEEDED = mark("Please say why the person left the chain.")
INSTANCE_CHANGED = mark("Someone moved the person meanwhile; the chain is shown as it is now.")
#: What the services refuse, in German.
REFUSALS: dict[type[Exception], str] = {
    ChainInUse: mark("People are on this chain: its steps cannot change now."),
    ChainNotReady: mark("The chain is inactive or not yet agreed by every step partner."),
    AlreadyOnChain: mark("This case is on the chain already."),
    InstanceEnded: mark("The person completed the chain or left it."),
    StepNotBegun: mark(
        "The step's partner has not seen the person yet: the person moves on after the "
        "first contact."
    ),
}
#: The services' problems with a chain, for the catalogue.
CHAIN_PROBLEMS = (
    mark("a chain has at least one step"),
    mark("the offer is not the step partner's"),
    mark("not a partner of any step of this chain"),
)
INSTANCE_STATUSES = {
    "active": mark("on the chain"),
    "completed": mark("completed"),
    "dropped_out": mark("dropped out"),
}


@get("/chains", sync_to_thread=False, name="chains")
def chain_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    working_field: Annotated[str | None, QueryParameter()] = None,
) -> Template:
    with deployment.session() as session:
        found = overview.chain_list(session, working_field=working_field or None)
        fields = field_choices(session)
    return page(
        request,
        "chains/list.html",
        **attrs.asdict(found, recurse=False),
        fields=fields,
        query={"working_field": working_field} if working_field else {},
        may_build=permissions.allows(actor, permissions.CHAIN_BUILD),
    )


def _chain_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    chain_id: int,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = overview.chain_record(session, chain_id, actor=actor, today=deployment.today())
    forms = forms or {}
    return page(
        request,
        "chains/detail.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        categories=[(key.value, translate(request, label)) for key, label in CATEGORIES.items()],
        instance_statuses=INSTANCE_STATUSES,
        referral_labels=REFERRAL_WORKFLOW.labels,
        agreement_form=forms.get("agreement") or Form.showing({}),
        start_form=forms.get("start") or Form.showing({"data_categories": ["basic"]}),
    )


@get("/chains/{chain_id:int}", sync_to_thread=False, name="chain")
def chain_page(
    request: Request[Any, Any, Any],
    chain_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _chain_page(request, deployment, actor, chain_id)


# Building and changing a chain ----------------------------------------------------------


def _rows(form: Any) -> list[int]:
    """The step rows a posted form holds, in order."""
    return sorted({int(match.group(1)) for key in form for match in [STEP_ROW.match(key)] if match})


def _step_fields(row: int) -> list[FormField]:
    return [attrs.evolve(field, name=f"step-{row}-{field.name}") for field in STEP_FIELDS]


def _read_chain(
    request: Request[Any, Any, Any], form: Any, fields: list[FormField]
) -> tuple[Form, list[StepDraft], dict[str, str]]:
    """The chain's fields, its filled step rows as drafts, and where each step's problems
    go (``steps[i].name`` → the row's field)."""
    rows = _rows(form)
    entered = read_form(
        request, form, [*fields, *(field for row in rows for field in _step_fields(row))]
    )
    steps: list[StepDraft] = []
    aliases: dict[str, str] = {}
    for row in rows:
        values = {
            field.name: entered.values.get(f"step-{row}-{field.name}") for field in STEP_FIELDS
        }
        if all(value in (None, "") for value in values.values()):
            continue
        if not (values["title"] and values["partner_id"] and values["legal_domain"]):
            entered.errors.setdefault(f"step-{row}-title", translate(request, STEP_NEEDS))
            continue
        row_names = {field.name: f"step-{row}-{field.name}" for field in STEP_FIELDS}
        step = build(
            request,
            entered,
            StepDraft,
            aliases=row_names,
            title=values["title"],
            partner_id=values["partner_id"],
            legal_domain=LegalDomain(values["legal_domain"]),
            offer_id=values["offer_id"],
            handover_criteria=values["handover_criteria"] or "",
            max_wait_days=values["max_wait_days"],
        )
        if step is not None:
            for name, shown in row_names.items():
                aliases[f"steps[{len(steps)}].{name}"] = shown
            steps.append(step)
    return entered, steps, aliases


def _chain_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    form: Form,
    *,
    chain: Any = None,
    status: int = 200,
) -> Template:
    rows = _rows(form.raw)
    rows = [*rows, *range(max(rows, default=0) + 1, max(rows, default=0) + 1 + SPARE_ROWS)]
    with deployment.session() as session:
        partners = partner_choices(session)
        offers = offer_choices(session)
        options: dict[str, Any] = {"working_field": field_choices(session)}
    domains = [(domain.value, domain.value) for domain in LegalDomain]
    for row in rows:
        options[f"step-{row}-partner_id"] = partners
        options[f"step-{row}-legal_domain"] = domains
        options[f"step-{row}-offer_id"] = offers
    chains = ("/chains", translate(request, mark("Service chains")))
    excluded = {"active"} if chain is None else {"key"}
    return form_page(
        request,
        form,
        [field for field in CHAIN_FIELDS if field.name not in excluded],
        title=mark("Change service chain") if chain else mark("Build a service chain"),
        action=f"/chains/{chain.id}" if chain else "/chains",
        back=f"/chains/{chain.id}" if chain else "/chains",
        options=options,
        status=status,
        breadcrumbs=[chains, (f"/chains/{chain.id}", chain.name)] if chain else [chains],
        version=chain.version if chain else None,
        lead=translate(
            request,
            mark(
                "The steps in the order a person goes through them. Empty rows are left out; "
                "save to get more rows. New steps void the partners' agreements."
            ),
        ),
        fieldsets=[
            (translate(request, mark("Step %(number)s"), number=index), _step_fields(row))
            for index, row in enumerate(rows, 1)
        ],
    )


def _shown_chain(values: dict[str, Any]) -> dict[str, Any]:
    """A chain's values with its steps as rows of the form."""
    shown = {key: value for key, value in values.items() if key != "steps"}
    for row, step in enumerate(values["steps"], 1):
        for field in STEP_FIELDS:
            shown[f"step-{row}-{field.name}"] = getattr(step, field.name)
    return shown


@get("/chains/new", sync_to_thread=False, guards=permitted(permissions.CHAIN_BUILD))
def new_chain(request: Request[Any, Any, Any], deployment: CurrentDeployment) -> Template:
    return _chain_form(request, deployment, Form.showing({"step-1-legal_domain": "SGB II"}))


@post("/chains", sync_to_thread=False, guards=permitted(permissions.CHAIN_BUILD))
def build_chain(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    fields = [field for field in CHAIN_FIELDS if field.name != "active"]
    entered, steps, aliases = _read_chain(request, form, fields)
    values = {**entered.values, "working_field": entered.values.get("working_field") or None}
    values = {
        key: values[key] for key in ("key", "name", "target_group", "working_field", "description")
    }
    draft = build(request, entered, ChainDraft, **values, steps=steps) if entered.valid else None
    chain = (
        save(request, entered, deployment, create_chain, draft, actor=actor, aliases=aliases)
        if draft
        else None
    )
    if chain is None:
        return _chain_form(request, deployment, entered, status=422)
    notify(request, CHAIN_BUILT)
    return redirect(request, f"/chains/{chain.id}")


@get("/chains/{chain_id:int}/edit", sync_to_thread=False, guards=permitted(permissions.CHAIN_BUILD))
def edit_chain(
    request: Request[Any, Any, Any],
    chain_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    with deployment.session() as session:
        chain, values = overview.chain_values(session, chain_id, actor=actor)
    return _chain_form(request, deployment, Form.showing(_shown_chain(values)), chain=chain)


@post("/chains/{chain_id:int}", sync_to_thread=False, guards=permitted(permissions.CHAIN_BUILD))
def change_chain(
    request: Request[Any, Any, Any],
    chain_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Change a chain and its steps; new steps void the partners' agreements."""
    fields = [field for field in CHAIN_FIELDS if field.name != "key"]
    entered, steps, aliases = _read_chain(
        request, form, [*fields, FormField("version", "int", required=True)]
    )
    changes = {key: value for key, value in entered.values.items() if not key.startswith("step-")}
    changes.pop("version", None)
    changes["working_field"] = changes.get("working_field") or None
    changed = save_change(
        request,
        entered,
        deployment,
        update_chain,
        chain_id,
        {**changes, "steps": steps},
        actor=actor,
        aliases=aliases,
        messages=REFUSALS,
    )
    if changed is None:
        with deployment.session() as session:
            chain, values = overview.chain_values(session, chain_id, actor=actor)
        shown, status = refused_change(entered, lambda: _shown_chain(values))
        if status == 422 and not entered.errors.keys() - {""}:
            status = 409  # refused by the rules, not by a field
        return _chain_form(request, deployment, shown, chain=chain, status=status)
    notify(request, CHAIN_CHANGED)
    return redirect(request, f"/chains/{chain_id}")


# Agreements and the people on a chain ---------------------------------------------------


@post(
    "/chains/{chain_id:int}/agreements",
    sync_to_thread=False,
    guards=permitted(permissions.CHAIN_AGREE),
)
def agree(
    request: Request[Any, Any, Any],
    chain_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Record that a step partner agreed to the chain, and who signed for it."""
    entered = read_form(request, form, AGREEMENT_FIELDS)
    draft = build(request, entered, AgreementDraft, **entered.values) if entered.valid else None
    agreement = (
        save(
            request,
            entered,
            deployment,
            lambda session: record_agreement(
                session, chain_id, draft, today=deployment.today(), actor=actor
            ),
        )
        if draft
        else None
    )
    if agreement is None:
        return _chain_page(request, deployment, actor, chain_id, {"agreement": entered}, 422)
    notify(request, AGREED, name=agreement.agreed_by)
    return redirect(request, f"/chains/{chain_id}#agreements")


@post(
    "/chains/{chain_id:int}/instances",
    sync_to_thread=False,
    guards=permitted(permissions.CHAIN_MOVE),
)
def start(
    request: Request[Any, Any, Any],
    chain_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Put a case on the chain: it is referred to the first step's partner."""
    entered = read_form(request, form, START_FIELDS)
    values = entered.values
    draft = (
        ChainStart(
            case_id=values["case_id"],
            from_partner_id=values["from_partner_id"],
            data_categories=[DataCategory(c) for c in values["data_categories"]]
            or [DataCategory.BASIC],
            message=values["message"],
        )
        if entered.valid
        else None
    )
    instance = (
        save(
            request,
            entered,
            deployment,
            lambda session: start_instance(
                session, chain_id, draft, today=deployment.today(), actor=actor
            ),
            messages=REFUSALS,
        )
        if draft
        else None
    )
    if instance is None:
        return _chain_page(request, deployment, actor, chain_id, {"start": entered}, 422)
    notify(request, STARTED, name=_pseudonym(deployment, instance.case_id))
    return redirect(request, f"/chains/{chain_id}#people")


def _pseudonym(deployment: CurrentDeployment, case_id: int) -> str:
    with deployment.session() as session:
        return pseudonyms_of(session, [case_id]).get(case_id, "")


def _move(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    instance_id: int,
    form: Any,
    move: Any,
) -> Response[Any]:
    """Move a person along a chain (or off it), with the version the page showed; what the
    rules refuse is said above the chain, and nothing is written."""
    entered = read_form(request, form, MOVE_FIELDS)
    try:
        with deployment.transaction() as session:
            instance = move(session, entered.values)
            chain_id, status, step = instance.chain_id, instance.status, instance.step
            name = pseudonyms_of(session, [instance.case_id]).get(instance.case_id, "")
    except Conflict:
        notify(request, INSTANCE_CHANGED, "warning")
        return redirect(request, _chain_of(deployment, instance_id))
    except InvalidInput:
        notify(request, REASON_NEEDED, "error")
        return redirect(request, _chain_of(deployment, instance_id))
    except Refused as exc:
        message = next((text for kind, text in REFUSALS.items() if isinstance(exc, kind)), str(exc))
        notify(request, message, "error")
        return redirect(request, _chain_of(deployment, instance_id))
    message = {"completed": COMPLETED, "dropped_out": DROPPED}.get(status, ADVANCED)
    notify(request, message, name=name, step=step)
    return redirect(request, f"/chains/{chain_id}#people")


def _chain_of(deployment: CurrentDeployment, instance_id: int) -> str:
    with deployment.session() as session:
        return f"/chains/{get_instance(session, instance_id).chain_id}#people"


@post(
    "/chain-instances/{instance_id:int}/advance",
    sync_to_thread=False,
    guards=permitted(permissions.CHAIN_MOVE),
)
def advance(
    request: Request[Any, Any, Any],
    instance_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Hand the person on to the next step, after the current step's first contact."""
    return _move(
        request,
        deployment,
        instance_id,
        form,
        lambda session, values: advance_instance(
            session,
            instance_id,
            Handover(),
            today=deployment.today(),
            actor=actor,
            expected_version=values["version"],
        ),
    )


@post(
    "/chain-instances/{instance_id:int}/drop-out",
    sync_to_thread=False,
    guards=permitted(permissions.CHAIN_MOVE),
)
def leave(
    request: Request[Any, Any, Any],
    instance_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """The person left the chain at its current step (a reason is required)."""
    return _move(
        request,
        deployment,
        instance_id,
        form,
        lambda session, values: drop_out(
            session,
            instance_id,
            values["reason"],
            today=deployment.today(),
            actor=actor,
            expected_version=values["version"],
        ),
    )


ROUTES = [
    chain_list,
    new_chain,
    build_chain,
    chain_page,
    edit_chain,
    change_chain,
    agree,
    start,
    advance,
    leave,
]
