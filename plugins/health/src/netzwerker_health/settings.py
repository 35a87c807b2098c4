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

    identified: int = attrs.field(default=14, validator=positive)
    consent: int = attrs.field(default=7, validator=positive)
    referred: int = attrs.field(default=14, validator=positive)
    first_contact: int = attrs.field(default=21, validator=positive)
    case_conference: int = attrs.field(default=28, validator=positive)
    treatment: int = attrs.field(default=180, validator=positive)
    stabilisation: int = attrs.field(default=90, validator=positive)
    activation: int = attrs.field(default=90, validator=positive)


@attrs.frozen
class HealthSettings:
    #: Days a health task may be overdue before it counts as "waiting too long" (e.g. the
    #: first appointment at an addiction counselling service a partner promised).
    max_wait_days: int = attrs.field(default=14, validator=positive)
    chain_max_days: ChainWaits = attrs.Factory(ChainWaits)
    #: The circle accountable for chain tasks when a case has no coach or scout.
    chain_circle: str = "suchtarbeitskreis"
