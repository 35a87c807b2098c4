"""A participant's way through a stay abroad (youth exchange, internship, staff exchange).

Application → selection → preparation → the stay with a host partner abroad → follow-up →
the outcome check some months after the return (in work or training?), as ESF programmes
such as "Integration durch Austausch" ask for.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import attrs

from netzwerker.contributions import Choice
from netzwerker.workflow import Transition, Workflow
from netzwerker_transnational.settings import TransnationalSettings

EXCHANGE = "transnational_exchange"
COUNTRY = re.compile(r"^[A-Z]{2}$")


class ExchangeKind(Choice):
    YOUTH_EXCHANGE = "youth_exchange", "Jugendaustausch"
    INTERNSHIP = "internship", "Praktikum"
    STAFF_EXCHANGE = "staff_exchange", "Fachkräfteaustausch"


class Outcome(Choice):
    PENDING = "pending", "noch offen"
    WORK = "work", "Arbeit"
    TRAINING = "training", "Ausbildung"
    EDUCATION = "education", "Schule oder Studium"
    UNEMPLOYED = "unemployed", "arbeitslos"
    UNKNOWN = "unknown", "unbekannt"


#: Outcomes that count as "in work or training".
PLACED = (Outcome.WORK.value, Outcome.TRAINING.value, Outcome.EDUCATION.value)


def _country(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if not COUNTRY.match(value):
        raise ValueError(f"an ISO 3166 country code such as 'PL' or 'ES', got {value!r}")


@attrs.frozen
class Participant:
    country: str = attrs.field(validator=_country, metadata={"label": "Land"})
    kind: ExchangeKind = attrs.field(
        default=ExchangeKind.INTERNSHIP, metadata={"label": "Art des Austauschs"}
    )
    programme: str = attrs.field(default="", metadata={"label": "Programm"})
    returned_on: date | None = attrs.field(default=None, metadata={"label": "Zurück am"})
    outcome: Outcome = attrs.field(default=Outcome.PENDING, metadata={"label": "Ergebnis"})


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def _returned(step: Any) -> str | None:
    if step.data().returned_on is None:
        return "give the day of return (data.returned_on)"
    return None


def outcome_due(months: int):
    def guard(step: Any) -> str | None:
        data = step.data()
        if data.returned_on is None:
            return "give the day of return (data.returned_on)"
        due = add_months(data.returned_on, months)
        if step.today < due:
            return f"the outcome is checked {months} months after the return, from {due}"
        if data.outcome is Outcome.PENDING:
            return "record the outcome (data.outcome)"
        return None

    return guard


def exchange(settings: TransnationalSettings) -> Workflow:
    months = settings.outcome_check_months
    return Workflow(
        key=EXCHANGE,
        name="Auslandsaufenthalt",
        working_field="transnational",
        data=Participant,
        states=[
            "applied",
            "selected",
            "preparation",
            "abroad",
            "follow_up",
            "outcome_checked",
            "not_selected",
            "dropped_out",
        ],
        initial="applied",
        final=["outcome_checked", "not_selected", "dropped_out"],
        max_days={"applied": 30, "preparation": settings.preparation_days},
        transitions=[
            Transition("select", ["applied"], "selected", label="Auswählen"),
            Transition(
                "reject",
                ["applied"],
                "not_selected",
                requires_reason=True,
                label="Nicht auswählen",
            ),
            Transition("prepare", ["selected"], "preparation", label="Vorbereitung beginnen"),
            Transition(
                "depart",
                ["preparation"],
                "abroad",
                hands_over=True,
                label="Ausreise melden",
            ),
            Transition("return", ["abroad"], "follow_up", guard=_returned, label="Rückkehr melden"),
            Transition(
                "check_outcome",
                ["follow_up"],
                "outcome_checked",
                guard=outcome_due(months),
                label=f"Verbleib nach {months} Monaten erfassen",
            ),
            Transition(
                "drop_out",
                ["selected", "preparation", "abroad"],
                "dropped_out",
                requires_reason=True,
                label="Abbruch erfassen",
            ),
        ],
        labels={
            "applied": "beworben",
            "selected": "ausgewählt",
            "preparation": "Vorbereitung",
            "abroad": "im Ausland",
            "follow_up": "Nachbereitung",
            "outcome_checked": "Verbleib geprüft",
            "not_selected": "nicht ausgewählt",
            "dropped_out": "abgebrochen",
        },
    )
