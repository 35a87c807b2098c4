"""The partner survey: partners rate the network once a year; staff see the summary and
record answers given on paper."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Template

from netzwerker.contributions import Period
from netzwerker.domain.survey.services import (
    QUESTIONS,
    AnswerDraft,
    answer_of,
    give_answer,
    summarise,
)
from netzwerker.domain.users import permissions
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker.web.choices import partner_choices
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


def _round(today: date) -> str:
    """The survey is asked once a year: the round is the year."""
    return str(today.year)


def _survey_page(
    request: Request[Any, Any, Any],
    deployment: CurrentDeployment,
    actor: CurrentActor,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    today = deployment.today()
    member = not permissions.is_staff(actor)
    with deployment.session() as session:
        summary = None if member else summarise(session, Period(date(today.year, 1, 1), today))
        earlier = answer_of(session, _round(today), actor.partner_id) if member else None
        partners = [] if member else partner_choices(session)
    shown = {name: str(getattr(earlier, name)) for name in QUESTIONS} if earlier else {}
    if earlier:
        shown["comment"] = earlier.comment
    return page(
        request,
        "survey.html",
        status=status,
        survey=_round(today),
        questions=QUESTIONS,
        summary=summary,
        answered=earlier is not None,
        may_answer=permissions.acts_for_partners(actor),
        member=member,
        partners=partners,
        form=form or Form.showing(shown),
    )


@get("/survey", sync_to_thread=False, name="survey")
def survey_page(
    request: Request[Any, Any, Any], deployment: CurrentDeployment, actor: CurrentActor
) -> Template:
    return _survey_page(request, deployment, actor)


@post("/survey", sync_to_thread=False)
def answer(
    request: Request[Any, Any, Any],
    form: PostedForm,
    deployment: CurrentDeployment,
    actor: CurrentActor,
) -> Response[Any]:
    entered = read_form(request, form, ANSWER_FIELDS)
    # A partner member answers for its partner; coordinators record paper answers.
    partner_id = permissions.acting_partner(
        actor, entered.values.get("partner_id"), "answer the survey"
    )
    today = deployment.today()
    values = {
        **{question: int(entered.values.get(question) or 0) for question in QUESTIONS},
        "comment": entered.values.get("comment", ""),
        "partner_id": partner_id,
    }
    draft = entered.valid and build(request, entered, AnswerDraft, survey=_round(today), **values)
    if draft and save(
        request, entered, deployment, give_answer, draft, today=today, actor=actor.username
    ):
        notify(request, RECORDED if permissions.is_staff(actor) else THANKS)
        return redirect(request, "/survey")
    return _survey_page(request, deployment, actor, entered, status=422)


ROUTES = [survey_page, answer]
