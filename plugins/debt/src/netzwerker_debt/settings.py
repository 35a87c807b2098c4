"""Settings of the debt plugin, from ``[plugins.debt.settings]``."""

from __future__ import annotations

import attrs

from netzwerker.validators import positive


@attrs.frozen
class DebtSettings:
    #: Days within which a crisis (eviction, power cut-off) must be taken up.
    crisis_days: int = attrs.field(default=3, validator=positive)
    #: Days a person should wait at most for the first appointment in full counselling.
    first_appointment_days: int = attrs.field(default=28, validator=positive)
    #: Days the pre-sorting of documents should take at most.
    pre_sorting_days: int = attrs.field(default=14, validator=positive)
    #: Days an out-of-court settlement attempt may take before it is reviewed.
    settlement_days: int = attrs.field(default=180, validator=positive)
    #: The circle accountable for crisis tasks when a case has no coordinator of its own.
    circle: str = "schuldnerberatung"
