"""Settings of the transnational plugin, from ``[plugins.transnational.settings]``."""

from __future__ import annotations

import attrs

from netzwerker.validators import positive


@attrs.frozen
class TransnationalSettings:
    #: Months after the return at which the outcome (work, training) is checked.
    outcome_check_months: int = attrs.field(
        default=6,
        validator=positive,
        metadata={
            "label": "Verbleibsprüfung nach (Monaten)",
            "help": (
                "So viele Monate nach der Rückkehr wird geprüft, ob Arbeit oder Ausbildung "
                "gefunden wurde."
            ),
        },
    )
    #: Days the preparation before the stay abroad should take at most.
    preparation_days: int = attrs.field(
        default=90,
        validator=positive,
        metadata={
            "label": "Vorbereitung (Tage)",
            "help": "So lange soll die Vorbereitung vor dem Auslandsaufenthalt höchstens dauern.",
        },
    )
