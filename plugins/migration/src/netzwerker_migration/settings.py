"""Settings of the migration plugin, from ``[plugins.migration.settings]``."""

from __future__ import annotations

import attrs

from netzwerker.validators import positive


def _language_codes(instance: object, attribute: attrs.Attribute, value: list[str]) -> None:
    for code in value:
        if code != code.strip().lower() or not code:
            raise ValueError(f"languages are lowercase codes such as 'ar' or 'ru', got {code!r}")


@attrs.frozen
class MigrationSettings:
    #: A mediation request counts as fulfilled in time when the appointment is held within
    #: this many days.
    fulfil_within_days: int = attrs.field(
        default=10,
        validator=positive,
        metadata={
            "label": "Vermittlung rechtzeitig binnen (Tage)",
            "help": (
                "Eine Sprachmittlungsanfrage gilt als rechtzeitig erfüllt, wenn der Termin in so "
                "vielen Tagen stattfindet."
            ),
        },
    )
    #: Languages the bridge-builder pool covers (ISO 639 codes, e.g. "ar", "ru", "tr").
    languages_covered: list[str] = attrs.field(
        factory=list,
        validator=_language_codes,
        metadata={
            "label": "Abgedeckte Sprachen",
            "help": "ISO-639-Kürzel, durch Kommas getrennt, z. B. ar, ru, tr.",
        },
    )
