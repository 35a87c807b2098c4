"""Appraisal, under "Offers and needs": the quality of the offers, the priorities among the
proposed measures, and the money and staff hours spent per offer and provider, with the
forms to rate and to record what was spent."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from netzwerker.config import RatingScheme
from netzwerker.domain.appraisal.services import (
    RatingDraft,
    ResourceDraft,
    Subject,
    offer_quality,
    priorities,
    rate,
    resources,
    spend,
)
from netzwerker.domain.catalogue.services import get_offer, offer_choices
from netzwerker.domain.projects.lifecycle import PROJECT_WORKFLOW
from netzwerker.domain.projects.services import get_project
from netzwerker.domain.references import partner_choices
from netzwerker.domain.users import permissions
from netzwerker.errors import Refused
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, build, form_page, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect, translate

RESOURCE_FIELDS = (
    FormField("offer_id", "int", required=True, label=mark("Offer")),
    FormField("year", "int", required=True, label=mark("Year")),
    FormField(
        "partner_id",
        "int",
        label=mark("Provider"),
        hint=mark("Empty: the offer's own partner."),
    ),
    FormField("money", "decimal", label=mark("Money in euros")),
    FormField("staff_hours", "decimal", label=mark("Staff hours")),
    FormField("source", label=mark("Source of the money"), hint=mark("e.g. ESF, Kommune")),
    FormField("note", label=mark("Note"), long=True),
)
RATED = mark("The rating of %(name)s is recorded.")
SPENT = mark("What was spent is recorded.")
NO_SCHEME = mark("No rating scheme: set [appraisal.%(scheme)s] in deployment.toml.")
RATE_ONE = mark("Please rate at least one criterion.")
NO_LONGER_PROPOSED = mark("The project is no longer a proposed measure: it is rated no more.")
#: The subjects by the address of their rating form.
SUBJECTS = {"offers": Subject.OFFER, "projects": Subject.PROJECT}


def _scheme(deployment: CurrentDeployment, subject: Subject) -> RatingScheme | None:
    schemes = deployment.config.appraisal
    return schemes.quality if subject is Subject.OFFER else schemes.priorities


@get("/catalogue/appraisal", sync_to_thread=False, name="appraisal")
def appraisal_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    year: Annotated[int | None, QueryParameter()] = None,
) -> Template:
    return _appraisal_page(request, deployment, actor, year)


def _appraisal_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    year: int | None,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    quality_scheme = _scheme(deployment, Subject.OFFER)
    priority_scheme = _scheme(deployment, Subject.PROJECT)
    may_spend = permissions.allows(actor, permissions.APPRAISAL_RESOURCES)
    with deployment.session() as session:
        quality = offer_quality(session, deployment, year=year) if quality_scheme else []
        proposed = priorities(session, deployment) if priority_scheme else []
        by_provider = resources(session, by="partner", year=year)
        offers = offer_choices(session) if may_spend else []
        partners = partner_choices(session) if may_spend else []
    return page(
        request,
        "catalogue/appraisal.html",
        status=status,
        quality_scheme=quality_scheme,
        priority_scheme=priority_scheme,
        quality=quality,
        proposed=proposed,
        by_provider=by_provider,
        year=year,
        state_labels=PROJECT_WORKFLOW.labels,
        may_rate=permissions.allows(actor, permissions.APPRAISAL_RATE),
        may_spend=may_spend,
        offers=offers,
        partners=partners,
        fields=RESOURCE_FIELDS,
        form=form or Form.showing({"year": deployment.today().year}),
    )


def _rating_fields(scheme: RatingScheme) -> list[FormField]:
    scores = tuple(str(score) for score in range(1, scheme.scale + 1))
    return [
        *(
            FormField(
                f"score.{criterion.key}",
                "choice",
                choices=scores,
                label=criterion.name,
                hint=criterion.description,
            )
            for criterion in scheme.criteria
        ),
        FormField("rated_on", "date", label=mark("Rated on"), hint=mark("Empty: today.")),
        FormField("note", label=mark("Note"), long=True),
    ]


def _rating_form(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    kind: str,
    subject_id: int,
    form: Form,
    status: int = 200,
) -> Template:
    subject = SUBJECTS.get(kind)
    scheme = _scheme(deployment, subject) if subject else None
    if subject is None or scheme is None:
        raise Refused(translate(request, NO_SCHEME, scheme="quality"))
    name = _subject_name(deployment, subject, subject_id)
    scores = [(value, value) for value in map(str, range(1, scheme.scale + 1))]
    fields = _rating_fields(scheme)
    return form_page(
        request,
        form,
        fields,
        title=translate(request, mark("Rate %(name)s"), name=name),
        action=f"/catalogue/appraisal/{kind}/{subject_id}",
        back="/catalogue/appraisal",
        options={field.name: scores for field in fields if field.kind == "choice"},
        status=status,
        breadcrumbs=[
            ("/catalogue", translate(request, mark("Offers and needs"))),
            ("/catalogue/appraisal", translate(request, mark("Appraisal"))),
        ],
        lead=translate(
            request,
            mark("From 1 to %(scale)s, higher is better; a criterion left empty is not rated."),
            scale=scheme.scale,
        ),
        button=translate(request, mark("Record the rating")),
    )


@get(
    "/catalogue/appraisal/{kind:str}/{subject_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.APPRAISAL_RATE),
)
def rating_form(
    request: Request[Any, Any, Any],
    kind: FromPath[str],
    subject_id: FromPath[int],
    deployment: CurrentDeployment,
) -> Template:
    return _rating_form(request, deployment, kind, subject_id, Form.showing({}))


@post(
    "/catalogue/appraisal/{kind:str}/{subject_id:int}",
    sync_to_thread=False,
    guards=permitted(permissions.APPRAISAL_RATE),
)
def record_rating(
    request: Request[Any, Any, Any],
    kind: FromPath[str],
    subject_id: FromPath[int],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """Scores of an offer's quality or of a proposed measure's priority, per criterion."""
    subject = SUBJECTS.get(kind)
    scheme = _scheme(deployment, subject) if subject else None
    if subject is None or scheme is None:
        raise Refused(translate(request, NO_SCHEME, scheme="quality"))
    entered = read_form(request, form, _rating_fields(scheme))
    values = entered.values
    ratings = [
        RatingDraft(
            criterion=criterion.key,
            score=int(values[f"score.{criterion.key}"]),
            rated_on=values["rated_on"],
            note=values["note"],
        )
        for criterion in scheme.criteria
        if values.get(f"score.{criterion.key}")
    ]
    if entered.valid and not ratings:
        entered.errors[""] = translate(request, RATE_ONE)
    saved = (
        save(
            request,
            entered,
            deployment,
            lambda session: rate(
                session,
                deployment,
                subject,
                subject_id,
                ratings,
                today=deployment.today(),
                actor=actor,
            ),
            messages={Refused: NO_LONGER_PROPOSED},
        )
        if entered.valid
        else None
    )
    if saved is None:
        return _rating_form(request, deployment, kind, subject_id, entered, status=422)
    notify(request, RATED, name=_subject_name(deployment, subject, subject_id))
    return redirect(request, "/catalogue/appraisal")


def _subject_name(deployment: CurrentDeployment, subject: Subject, subject_id: int) -> str:
    """The title of the offer or the proposed measure rated."""
    with deployment.session() as session:
        if subject is Subject.OFFER:
            return get_offer(session, subject_id).title
        return get_project(session, subject_id).title


@post(
    "/catalogue/appraisal/resources",
    sync_to_thread=False,
    guards=permitted(permissions.APPRAISAL_RESOURCES),
)
def record_resources(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """What a provider spends on an offer in a year (the same provider, year and source
    again replaces the figures)."""
    entered = read_form(request, form, RESOURCE_FIELDS)
    values = {key: value for key, value in entered.values.items() if value is not None}
    draft = build(request, entered, ResourceDraft, **values) if entered.valid else None
    saved = save(request, entered, deployment, spend, draft, actor=actor) if draft else None
    if saved is None:
        return _appraisal_page(request, deployment, actor, None, entered, status=422)
    notify(request, SPENT)
    return redirect(request, "/catalogue/appraisal#resources-heading")


ROUTES = [appraisal_page, rating_form, record_rating, record_resources]
