"""The tiered debt-counselling system (gestuftes System der Schuldnerberatung).

Tier 1: volunteer debt pre-sorters put the documents in order; tier 2: a crisis is taken up
at once (eviction, power cut-off, seized account); tier 3: full debt counselling; then an
out-of-court settlement with the creditors, and where it fails, consumer insolvency.
"""

from __future__ import annotations

from typing import Any

import attrs

from netzwerker.contributions import Choice
from netzwerker.domain.workflows.actions import create_task
from netzwerker.validators import not_negative
from netzwerker.workflow import Transition, Workflow
from netzwerker_debt.settings import DebtSettings

COUNSELLING = "debt_counselling"


class Urgency(Choice):
    NONE = "none", "keine Krise"
    EVICTION = "eviction", "Räumung droht"
    ENERGY_CUTOFF = "energy_cutoff", "Energiesperre droht"
    ACCOUNT_SEIZURE = "account_seizure", "Konto gepfändet"
    OTHER = "other", "andere Krise"


@attrs.frozen
class DebtCase:
    """What the tiers need to know of a case: how urgent, how many creditors, how much."""

    urgency: Urgency = attrs.field(default=Urgency.NONE, metadata={"label": "Dringlichkeit"})
    creditors: int = attrs.field(default=0, validator=not_negative, metadata={"label": "Gläubiger"})
    total_debt: int = attrs.field(
        default=0, validator=not_negative, metadata={"label": "Schulden insgesamt (EUR)"}
    )
    household_size: int = attrs.field(
        default=1, validator=not_negative, metadata={"label": "Personen im Haushalt"}
    )


def crisis_priority(case: DebtCase) -> int:
    """Crises go first: an eviction or a cut-off cannot wait for the queue."""
    return 0 if case.urgency is Urgency.NONE else 1


def _is_crisis(step: Any) -> str | None:
    if step.data().urgency is Urgency.NONE:
        return "only an urgent case (eviction, cut-off, seized account) is a crisis intervention"
    return None


def debt_counselling(settings: DebtSettings) -> Workflow:
    return Workflow(
        key=COUNSELLING,
        name="Gestufte Schuldnerberatung",
        working_field="debt",
        data=DebtCase,
        priority=crisis_priority,
        states=[
            "requested",
            "pre_sorting",
            "crisis_intervention",
            "counselling",
            "settlement_attempt",
            "insolvency",
            "settled",
            "discharged",
            "closed",
        ],
        initial="requested",
        final=["settled", "discharged", "closed"],
        max_days={
            "requested": settings.first_appointment_days,
            "pre_sorting": settings.pre_sorting_days,
            "crisis_intervention": settings.crisis_days,
            "settlement_attempt": settings.settlement_days,
        },
        transitions=[
            Transition(
                "pre_sort",
                ["requested"],
                "pre_sorting",
                hands_over=True,
                label="Unterlagen vorsortieren",
            ),
            Transition(
                "intervene",
                ["requested", "pre_sorting"],
                "crisis_intervention",
                hands_over=True,
                guard=_is_crisis,
                label="Krisenintervention beginnen",
                actions=[
                    create_task(
                        "Krisenintervention für {subject} ({urgency})",
                        due_in_days=settings.crisis_days,
                        accountable_circle=settings.circle,
                        kind="crisis",
                    )
                ],
            ),
            Transition(
                "first_appointment",
                ["requested", "pre_sorting", "crisis_intervention"],
                "counselling",
                hands_over=True,
                label="Zum Erstgespräch vermitteln",
            ),
            Transition(
                "attempt_settlement",
                ["counselling"],
                "settlement_attempt",
                label="Einigungsversuch beginnen",
            ),
            Transition("settle", ["settlement_attempt"], "settled", label="Einigung melden"),
            Transition(
                "file_insolvency",
                ["settlement_attempt"],
                "insolvency",
                label="Verbraucherinsolvenz beantragen",
            ),
            Transition(
                "discharge", ["insolvency"], "discharged", label="Restschuldbefreiung melden"
            ),
            Transition(
                "stabilise",
                ["counselling", "crisis_intervention"],
                "closed",
                label="Als stabil beenden",
            ),
            Transition(
                "close",
                ["requested", "pre_sorting", "crisis_intervention", "counselling"],
                "closed",
                requires_reason=True,
                label="Beenden oder abbrechen",
            ),
        ],
        labels={
            "requested": "angefragt",
            "pre_sorting": "Vorsortierung",
            "crisis_intervention": "Krisenintervention",
            "counselling": "Schuldnerberatung",
            "settlement_attempt": "Einigungsversuch",
            "insolvency": "Verbraucherinsolvenz",
            "settled": "Einigung",
            "discharged": "Restschuldbefreiung",
            "closed": "beendet",
        },
    )
