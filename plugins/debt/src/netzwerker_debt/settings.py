"""Settings of the debt plugin, from ``[plugins.debt.settings]``."""

from __future__ import annotations

import attrs

from netzwerker.validators import positive


@attrs.frozen
class DebtSettings:
    #: Days within which a crisis (eviction, power cut-off) must be taken up.
    crisis_days: int = attrs.field(
        default=3,
        validator=positive,
        metadata={
            "label": "Krisenfrist (Tage)",
            "help": (
                "In so vielen Tagen muss eine Krise (Räumung, Stromsperre) aufgegriffen werden."
            ),
        },
    )
    #: Days a person should wait at most for the first appointment in full counselling.
    first_appointment_days: int = attrs.field(
        default=28,
        validator=positive,
        metadata={
            "label": "Wartezeit bis zum Ersttermin (Tage)",
            "help": (
                "So lange soll jemand höchstens auf den ersten Termin in der Schuldnerberatung "
                "warten."
            ),
        },
    )
    #: Days the pre-sorting of documents should take at most.
    pre_sorting_days: int = attrs.field(
        default=14,
        validator=positive,
        metadata={
            "label": "Dauer der Vorsortierung (Tage)",
            "help": "So lange soll das Vorsortieren der Unterlagen höchstens dauern.",
        },
    )
    #: Days an out-of-court settlement attempt may take before it is reviewed.
    settlement_days: int = attrs.field(
        default=180,
        validator=positive,
        metadata={
            "label": "Dauer des Einigungsversuchs (Tage)",
            "help": "Nach so vielen Tagen wird ein außergerichtlicher Einigungsversuch überprüft.",
        },
    )
    #: The circle accountable for crisis tasks when a case has no coordinator of its own.
    circle: str = attrs.field(
        default="schuldnerberatung",
        metadata={
            "label": "Verantwortlicher Kreis",
            "help": (
                "Kürzel des Kreises, der für Krisenaufgaben rechenschaftspflichtig ist, wenn ein "
                "Fall keine eigene Koordination hat."
            ),
        },
    )
