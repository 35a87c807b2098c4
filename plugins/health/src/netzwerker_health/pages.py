"""The health plugin's page in the web interface: staff trainings on health topics, and
recording one."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Template

from netzwerker.domain.references import partner_choices, partner_key_choices
from netzwerker.domain.users.permissions import Actor
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, build, read_form, save
from netzwerker.web.rendering import notify, page, redirect
from netzwerker_health.services import RECORD_TRAINING, TrainingDraft, add_training, trainings

TRAINING_FIELDS = (
    FormField("title", required=True),
    FormField("held_on", "date", required=True),
    FormField("participants", "int"),
    FormField("topic"),
    FormField("online", "flag"),
    FormField("trainer"),
)
#: The service's problems, in German (the plugin's pages speak German only).
PROBLEMS = {
    "must not be empty": "Bitte ausfüllen.",
    "must not be negative": "Bitte keine negative Zahl angeben.",
}


def _training_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: Actor,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        held = trainings(session)
        partners = partner_key_choices(session)
        partner_names = dict(partner_choices(session))
    return page(
        request,
        "health/trainings.html",
        status=status,
        trainings=list(reversed(held)),
        partners=partners,
        partner_names=partner_names,
        may_record=RECORD_TRAINING.allows(actor),
        form=form or Form.showing({"held_on": deployment.today(), "participants": 0}),
    )


@get("/health/trainings", sync_to_thread=False)
def training_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _training_page(request, deployment, actor)


@post("/health/trainings", sync_to_thread=False, guards=permitted(RECORD_TRAINING))
def record_training(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    """A training held for jobcenter staff on a health topic."""
    entered = read_form(request, form, TRAINING_FIELDS)
    values = {key: value for key, value in entered.values.items() if value not in (None, "")}
    draft = build(request, entered, TrainingDraft, **values) if entered.valid else None
    training = (
        save(request, entered, deployment, add_training, draft, actor=actor) if draft else None
    )
    if training is None:
        entered.errors = {key: PROBLEMS.get(text, text) for key, text in entered.errors.items()}
        return _training_page(request, deployment, actor, entered, 422)
    notify(request, f"Die Schulung „{training.title}“ ist erfasst.")
    return redirect(request, "/health/trainings")


ROUTES = [training_page, record_training]
