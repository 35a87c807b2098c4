"""Project types of the health field, as the MYKnetz network developed them."""

from __future__ import annotations

import attrs

from netzwerker.contributions import ProjectType
from netzwerker.validators import not_negative


@attrs.frozen
class PreventionDetails:
    """A prevention offer: topic, where it takes place, how many sessions and places."""

    topic: str = attrs.field(metadata={"label": "Thema"})
    setting: str = attrs.field(default="", metadata={"label": "Setting (Ort, Einrichtung)"})
    sessions: int = attrs.field(default=1, validator=not_negative, metadata={"label": "Termine"})
    places: int = attrs.field(default=0, validator=not_negative, metadata={"label": "Plätze"})


@attrs.frozen
class OfferDetails:
    """A standing offer run by a partner: where, how many hours a week, which languages."""

    location: str = attrs.field(default="", metadata={"label": "Ort"})
    hours_per_week: float = attrs.field(
        default=0.0, validator=not_negative, metadata={"label": "Stunden pro Woche"}
    )
    languages: list[str] = attrs.field(factory=list, metadata={"label": "Sprachen"})


@attrs.frozen
class TrainingDetails:
    """A training series for staff: topic, sessions, people planned."""

    topic: str = attrs.field(metadata={"label": "Thema"})
    sessions: int = attrs.field(default=1, validator=not_negative, metadata={"label": "Termine"})
    participants_planned: int = attrs.field(
        default=0, validator=not_negative, metadata={"label": "Geplante Teilnehmende"}
    )


PROJECT_TYPES = [
    ProjectType(key, name, details, "health")
    for key, name, details in [
        ("prevention_offer", "Präventionsangebot", PreventionDetails),
        ("counselling_unit", "Beratungseinheit (z. B. Sucht, Psyche)", OfferDetails),
        ("substitution_support", "Begleitung Substituierter", OfferDetails),
        ("self_help_system", "Selbsthilfesystem", OfferDetails),
        ("nutrition_counselling", "Ernährungsberatung", PreventionDetails),
        ("dementia_helpers", "Demenzhelfer", OfferDetails),
        ("health_bridge_builders", "Gesundheitslotsen / Brückenbauer", OfferDetails),
        ("staff_training", "Schulung von Jobcenter-Mitarbeitenden", TrainingDetails),
    ]
]

#: Project types whose people reached are prevention participants.
PREVENTION_TYPES = ("prevention_offer", "nutrition_counselling")
