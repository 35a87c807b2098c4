"""The single-parents plugin's pages: households with their sponsorships and barriers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import select

from netzwerker.contributions import Period
from netzwerker.domain.audit.models import AuditEvent
from netzwerker.domain.indicators.services import Scope, read_each
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import snapshot
from netzwerker_single_parents import services

CONFIG = """
[deployment]
name = "Jobcenter Test"
[plugins.health]
[plugins.single_parents]
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=CONFIG, migrate=True)


def _household(web) -> int:
    with web.deployment.transaction() as session:
        return services.add_household(
            session,
            web.deployment,
            services.HouseholdDraft("BG-7", web.network.coordinator.id, town="Ahlen", children=2),
            actor=Actor.operator("test"),
        ).id


def test_a_coordinator_records_sponsorships_and_barriers_on_the_household(web):
    household = _household(web)
    coordinator = web.sign_in("coordinator")
    assert "BG-7" in coordinator.get("/single_parents/households").text
    path = f"/single_parents/households/{household}"
    assert "Noch keine Patenschaft." in coordinator.get(path).text

    before = snapshot(web.deployment)
    bad = coordinator.post(f"{path}/sponsorships", {"sponsor": "", "started_on": "bald"})
    assert bad.status_code == 422 and 'id="sponsor-error"' in bad.text
    assert "Bitte ein Datum angeben" in bad.text and 'value="bald"' in bad.text
    assert snapshot(web.deployment) == before

    added = coordinator.post(
        f"{path}/sponsorships",
        {"sponsor": "Patin A", "started_on": "2026-11-01", "focus": "Schule"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    page = coordinator.get(path).text
    assert "Die Patenschaft mit Patin A ist erfasst." in page and "läuft" in page
    assert re.search(
        r"BG-7</a></td>.*?<td class=\"num\">1</td>",
        coordinator.get("/single_parents/households").text,
        re.S,
    ), "one running sponsorship"
    sponsorship = re.search(r"/single_parents/sponsorships/(\d+)/end", page).group(1)
    early = coordinator.post(
        f"/single_parents/sponsorships/{sponsorship}/end", {"ended_on": "2026-10-01"}
    )
    assert "Das Ende darf nicht vor dem Beginn liegen." in early.text
    ended = coordinator.post(
        f"/single_parents/sponsorships/{sponsorship}/end", {"ended_on": "2026-11-30"}
    )
    assert "Die Patenschaft mit Patin A ist beendet." in ended.text

    barrier = coordinator.post(
        f"{path}/barriers",
        {"kind": "childcare", "noted_on": "2026-11-15", "step": "Kita-Antrag"},
    )
    assert "Die Barriere „Kinderbetreuung“ ist erfasst." in barrier.text
    with web.deployment.session() as session:
        actions = {entry.action for entry in session.exec(select(AuditEvent))}
    assert {
        "single_parents.sponsorship.create",
        "single_parents.sponsorship.end",
        "single_parents.barrier.create",
    } <= actions


def test_the_sponsorship_indicator_counts_those_that_ran(web):
    household = _household(web)
    operator = Actor.operator("test")
    with web.deployment.transaction() as session:
        for sponsor, start, end in (
            ("A", date(2026, 1, 1), date(2026, 3, 31)),
            ("B", date(2026, 6, 1), None),
            ("C", date(2027, 1, 1), None),
        ):
            services.add_sponsorship(
                session,
                household,
                services.SponsorshipDraft(sponsor, start, ended_on=end),
                actor=operator,
            )
    indicator = web.deployment.registry.indicators["single_parents_sponsorships"]
    wanted = [
        (indicator, Period(date(2026, 4, 1), date(2026, 12, 31)), Scope()),
        (indicator, Period(date(2026, 1, 1), date(2026, 12, 31)), Scope()),
    ]
    with web.deployment.session() as session:
        readings = read_each(session, wanted, date(2026, 12, 31))
    assert [reading.value for reading in readings] == [1, 2]


def test_partner_members_see_no_households_and_viewers_record_nothing(web):
    household = _household(web)
    path = f"/single_parents/households/{household}"
    before = snapshot(web.deployment)
    member = web.sign_in("partner_member")
    assert member.get(path).status_code == 403
    assert member.get("/single_parents/households").status_code == 403
    viewer = web.sign_in("viewer")
    page = viewer.get(path).text
    assert "BG-7" in page and "Patenschaft erfassen" not in page
    refused = viewer.post(f"{path}/sponsorships", {"sponsor": "X", "started_on": "2026-11-01"})
    assert refused.status_code == 403
    assert snapshot(web.deployment) == before


def test_a_household_is_taken_into_coaching_and_leaves_benefits_in_the_browser(web):
    coordinator = web.sign_in("coordinator")
    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/single_parents/households",
        {"reference": "", "coach_person_id": str(web.network.coordinator.id), "children": "-1"},
    )
    assert bad.status_code == 422 and 'id="reference-error"' in bad.text
    assert snapshot(web.deployment) == before
    taken = coordinator.post(
        "/single_parents/households",
        {"reference": "BG-9", "coach_person_id": str(web.network.coordinator.id), "town": "Beckum"},
        follow_redirects=False,
    )
    assert taken.status_code == 303
    path = taken.headers["location"]
    page = coordinator.get(path).text
    assert "Der Haushalt BG-9 ist in Begleitung." in page and "Beckum" in page
    left = coordinator.post(f"{path}/left-benefits", {"on": "2026-12-01"})
    assert "den Leistungsbezug verlassen" in left.text and "01.12.2026" in left.text
    viewer = web.sign_in("viewer")
    assert "In Begleitung nehmen" not in viewer.get("/single_parents/households").text
    assert viewer.post("/single_parents/households", {"reference": "x"}).status_code == 403
