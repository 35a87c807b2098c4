"""Bridge-builder mediation (Brückenbauer): a language mediator for an appointment.

An institution (a medical practice, the jobcenter, a school) asks for a mediator for a
language and setting; the coordinating partner matches one from its pool; the appointment
takes place; the institution gives feedback.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from netzwerker.workflow import Transition, Workflow
from netzwerker_migration.settings import MigrationSettings

MEDIATION = "migration_mediation"


def _language(instance: object, attribute: attrs.Attribute, value: str) -> None:
    if not value or value != value.strip().lower() or len(value) > 12:
        raise ValueError(f"a lowercase language code such as 'ar', got {value!r}")


def _rating(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and not 1 <= value <= 5:
        raise ValueError(f"a rating from 1 to 5, got {value}")


@attrs.frozen
class MediationRequest:
    language: str = attrs.field(validator=_language, metadata={"label": "Sprache"})
    setting: str = attrs.field(default="", metadata={"label": "Anlass"})
    institution: str = attrs.field(default="", metadata={"label": "Einrichtung"})
    mediator: str = attrs.field(default="", metadata={"label": "Sprachmittler"})
    appointment_on: date | None = attrs.field(default=None, metadata={"label": "Termin am"})
    rating: int | None = attrs.field(
        default=None, validator=_rating, metadata={"label": "Bewertung (1 bis 5)"}
    )


def _has_mediator(step: Any) -> str | None:
    if not step.data().mediator:
        return "name the mediator (data.mediator) to match the request"
    return None


def _has_appointment(step: Any) -> str | None:
    if step.data().appointment_on is None:
        return "give the date of the appointment (data.appointment_on)"
    return None


def mediation(settings: MigrationSettings) -> Workflow:
    return Workflow(
        key=MEDIATION,
        name="Sprach- und Kulturmittlung (Brückenbauer)",
        working_field="migration",
        data=MediationRequest,
        states=["requested", "matched", "appointment_held", "feedback_given", "cancelled"],
        initial="requested",
        final=["feedback_given", "cancelled"],
        max_days={"requested": settings.fulfil_within_days, "appointment_held": 14},
        transitions=[
            Transition(
                "match",
                ["requested"],
                "matched",
                guard=_has_mediator,
                label="Mittler:in zuordnen",
            ),
            Transition(
                "hold_appointment",
                ["matched"],
                "appointment_held",
                guard=_has_appointment,
                label="Termin als stattgefunden melden",
            ),
            Transition(
                "give_feedback",
                ["appointment_held"],
                "feedback_given",
                label="Rückmeldung erfassen",
            ),
            Transition(
                "cancel",
                ["requested", "matched"],
                "cancelled",
                requires_reason=True,
                label="Absagen",
            ),
        ],
        labels={
            "requested": "angefragt",
            "matched": "vermittelt",
            "appointment_held": "Termin stattgefunden",
            "feedback_given": "abgeschlossen",
            "cancelled": "abgesagt",
        },
    )
