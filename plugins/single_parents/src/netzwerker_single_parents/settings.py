"""Settings of the single-parents plugin, from ``[plugins.single_parents.settings]``."""

from __future__ import annotations

import attrs

from netzwerker.contributions import Choice
from netzwerker.validators import positive


class OverLimit(Choice):
    """What happens when a coach would take more households than the caseload allows."""

    REFUSE = "refuse", "ablehnen"
    FLAG = "flag", "aufnehmen und markieren"


@attrs.frozen
class SingleParentsSettings:
    #: Households one coach looks after at most (ANNA: 1:10).
    max_households_per_coach: int = attrs.field(
        default=10,
        validator=positive,
        metadata={
            "label": "Haushalte je Coach (höchstens)",
            "help": "So viele Haushalte betreut ein Coach höchstens (ANNA: 1:10).",
        },
    )
    #: ``refuse`` a household beyond the limit, or take it and ``flag`` the coach.
    over_limit: OverLimit = attrs.field(
        default=OverLimit.REFUSE,
        metadata={
            "label": "Über der Grenze",
            "help": "Einen weiteren Haushalt ablehnen, oder aufnehmen und den Coach markieren.",
        },
    )
    #: Days from the intake to the joint case consultation at most.
    consultation_days: int = attrs.field(
        default=28,
        validator=positive,
        metadata={
            "label": "Bis zur Fallberatung (Tage)",
            "help": (
                "So viele Tage vergehen höchstens von der Aufnahme bis zur gemeinsamen "
                "Fallberatung."
            ),
        },
    )
    #: Months of follow-up after the activation steps, for sustainability.
    follow_up_days: int = attrs.field(
        default=180,
        validator=positive,
        metadata={
            "label": "Nachbetreuung (Tage)",
            "help": "So lange wird nach den Aktivierungsschritten nachbetreut.",
        },
    )
