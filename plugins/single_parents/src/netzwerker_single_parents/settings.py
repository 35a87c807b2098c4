"""Settings of the single-parents plugin, from ``[plugins.single_parents.settings]``."""

from __future__ import annotations

from enum import StrEnum

import attrs

from netzwerker.validators import positive


class OverLimit(StrEnum):
    """What happens when a coach would take more households than the caseload allows."""

    REFUSE = "refuse"
    FLAG = "flag"


@attrs.frozen
class SingleParentsSettings:
    #: Households one coach looks after at most (ANNA: 1:10).
    max_households_per_coach: int = attrs.field(default=10, validator=positive)
    #: ``refuse`` a household beyond the limit, or take it and ``flag`` the coach.
    over_limit: OverLimit = OverLimit.REFUSE
    #: Days from the intake to the joint case consultation at most.
    consultation_days: int = attrs.field(default=28, validator=positive)
    #: Months of follow-up after the activation steps, for sustainability.
    follow_up_days: int = attrs.field(default=180, validator=positive)
