"""Appraisal in the browser: offers rated for quality, proposed measures for priority, and
what is spent on each offer, under "Offers and needs"."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from netzwerker.domain.appraisal.models import OfferResource, Rating
from netzwerker.domain.catalogue.services import OfferDraft, create_offer
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import MINIMAL_CONFIG, snapshot

SCHEMES = """
[appraisal.quality]
criteria = [
    { key = "bedarfsgerecht", name = "Bedarfsgerecht", weight = 3.0 },
    { key = "wirtschaftlich", name = "Wirtschaftlich", weight = 1.0 },
]

[appraisal.priorities]
scale = 3
criteria = [{ key = "bedarf", name = "Bedarf" }, { key = "kosten", name = "Kostenneutral" }]
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=MINIMAL_CONFIG + SCHEMES, migrate=True)


def _offer(web, key: str, title: str, capacity: int | None = 20) -> int:
    with web.deployment.transaction() as session:
        return create_offer(
            session,
            OfferDraft(
                key=key,
                title=title,
                partner_id=web.network.counselling.id,
                target_groups=["Langzeitarbeitslose"],
                problem_areas=["Sucht"],
                capacity=capacity,
            ),
            actor=Actor.operator("test"),
        ).id


def test_a_coordinator_rates_offers_and_records_what_they_cost(web):
    good, plain = _offer(web, "gut", "Gute Beratung"), _offer(web, "schlicht", "Schlichte Beratung")
    coordinator = web.sign_in("coordinator")
    assert "/catalogue/appraisal" in coordinator.get("/catalogue").text
    page = coordinator.get("/catalogue/appraisal").text
    assert "Qualität der Angebote" in page and "Bedarfsgerecht" in page
    form = coordinator.get(f"/catalogue/appraisal/offers/{good}").text
    assert "Gute Beratung bewerten" in form and 'id="score.bedarfsgerecht"' in form

    before = snapshot(web.deployment)
    empty = coordinator.post(f"/catalogue/appraisal/offers/{good}", {"note": "ohne"})
    assert empty.status_code == 422 and "Bitte mindestens ein Kriterium bewerten." in empty.text
    wrong = coordinator.post(f"/catalogue/appraisal/offers/{good}", {"score.bedarfsgerecht": "7"})
    assert wrong.status_code == 422 and 'id="score.bedarfsgerecht-error"' in wrong.text
    assert snapshot(web.deployment) == before

    for offer, scores in ((good, ("5", "4")), (plain, ("2", ""))):
        answer = coordinator.post(
            f"/catalogue/appraisal/offers/{offer}",
            {"score.bedarfsgerecht": scores[0], "score.wirtschaftlich": scores[1]},
            follow_redirects=False,
        )
        assert answer.status_code == 303
    page = coordinator.get("/catalogue/appraisal").text
    assert "Die Bewertung von Schlichte Beratung ist erfasst." in page
    assert page.index("Gute Beratung") < page.index("Schlichte Beratung"), "the best first"
    assert "4,75" in page and "nicht alle Kriterien" in page
    with web.deployment.session() as session:
        assert len(session.exec(select(Rating)).all()) == 3

    before = snapshot(web.deployment)
    bad = coordinator.post(
        "/catalogue/appraisal/resources",
        {"offer_id": str(good), "year": "2027", "money": "-5", "staff_hours": "viel"},
    )
    assert bad.status_code == 422 and 'id="staff_hours-error"' in bad.text
    assert 'value="-5"' in bad.text
    assert snapshot(web.deployment) == before
    spent = coordinator.post(
        "/catalogue/appraisal/resources",
        {"offer_id": str(good), "year": "2027", "money": "12.000", "staff_hours": "300"},
        follow_redirects=False,
    )
    assert spent.status_code == 303
    page = coordinator.get("/catalogue/appraisal?year=2027").text
    assert "Der Mitteleinsatz ist erfasst." in page
    assert "12.000,00\xa0€" in page and "600,00\xa0€" in page, "money per place: 12,000 / 20"
    with web.deployment.session() as session:
        assert session.exec(select(OfferResource)).one().partner_id == web.network.counselling.id


def test_proposed_measures_are_rated_for_priority(web):
    coordinator = web.sign_in("coordinator")
    answer = coordinator.post(
        "/projects",
        {
            "key": "idee",
            "title": "Gute Idee",
            "project_type": "prevention_offer",
            "details.topic": "Alkohol",
            "details.sessions": "4",
        },
        follow_redirects=False,
    )
    project = re.search(r"/projects/(\d+)", answer.headers["location"]).group(1)
    assert "Gute Idee" in coordinator.get("/catalogue/appraisal").text
    rated = coordinator.post(
        f"/catalogue/appraisal/projects/{project}",
        {"score.bedarf": "3", "score.kosten": "2"},
        follow_redirects=False,
    )
    assert rated.status_code == 303
    assert "2,5" in coordinator.get("/catalogue/appraisal").text


def test_viewers_and_partners_read_the_appraisal_but_rate_nothing(web):
    offer = _offer(web, "gut", "Gute Beratung")
    before = snapshot(web.deployment)
    for role in ("viewer", "partner_member"):
        browser = web.sign_in(role)
        page = browser.get("/catalogue/appraisal").text
        assert "Gute Beratung" in page and "Mitteleinsatz erfassen" not in page
        assert f"/catalogue/appraisal/offers/{offer}" not in page
        assert browser.get(f"/catalogue/appraisal/offers/{offer}").status_code == 403
        refused = browser.post(
            f"/catalogue/appraisal/offers/{offer}", {"score.bedarfsgerecht": "5"}
        )
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text
        assert (
            browser.post(
                "/catalogue/appraisal/resources", {"offer_id": str(offer), "year": "2027"}
            ).status_code
            == 403
        )
    assert snapshot(web.deployment) == before


def test_without_a_scheme_the_page_says_where_to_set_one(make_deployment):
    from netzwerker.app import create_app
    from netzwerker.testing import Web, web_network

    deployment = make_deployment(migrate=True)
    site = Web(create_app(deployment), deployment, *web_network(deployment))
    try:
        page = site.sign_in("coordinator").get("/catalogue/appraisal").text
    finally:
        site.close()
    assert "In deployment.toml [appraisal.quality] festlegen." in page
