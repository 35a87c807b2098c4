"""The ``[[households]]`` section of a network data file.

::

    [[households]]
    reference = "ANNA-E-01"
    coach = "Coach A"            # a person's name, e.g. from a [[people]] section
    town = "Everswinkel"
    children = 2
    started_on = 2020-08-03
    sponsorships = [{sponsor = "Patin A", started_on = 2020-11-01, focus = "Schule"}]
    barriers = [{kind = "childcare", noted_on = 2020-09-15, step = "Antrag Kita-Platz"}]
    left_benefits_on = 2022-06-30
"""

from __future__ import annotations

from datetime import date
from typing import Any

from netzwerker.datafiles import Loader
from netzwerker.domain.partners.models import Person
from netzwerker_single_parents import services


def load_household(loader: Loader, entry: dict[str, Any]) -> None:
    """A household in coaching, with its sponsorships, the barriers it met and, once it
    happened, the day it left benefit receipt; the caseload limit applies as in the API."""
    history = ("sponsorships", "barriers", "left_benefits_on")
    values = {key: value for key, value in entry.items() if key not in history}
    draft = loader.draft(values, services.HouseholdDraft, {"coach": ("coach_person_id", Person)})
    sponsorships = loader.value(entry, "sponsorships", list[services.SponsorshipDraft], [])
    barriers = loader.value(entry, "barriers", list[services.BarrierDraft], [])
    left_on = loader.value(entry, "left_benefits_on", date, None)
    session = loader.session
    household = services.add_household(session, loader.deployment, draft, actor=loader.actor)
    for sponsorship in sponsorships:
        services.add_sponsorship(session, household.id, sponsorship, actor=loader.actor)
    for barrier in barriers:
        services.add_barrier(session, household.id, barrier, actor=loader.actor)
    if left_on is not None:
        services.leave_benefits(session, household.id, left_on, actor=loader.actor)
