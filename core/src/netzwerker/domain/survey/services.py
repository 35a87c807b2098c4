"""Answering the partner survey, importing paper answers, and summarising a round."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col, select

from netzwerker.contributions import Period
from netzwerker.domain.audit.services import record
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.references import partner_choices, partner_problems
from netzwerker.domain.survey.models import SurveyAnswer
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem

#: The questions, as the answer's fields, with the wording a partner reads.
QUESTIONS = {
    "exchange": "Der Austausch von Ideen und Informationen im Netzwerk",
    "synergies": "Die Synergien zwischen den Partnern",
    "effectiveness": "Die Wirksamkeit des Netzwerks für die Leistungsberechtigten",
}
SCALE = range(1, 6)


def _rating(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value not in SCALE:
        raise ValueError(f"a rating from 1 to 5, got {value}")


@attrs.frozen
class AnswerDraft:
    survey: str
    exchange: int = attrs.field(validator=_rating)
    synergies: int = attrs.field(validator=_rating)
    effectiveness: int = attrs.field(validator=_rating)
    partner_id: int | None = None
    comment: str = ""
    answered_on: date | None = None


def give_answer(session: Session, draft: AnswerDraft, *, today: date, actor: Actor) -> SurveyAnswer:
    """Record a partner's answer to a round, replacing an earlier one of the same round
    (``survey.answer``: a partner member answers for its own partner, which it may leave
    out; coordinators record paper answers for any)."""
    partner_id = permissions.acting_partner(actor, permissions.SURVEY_ANSWER, draft.partner_id)
    draft = attrs.evolve(draft, partner_id=partner_id)
    problems: list[Problem] = []
    if not draft.survey.strip() or len(draft.survey) > 40:
        problems.append(Problem("survey", "a round's name of 1 to 40 characters, e.g. 2026"))
    if draft.partner_id is not None:
        problems.extend(partner_problems(session, draft.partner_id, "partner_id"))
    if problems:
        raise InvalidInput(problems)
    answer = None
    if draft.partner_id is not None:
        answer = session.exec(
            select(SurveyAnswer).where(
                SurveyAnswer.survey == draft.survey, SurveyAnswer.partner_id == draft.partner_id
            )
        ).first()
    values = {name: getattr(draft, name) for name in (*QUESTIONS, "comment")}
    if answer is None:
        answer = SurveyAnswer(
            survey=draft.survey,
            partner_id=draft.partner_id,
            answered_on=today,
            recorded_by=actor.username,
            **values,
        )
        session.add(answer)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.answered_on = draft.answered_on or today
    answer.recorded_by = actor.username
    session.flush()
    record(
        session,
        actor=actor.username,
        action="survey.answer",
        object_type="survey_answer",
        object_id=answer.id,
        changes={"survey": draft.survey},
    )
    return answer


@attrs.frozen
class SurveyView:
    """The survey page of a round: the jobcenter's own people see the summary of the year so
    far and answer for any partner; a partner member sees its partner's answer."""

    survey: str
    summary: SurveySummary | None
    #: The answer of the reader's partner this round, if it gave one.
    earlier: SurveyAnswer | None
    #: Whom the reader may record an answer for: any partner (staff) or its own (none).
    partners: list[tuple[int, str]]
    member: bool
    may_answer: bool


def answers_for_own_partner(actor: Actor) -> bool:
    """Whether the actor answers for its own partner (a partner member), rather than
    recording answers given on paper for any (staff)."""
    return permissions.SURVEY_ANSWER.scope_of(actor) is permissions.Scope.OWN


def survey_view(session: Session, *, actor: Actor, today: date) -> SurveyView:
    survey = survey_round(today)
    scope = permissions.SURVEY_ANSWER.scope_of(actor)
    member = answers_for_own_partner(actor)
    summary = None
    if permissions.allows(actor, permissions.EVALUATION_READ):
        summary = summarise(session, Period(date(today.year, 1, 1), today))
    return SurveyView(
        survey,
        summary,
        answer_of(session, survey, actor.partner_id) if member else None,  # type: ignore[arg-type]
        partner_choices(session) if scope is permissions.Scope.ANY else [],
        member=member,
        may_answer=scope is not None,
    )


def survey_round(today: date) -> str:
    """The survey is asked once a year: the round is the year."""
    return str(today.year)


def answer_of(session: Session, survey: str, partner_id: int) -> SurveyAnswer | None:
    return session.exec(
        select(SurveyAnswer).where(
            SurveyAnswer.survey == survey, SurveyAnswer.partner_id == partner_id
        )
    ).first()


@attrs.frozen
class QuestionSummary:
    key: str
    question: str
    mean: float | None
    #: How many answers gave 1, 2, 3, 4 and 5.
    counts: tuple[int, ...]


@attrs.frozen
class SurveySummary:
    surveys: list[str]
    answers: int
    partners_answered: int
    partners_active: int
    questions: list[QuestionSummary]
    comments: list[str]

    @property
    def response_rate(self) -> float | None:
        if not self.partners_active:
            return None
        return self.partners_answered / self.partners_active


def summarise(session: Session, period: Period) -> SurveySummary | None:
    """The answers given within the period, per question; None when there are none."""
    answers: Sequence[SurveyAnswer] = session.exec(
        select(SurveyAnswer)
        .where(col(SurveyAnswer.answered_on).between(period.start, period.end))
        .order_by(col(SurveyAnswer.answered_on), col(SurveyAnswer.id))
    ).all()
    if not answers:
        return None
    active = (
        session.scalar(sa.select(sa.func.count(col(Partner.id))).where(col(Partner.active))) or 0
    )
    questions = []
    for key, wording in QUESTIONS.items():
        values = [getattr(answer, key) for answer in answers]
        questions.append(
            QuestionSummary(
                key,
                wording,
                round(sum(values) / len(values), 2),
                tuple(values.count(rating) for rating in SCALE),
            )
        )
    return SurveySummary(
        surveys=sorted({answer.survey for answer in answers}),
        answers=len(answers),
        partners_answered=len({a.partner_id for a in answers if a.partner_id is not None}),
        partners_active=active,
        questions=questions,
        comments=[answer.comment for answer in answers if answer.comment.strip()],
    )
