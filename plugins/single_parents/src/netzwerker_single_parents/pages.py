"""The plugin's pages in the web interface: the coaches' caseloads against the limit, the
households in coaching, and a household with its sponsorships (Patenschaften) and the
barriers it met, with the forms to record both."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Template

from netzwerker.domain.references import people_choices
from netzwerker.errors import Refused
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, build, read_form, save
from netzwerker.web.rendering import notify, page, redirect
from netzwerker_single_parents import services

SPONSORSHIP_FIELDS = (
    FormField("sponsor", required=True),
    FormField("started_on", "date", required=True),
    FormField("focus"),
)
END_FIELDS = (FormField("ended_on", "date", required=True),)
HOUSEHOLD_FIELDS = (
    FormField("reference", required=True),
    FormField("coach_person_id", "int", required=True),
    FormField("town"),
    FormField("children", "int"),
    FormField("youngest_child_age", "int"),
    FormField("started_on", "date"),
)
LEFT_FIELDS = (FormField("on", "date", required=True),)
BARRIER_KINDS = {
    "childcare": "Kinderbetreuung",
    "transport": "Mobilität",
    "language": "Sprache",
    "health": "Gesundheit",
    "housing": "Wohnen",
    "debt": "Schulden",
    "digital": "Digitale Zugänge",
    "administration": "Verwaltung",
    "other": "Sonstiges",
}
BARRIER_FIELDS = (
    FormField("kind", "choice", required=True, choices=tuple(BARRIER_KINDS)),
    FormField("noted_on", "date", required=True),
    FormField("step"),
    FormField("note"),
)
#: The service's problems, in German (the plugin's pages speak German only).
PROBLEMS = {
    "must not be empty": "Bitte ausfüllen.",
    "must not be negative": "Bitte keine negative Zahl angeben.",
    "must not be before the start": "Das Ende darf nicht vor dem Beginn liegen.",
}


def _german(form: Form) -> Form:
    form.errors = {key: PROBLEMS.get(text, text) for key, text in form.errors.items()}
    return form


@get("/single_parents/caseloads", sync_to_thread=False)
def caseload_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    with deployment.session() as session:
        rows = services.caseloads(session, deployment, actor=actor)
    limit = services.settings_of(deployment).max_households_per_coach
    return page(request, "single_parents/caseloads.html", rows=rows, limit=limit)


@get("/single_parents/households", sync_to_thread=False)
def household_list(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _household_list(request, deployment, actor)


def _household_list(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        lines = services.household_lines(session, actor=actor, today=deployment.today())
        coaches = people_choices(session) if services.KEEP_COACHING.allows(actor) else []
    return page(
        request,
        "single_parents/households.html",
        status=status,
        lines=lines,
        coaches=coaches,
        limit=services.settings_of(deployment).max_households_per_coach,
        form=form or Form.showing({"children": 1}),
    )


@post(
    "/single_parents/households",
    sync_to_thread=False,
    guards=permitted(services.KEEP_COACHING),
)
def take_into_coaching(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A household taken into coaching, with its coach; a coach at the caseload limit is
    refused or flagged, as the deployment's settings say."""
    entered = read_form(request, form, HOUSEHOLD_FIELDS)
    values = {key: value for key, value in entered.values.items() if value not in (None, "")}
    draft = build(request, entered, services.HouseholdDraft, **values) if entered.valid else None
    household = (
        save(
            request,
            entered,
            deployment,
            services.add_household,
            deployment,
            draft,
            actor=actor,
            messages={
                Refused: "Der Coach hat die Obergrenze erreicht: bitte einen anderen wählen."
            },
        )
        if draft
        else None
    )
    if household is None:
        return _household_list(request, deployment, actor, _german(entered), 422)
    flagged = " Der Coach liegt damit über der Obergrenze." if household.over_caseload else ""
    notify(request, f"Der Haushalt {household.reference} ist in Begleitung.{flagged}")
    return redirect(request, f"/single_parents/households/{household.id}")


