"""Project types of the health field, as the MYKnetz network developed them."""

from __future__ import annotations

import attrs

from netzwerker.contributions import ProjectType
from netzwerker.validators import not_negative


@attrs.frozen
class PreventionDetails:
    """A prevention offer: topic, where it takes place, how many sessions and places."""

    topic: str
    setting: str = ""
    sessions: int = attrs.field(default=1, validator=not_negative)
    places: int = attrs.field(default=0, validator=not_negative)


@attrs.frozen
class OfferDetails:
    """A standing offer run by a partner: where, how many hours a week, which languages."""

    location: str = ""
    hours_per_week: float = attrs.field(default=0.0, validator=not_negative)
    languages: list[str] = attrs.Factory(list)


@attrs.frozen
class TrainingDetails:
    """A training series for staff: topic, sessions, people planned."""

    topic: str
    sessions: int = attrs.field(default=1, validator=not_negative)
    participants_planned: int = attrs.field(default=0, validator=not_negative)


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
