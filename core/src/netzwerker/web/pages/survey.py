"""The partner survey: partners rate the network once a year; staff see the summary and
record answers given on paper."""

from __future__ import annotations

from typing import Any

import attrs
from litestar import Request, Response, get, post
from litestar.response import Template

from netzwerker.domain.survey.services import (
    QUESTIONS,
    AnswerDraft,
    answers_for_own_partner,
    give_answer,
    survey_round,
    survey_view,
)
from netzwerker.domain.users import permissions
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.forms import Form, FormField, PostedForm, build, read_form, save
from netzwerker.web.i18n import mark
from netzwerker.web.rendering import notify, page, redirect

RATINGS = tuple(str(rating) for rating in range(1, 6))
ANSWER_FIELDS = (
    *(FormField(question, "choice", required=True, choices=RATINGS) for question in QUESTIONS),
    FormField("comment"),
    FormField("partner_id", "int"),
)
THANKS = mark("Thank you: your answer is saved.")
RECORDED = mark("The answer is recorded.")


def _survey_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    with deployment.session() as session:
        view = survey_view(session, actor=actor, today=deployment.today())
    earlier = view.earlier
    shown = {name: str(getattr(earlier, name)) for name in QUESTIONS} if earlier else {}
    if earlier:
        shown["comment"] = earlier.comment
    return page(
        request,
        "survey.html",
        status=status,
        **attrs.asdict(view, recurse=False),
        questions=QUESTIONS,
        answered=earlier is not None,
        form=form or Form.showing(shown),
    )


@get("/survey", sync_to_thread=False, name="survey")
def survey_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _survey_page(request, deployment, actor)


@post("/survey", sync_to_thread=False, guards=permitted(permissions.SURVEY_ANSWER))
def answer(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, ANSWER_FIELDS)
    today = deployment.today()
    values = {
        **{question: int(entered.values.get(question) or 0) for question in QUESTIONS},
        "comment": entered.values.get("comment", ""),
        # A partner member answers for its partner; coordinators record paper answers.
        "partner_id": entered.values.get("partner_id"),
    }
    survey = survey_round(today)
    draft = build(request, entered, AnswerDraft, survey=survey, **values) if entered.valid else None
    if draft and save(request, entered, deployment, give_answer, draft, today=today, actor=actor):
        notify(request, THANKS if answers_for_own_partner(actor) else RECORDED)
        return redirect(request, "/survey")
    return _survey_page(request, deployment, actor, entered, status=422)


ROUTES = [survey_page, answer]