@post(
    "/single_parents/households/{household_id:int}/left-benefits",
    sync_to_thread=False,
    guards=permitted(services.KEEP_COACHING),
)
def left_benefits(
    request: Request[Any, Any, Any],
    household_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """The household no longer needs basic income: the goal of the coaching."""
    entered = read_form(request, form, LEFT_FIELDS)
    saved = (
        save(
            request,
            entered,
            deployment,
            services.leave_benefits,
            household_id,
            entered.values["on"],
            actor=actor,
        )
        if entered.valid
        else None
    )
    if saved is None:
        return _household_page(
            request, deployment, actor, household_id, {"left": _german(entered)}, 422
        )
    notify(request, "Gespeichert: Der Haushalt hat den Leistungsbezug verlassen.")
    return redirect(request, f"/single_parents/households/{household_id}")


def _household_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    household_id: int,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        found = services.household_record(session, household_id, actor=actor)
    forms = forms or {}
    today = deployment.today().isoformat()
    return page(
        request,
        "single_parents/household.html",
        status=status,
        **attrs.asdict(found, recurse=False),
        today=deployment.today(),
        barrier_kinds=BARRIER_KINDS,
        sponsorship_form=forms.get("sponsorship") or Form.showing({"started_on": today}),
        barrier_form=forms.get("barrier") or Form.showing({"noted_on": today}),
        left_form=forms.get("left") or Form.showing({"on": today}),
    )


@get("/single_parents/households/{household_id:int}", sync_to_thread=False)
def household_page(
    request: Request[Any, Any, Any],
    household_id: FromPath[int],
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Template:
    return _household_page(request, deployment, actor, household_id)


@post(
    "/single_parents/households/{household_id:int}/sponsorships",
    sync_to_thread=False,
    guards=permitted(services.KEEP_COACHING),
)
def add_sponsorship(
    request: Request[Any, Any, Any],
    household_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A volunteer begins to accompany the household."""
    entered = read_form(request, form, SPONSORSHIP_FIELDS)
    draft = (
        build(request, entered, services.SponsorshipDraft, **entered.values)
        if entered.valid
        else None
    )
    saved = (
        save(
            request, entered, deployment, services.add_sponsorship, household_id, draft, actor=actor
        )
        if draft
        else None
    )
    if saved is None:
        forms = {"sponsorship": _german(entered)}
        return _household_page(request, deployment, actor, household_id, forms, 422)
    notify(request, f"Die Patenschaft mit {saved.sponsor} ist erfasst.")
    return redirect(request, f"/single_parents/households/{household_id}#sponsorships")


@post(
    "/single_parents/sponsorships/{sponsorship_id:int}/end",
    sync_to_thread=False,
    guards=permitted(services.KEEP_COACHING),
)
def end_sponsorship(
    request: Request[Any, Any, Any],
    sponsorship_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """The sponsorship ended on the day given."""
    entered = read_form(request, form, END_FIELDS)
    ended = (
        save(
            request,
            entered,
            deployment,
            services.end_sponsorship,
            sponsorship_id,
            entered.values["ended_on"],
            actor=actor,
            messages={Refused: "Die Patenschaft ist bereits beendet."},
        )
        if entered.valid
        else None
    )
    if ended is None:
        message = next(iter(_german(entered).errors.values()), "")
        notify(request, f"Die Patenschaft wurde nicht beendet: {message}", "error")
        with deployment.session() as session:
            household_id = services.sponsorship_household(session, sponsorship_id)
        return redirect(request, f"/single_parents/households/{household_id}#sponsorships")
    notify(request, f"Die Patenschaft mit {ended.sponsor} ist beendet.")
    return redirect(request, f"/single_parents/households/{ended.household_id}#sponsorships")


@post(
    "/single_parents/households/{household_id:int}/barriers",
    sync_to_thread=False,
    guards=permitted(services.KEEP_COACHING),
)
def add_barrier(
    request: Request[Any, Any, Any],
    household_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A barrier the household met on its way (user journey)."""
    entered = read_form(request, form, BARRIER_FIELDS)
    values = entered.values
    saved = (
        save(
            request,
            entered,
            deployment,
            services.add_barrier,
            household_id,
            services.BarrierDraft(
                kind=services.BarrierKind(values["kind"]),
                noted_on=values["noted_on"],
                step=values["step"],
                note=values["note"],
            ),
            actor=actor,
        )
        if entered.valid
        else None
    )
    if saved is None:
        forms = {"barrier": _german(entered)}
        return _household_page(request, deployment, actor, household_id, forms, 422)
    notify(request, f"Die Barriere „{BARRIER_KINDS[saved.kind]}“ ist erfasst.")
    return redirect(request, f"/single_parents/households/{household_id}#barriers")


ROUTES = [
    caseload_page,
    household_list,
    take_into_coaching,
    left_benefits,
    household_page,
    add_sponsorship,
    end_sponsorship,
    add_barrier,
]
