"""The addiction support chain (Suchthilfekette) across legal domains, as a workflow.

A person identified in the jobcenter (SGB II) reaches addiction counselling, treatment or
rehabilitation (SGB V, VI, IX), stabilisation and activation, and work (SGB II, III): each
step held by another autonomous partner. The chain records who holds the case, and how long
each step takes against the waiting times the deployment sets.
"""

from __future__ import annotations

import attrs

from netzwerker.contributions import Choice
from netzwerker.domain.partners.models import LegalDomain
from netzwerker.domain.workflows.actions import create_task, request_case_conference
from netzwerker.workflow import Transition, Workflow
from netzwerker_health.settings import HealthSettings

CHAIN = "health_addiction_chain"


class Substance(Choice):
    ALCOHOL = "alcohol", "Alkohol"
    ILLEGAL_DRUGS = "illegal_drugs", "illegale Drogen"
    MEDICATION = "medication", "Medikamente"
    GAMBLING = "gambling", "Glücksspiel"
    MEDIA = "media", "Medien"
    OTHER = "other", "anderes"
    UNKNOWN = "unknown", "unbekannt"


@attrs.frozen
class AddictionCase:
    """What the chain keeps about a case: no names, only what the partners need to act."""

    substance: Substance = attrs.field(default=Substance.UNKNOWN, metadata={"label": "Substanz"})
    legal_domains: list[LegalDomain] = attrs.field(
        factory=list, metadata={"label": "Rechtskreise", "help": "z. B. SGB II, SGB V"}
    )
    substitution: bool = attrs.field(default=False, metadata={"label": "Substitution"})
    note: str = attrs.field(default="", metadata={"label": "Notiz"})


STEPS = (
    "identified",
    "consent",
    "referred",
    "first_contact",
    "case_conference",
    "treatment",
    "stabilisation",
    "activation",
)


def addiction_chain(settings: HealthSettings) -> Workflow:
    waits = settings.chain_max_days
    circle = settings.chain_circle
    return Workflow(
        key=CHAIN,
        name="Suchthilfekette",
        working_field="health",
        data=AddictionCase,
        states=[*STEPS, "work", "dropped"],
        initial="identified",
        final=["work", "dropped"],
        max_days={step: getattr(waits, step) for step in STEPS},
        transitions=[
            Transition("give_consent", ["identified"], "consent", label="Einwilligung erfassen"),
            Transition(
                "refer",
                ["consent"],
                "referred",
                hands_over=True,
                label="An die Suchtberatung vermitteln",
                actions=[
                    create_task(
                        "Erstkontakt für {subject} anbieten",
                        due_in_days=waits.referred,
                        accountable_circle=circle,
                        kind="first_contact",
                    )
                ],
            ),
            Transition("first_contact", ["referred"], "first_contact", label="Erstkontakt melden"),
            Transition(
                "convene",
                ["first_contact", "treatment", "stabilisation"],
                "case_conference",
                label="Fallkonferenz einberufen",
                actions=[
                    request_case_conference(
                        due_in_days=waits.first_contact, accountable_circle=circle
                    )
                ],
            ),
            Transition(
                "start_treatment",
                ["case_conference"],
                "treatment",
                hands_over=True,
                label="Behandlung beginnen",
            ),
            Transition(
                "stabilise", ["treatment"], "stabilisation", label="Stabilisierung beginnen"
            ),
            Transition(
                "activate",
                ["case_conference", "stabilisation"],
                "activation",
                label="Aktivierung beginnen",
            ),
            Transition(
                "place", ["activation"], "work", label="In Arbeit oder Ausbildung vermittelt"
            ),
            Transition(
                "drop",
                list(STEPS),
                "dropped",
                requires_reason=True,
                label="Abbruch erfassen",
            ),
        ],
        labels={
            "identified": "Identifikation",
            "consent": "Einwilligung",
            "referred": "Vermittlung an Suchtberatung",
            "first_contact": "Erstkontakt",
            "case_conference": "Fallkonferenz",
            "treatment": "Behandlung / Rehabilitation",
            "stabilisation": "Stabilisierung",
            "activation": "Aktivierung",
            "work": "Arbeit",
            "dropped": "abgebrochen",
        },
    )
