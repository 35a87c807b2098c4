"""``/api/transnational/countries``: participants per country."""

from __future__ import annotations

import attrs
from litestar import get

from netzwerker.domain.indicators.services import period_of
from netzwerker.http.params import CurrentDeployment, From, To
from netzwerker_transnational.indicators import by_country


@attrs.frozen
class CountryOut:
    country: str
    participants: int


@get("/api/transnational/countries", tags=["transnational"], sync_to_thread=False)
def participants_by_country(
    deployment: CurrentDeployment, start: From = None, end: To = None
) -> list[CountryOut]:
    """Participants who went abroad in the period (default: the year so far), per country."""
    period = period_of(start, end, deployment.today())
    with deployment.session() as session:
        return [CountryOut(code, count) for code, count in by_country(session, period)]
