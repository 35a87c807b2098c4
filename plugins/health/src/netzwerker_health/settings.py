"""Settings of the health plugin, from ``[plugins.health.settings]``."""

from __future__ import annotations

import attrs

from netzwerker.validators import positive


@attrs.frozen
class ChainWaits:
    """The longest a person should wait in each step of the addiction support chain, in days.

    ``[plugins.health.settings.chain_max_days]``; the chain's runs are overdue in a step
    past it, and the referral's first-contact task is due after ``referred`` days.
    """

    identified: int = attrs.field(
        default=14,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: erkannt (Tage)",
            "help": "Höchste Wartezeit im Schritt „erkannt“.",
        },
    )
    consent: int = attrs.field(
        default=7,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: Einwilligung (Tage)",
            "help": "Höchste Wartezeit im Schritt „Einwilligung“.",
        },
    )
    referred: int = attrs.field(
        default=14,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: verwiesen (Tage)",
            "help": (
                "Höchste Wartezeit im Schritt „verwiesen“; die Aufgabe zum Erstkontakt ist danach "
                "fällig."
            ),
        },
    )
    first_contact: int = attrs.field(
        default=21,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: Erstkontakt (Tage)",
            "help": "Höchste Wartezeit im Schritt „Erstkontakt“.",
        },
    )
    case_conference: int = attrs.field(
        default=28,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: Fallkonferenz (Tage)",
            "help": "Höchste Wartezeit im Schritt „Fallkonferenz“.",
        },
    )
    treatment: int = attrs.field(
        default=180,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: Behandlung (Tage)",
            "help": "Höchste Dauer des Schritts „Behandlung“.",
        },
    )
    stabilisation: int = attrs.field(
        default=90,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: Stabilisierung (Tage)",
            "help": "Höchste Dauer des Schritts „Stabilisierung“.",
        },
    )
    activation: int = attrs.field(
        default=90,
        validator=positive,
        metadata={
            "label": "Suchthilfekette: Aktivierung (Tage)",
            "help": "Höchste Dauer des Schritts „Aktivierung“.",
        },
    )


@attrs.frozen
class HealthSettings:
    #: Days a health task may be overdue before it counts as "waiting too long" (e.g. the
    #: first appointment at an addiction counselling service a partner promised).
    max_wait_days: int = attrs.field(
        default=14,
        validator=positive,
        metadata={
            "label": "Höchste Wartezeit (Tage)",
            "help": (
                "So viele Tage darf eine Aufgabe im Gesundheitsbereich überfällig sein, bevor sie "
                "als „zu lange gewartet“ zählt."
            ),
        },
    )
    chain_max_days: ChainWaits = attrs.Factory(ChainWaits)
    #: The circle accountable for chain tasks when a case has no coach or scout.
    chain_circle: str = attrs.field(
        default="suchtarbeitskreis",
        metadata={
            "label": "Verantwortlicher Kreis der Kette",
            "help": (
                "Kürzel des Kreises, der für Aufgaben der Kette rechenschaftspflichtig ist, wenn "
                "ein Fall kein Coaching hat."
            ),
        },
    )
