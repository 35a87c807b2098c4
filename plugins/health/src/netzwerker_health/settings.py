"""Settings of the health plugin, from ``[plugins.health.settings]``."""

from __future__ import annotations

import attrs


def _positive(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 1:
        raise ValueError(f"must be at least 1, got {value}")


@attrs.frozen
class HealthSettings:
    #: Days a health task may be overdue before it counts as "waiting too long" (e.g. the
    #: first appointment at an addiction counselling service a partner promised).
    max_wait_days: int = attrs.field(default=14, validator=_positive)
