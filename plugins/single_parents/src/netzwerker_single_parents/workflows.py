"""The coaching of a household (ANNA): from the intake to a sustainable exit.

Intake → resource analysis → joint case consultation of the partners → a plan → activation
steps (childcare, qualification, work) → follow-up for sustainability → exit.
"""

from __future__ import annotations

from typing import Any

import attrs
from sqlmodel import select

from netzwerker.domain.cases.models import Case
from netzwerker.domain.workflows.actions import request_case_conference
from netzwerker.workflow import Transition, Workflow
from netzwerker_single_parents.models import Household
from netzwerker_single_parents.settings import SingleParentsSettings

COACHING = "single_parents_coaching"


@attrs.frozen
class CoachingSteps:
    """The activation steps taken so far."""

    childcare_arranged: bool = attrs.field(
        default=False, metadata={"label": "Kinderbetreuung organisiert"}
    )
    qualification_started: bool = attrs.field(
        default=False, metadata={"label": "Qualifizierung begonnen"}
    )
    employment_started: bool = attrs.field(
        default=False, metadata={"label": "Beschäftigung begonnen"}
    )
    note: str = attrs.field(default="", metadata={"label": "Notiz"})


def close_case(step: Any) -> None:
    """A workflow action: when the coaching ends, the household's case closes, and it no
    longer counts towards its coach's caseload."""
    household = step.session.exec(
        select(Household).where(Household.coaching_id == step.run.id)
    ).first()
    if household is not None and household.case_id is not None:
        case = step.session.get(Case, household.case_id)
        if case is not None and case.closed_on is None:
            case.closed_on = step.today


def coaching(settings: SingleParentsSettings) -> Workflow:
    return Workflow(
        key=COACHING,
        name="Intensivcoaching Alleinerziehender",
        working_field="single_parents",
        data=CoachingSteps,
        states=[
            "intake",
            "resource_analysis",
            "case_consultation",
            "plan",
            "activation",
            "follow_up",
            "exit",
            "dropped",
        ],
        initial="intake",
        final=["exit", "dropped"],
        max_days={
            "intake": 14,
            "resource_analysis": settings.consultation_days,
            "case_consultation": 14,
            "follow_up": settings.follow_up_days,
        },
        transitions=[
            Transition("analyse", ["intake"], "resource_analysis", label="Ressourcen analysieren"),
            Transition(
                "consult",
                ["resource_analysis", "activation"],
                "case_consultation",
                label="Zur Fallberatung bringen",
                actions=[request_case_conference(due_in_days=14)],
            ),
            Transition("plan", ["case_consultation"], "plan", label="Förderplan aufstellen"),
            Transition("activate", ["plan"], "activation", label="Aktivierung beginnen"),
            Transition("follow_up", ["activation"], "follow_up", label="Nachbetreuung beginnen"),
            Transition(
                "exit", ["follow_up"], "exit", label="Begleitung abschließen", actions=[close_case]
            ),
            Transition(
                "drop",
                ["intake", "resource_analysis", "case_consultation", "plan", "activation"],
                "dropped",
                requires_reason=True,
                label="Abbruch erfassen",
                actions=[close_case],
            ),
        ],
        labels={
            "intake": "Aufnahme",
            "resource_analysis": "Ressourcenanalyse",
            "case_consultation": "Fallberatung",
            "plan": "Förderplan",
            "activation": "Aktivierung",
            "follow_up": "Nachbetreuung",
            "exit": "abgeschlossen",
            "dropped": "abgebrochen",
        },
    )
