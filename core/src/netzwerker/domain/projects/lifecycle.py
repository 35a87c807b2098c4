"""The lifecycle of a project and the status machine of a funding application."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from netzwerker.workflow import Transition, Workflow

#: Funding applications that count as asked for: a project may then be "funding applied".
APPLIED_FUNDING = ("submitted", "granted", "partially_granted")


def _has_applied_funding(step: Any) -> str | None:
    """Guard: a project is 'funding applied' only once an application has been submitted."""
    from netzwerker.domain.projects.models import FundingApplication, Project

    submitted = step.session.scalar(
        sa.select(sa.func.count(col(FundingApplication.id)))
        .join(Project, col(Project.id) == col(FundingApplication.project_id))
        .where(
            col(Project.lifecycle_id) == step.run.id,
            col(FundingApplication.status).in_(APPLIED_FUNDING),
        )
    )
    if not submitted:
        return "record a submitted funding application first"
    return None


PROJECT_WORKFLOW = Workflow(
    key="project",
    name="Projektverlauf",
    internal=True,
    states=["idea", "concept", "funding_applied", "running", "evaluated", "ended"],
    initial="idea",
    final=["ended"],
    transitions=[
        Transition("conceive", ["idea"], "concept", label="Konzept vorlegen"),
        Transition(
            "apply_for_funding",
            ["concept"],
            "funding_applied",
            guard=_has_applied_funding,
            label="Förderung beantragen",
        ),
        Transition("launch", ["concept", "funding_applied"], "running", label="Projekt starten"),
        Transition("evaluate", ["running"], "evaluated", label="Evaluation abschließen"),
        Transition("close", ["evaluated"], "ended", label="Projekt beenden"),
        Transition(
            "abandon",
            ["idea", "concept", "funding_applied", "running"],
            "ended",
            requires_reason=True,
            label="Verwerfen oder abbrechen",
        ),
    ],
    labels={
        "idea": "Idee",
        "concept": "Konzept",
        "funding_applied": "Förderung beantragt",
        "running": "laufend",
        "evaluated": "evaluiert",
        "ended": "beendet",
    },
)

FUNDING_WORKFLOW = Workflow(
    key="funding_application",
    name="Förderantrag",
    internal=True,
    states=["planned", "submitted", "granted", "partially_granted", "rejected", "withdrawn"],
    initial="planned",
    final=["granted", "partially_granted", "rejected", "withdrawn"],
    transitions=[
        Transition("submit", ["planned"], "submitted", label="Als eingereicht erfassen"),
        Transition("grant", ["submitted"], "granted", label="Bewilligung erfassen"),
        Transition(
            "grant_partially", ["submitted"], "partially_granted", label="Teilbewilligung erfassen"
        ),
        Transition("reject", ["submitted"], "rejected", label="Ablehnung erfassen"),
        Transition(
            "withdraw",
            ["planned", "submitted"],
            "withdrawn",
            requires_reason=True,
            label="Antrag zurückziehen",
        ),
    ],
    labels={
        "planned": "geplant",
        "submitted": "eingereicht",
        "granted": "bewilligt",
        "partially_granted": "teilbewilligt",
        "rejected": "abgelehnt",
        "withdrawn": "zurückgezogen",
    },
)
