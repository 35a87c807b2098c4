"""Appraisal: rating offers' quality and proposed measures' priority by the deployment's
scheme, and the resources spent per offer and provider."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netzwerker.config import Criterion, RatingScheme
from netzwerker.domain.appraisal import services as appraisal
from netzwerker.domain.catalogue.services import OfferDraft, create_offer
from netzwerker.domain.projects.services import ProjectDraft, create_project, move_project
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import MINIMAL_CONFIG

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


@pytest.fixture
def offers(api):
    with api.deployment.transaction() as session:
        made = [
            create_offer(
                session,
                OfferDraft(
                    key=key,
                    title=title,
                    partner_id=api.network.counselling.id,
                    target_groups=["Langzeitarbeitslose"],
                    problem_areas=["Sucht"],
                    capacity=capacity,
                ),
                actor=Actor.operator("test"),
            ).id
            for key, title, capacity in (("a", "Beratung A", 50), ("b", "Beratung B", None))
        ]
    return made


def test_offers_are_ranked_by_their_weighted_quality_score(api, offers):
    first, second = offers
    url = "/api/appraisal/offer/{}/ratings"
    scores = [
        {"criterion": "bedarfsgerecht", "score": 5},
        {"criterion": "wirtschaftlich", "score": 1},
    ]
    assert api.post(url.format(first), json=scores).status_code == 201
    assert (
        api.post(url.format(second), json=[{"criterion": "bedarfsgerecht", "score": 4}]).status_code
        == 201
    )
    ranked = api.get("/api/appraisal/quality").json()
    assert [(o["title"], o["score"], o["rank"], o["complete"]) for o in ranked] == [
        ("Beratung A", 4.0, 1, True),  # (3·5 + 1·1) / 4
        ("Beratung B", 4.0, 2, False),
    ]
    # A later rating supersedes: B is rated worse on a later day.
    later = [{"criterion": "bedarfsgerecht", "score": 2, "rated_on": "2099-01-01"}]
    api.post(url.format(second), json=later)
    ranked = api.get("/api/appraisal/quality").json()
    assert [o["score"] for o in ranked] == [4.0, 2.0]


def test_a_bad_rating_is_refused_with_its_place_and_changes_nothing(api, offers):
    url = f"/api/appraisal/offer/{offers[0]}/ratings"
    bad = [{"criterion": "schoen", "score": 3}, {"criterion": "bedarfsgerecht", "score": 6}]
    answer = api.post(url, json=bad)
    assert answer.status_code == 422
    text = answer.text
    assert "[0].criterion" in text and "not a criterion" in text
    assert "[1].score" in text and "must be 1 to 5" in text
    assert api.post(url, json=[{"criterion": "bedarfsgerecht", "score": "gut"}]).status_code == 400
    assert api.get("/api/appraisal/quality").json()[0]["scores"] == {}
    partner = api.post(
        url, as_="partner_member", json=[{"criterion": "bedarfsgerecht", "score": 3}]
    )
    assert partner.status_code == 403
    assert api.post("/api/appraisal/offer/999/ratings", json=[]).status_code == 404


def test_only_proposed_measures_get_priorities(api):
    deployment = api.deployment
    with deployment.transaction() as session:
        ids = [
            create_project(
                session,
                deployment,
                ProjectDraft(
                    title=title, key=key, project_type="prevention_offer", details={"topic": "x"}
                ),
                actor=Actor.operator("test"),
            ).id
            for key, title in (("m1", "Familienpaten"), ("m2", "Alphabetisierung"))
        ]
        move_project(session, deployment, ids[1], "conceive", actor=Actor.operator("test"))
    url = "/api/appraisal/project/{}/ratings"
    api.post(url.format(ids[0]), json=[{"criterion": "bedarf", "score": 2}])
    api.post(
        url.format(ids[1]),
        json=[{"criterion": "bedarf", "score": 3}, {"criterion": "kosten", "score": 3}],
    )
    ranked = api.get("/api/appraisal/priorities").json()
    assert [(m["title"], m["state"], m["rank"]) for m in ranked] == [
        ("Alphabetisierung", "concept", 1),
        ("Familienpaten", "idea", 2),
    ]
    assert (
        api.post(url.format(ids[0]), json=[{"criterion": "bedarf", "score": 4}]).status_code == 422
    )
    with deployment.transaction() as session:
        move_project(session, deployment, ids[1], "launch", actor=Actor.operator("test"))
    answer = api.post(url.format(ids[1]), json=[{"criterion": "bedarf", "score": 1}])
    assert answer.status_code == 409 and "no longer a proposed measure" in answer.text
    assert [m["title"] for m in api.get("/api/appraisal/priorities").json()] == ["Familienpaten"]


def test_resources_are_summed_per_offer_and_provider(api, offers):
    first, second = offers
    jobcenter = api.network.jobcenter.id
    for body in (
        {"offer_id": first, "year": 2009, "money": "30000", "staff_hours": "800"},
        {
            "offer_id": first,
            "year": 2009,
            "partner_id": jobcenter,
            "money": "20000",
            "source": "SGB II",
        },
        {"offer_id": second, "year": 2009, "money": "5000", "staff_hours": "120.5"},
        {"offer_id": second, "year": 2010, "money": "7000"},
    ):
        assert api.post("/api/appraisal/resources", json=body).status_code == 201
    # The same provider, year and source again replaces the figures.
    api.post(
        "/api/appraisal/resources",
        json={"offer_id": first, "year": 2009, "money": "40000", "staff_hours": "800"},
    )
    by_offer = api.get("/api/appraisal/resources?year=2009").json()
    assert [(r["name"], r["money"], r["staff_hours"]) for r in by_offer] == [
        ("Beratung A", "60000.00", "800.0"),
        ("Beratung B", "5000.00", "120.5"),
    ]
    by_partner = {
        r["name"]: r["money"] for r in api.get("/api/appraisal/resources?by=partner").json()
    }
    assert by_partner == {"Suchtberatung Teststadt": "52000.00", "Jobcenter Teststadt": "20000.00"}
    quality = {o["title"]: o for o in api.get("/api/appraisal/quality?year=2009").json()}
    assert quality["Beratung A"]["money_per_place"] == "1200.00"  # 60,000 € for 50 places
    assert quality["Beratung B"]["money_per_place"] is None  # capacity unknown
    negative = api.post(
        "/api/appraisal/resources", json={"offer_id": first, "year": 2009, "money": "-1"}
    )
    assert negative.status_code in (400, 422) and "money" in negative.text
    member = api.post(
        "/api/appraisal/resources", as_="partner_member", json={"offer_id": first, "year": 2011}
    )
    assert member.status_code == 403


def test_without_a_scheme_rating_is_refused(make_deployment):
    deployment = make_deployment(toml=MINIMAL_CONFIG, folder="plain", migrate=True)
    with (
        deployment.session() as session,
        pytest.raises(appraisal.Refused, match=r"appraisal\.quality"),
    ):
        appraisal.offer_quality(session, deployment)


def test_a_scheme_with_bad_criteria_fails_check(tmp_path):
    from netzwerker.deployment import load_problems

    bad = SCHEMES.replace("weight = 1.0", "weight = 0.0").replace(
        'key = "kosten"', 'key = "bedarf"'
    )
    (tmp_path / "deployment.toml").write_text(MINIMAL_CONFIG + bad, encoding="utf-8")
    _, problems = load_problems(tmp_path)
    assert {p.path for p in problems} >= {
        "appraisal.quality.criteria[1].weight",
        "appraisal.priorities.criteria[1].key",
    }


@given(
    weights=st.lists(st.floats(0.1, 10), min_size=1, max_size=6),
    scale=st.integers(2, 10),
    data=st.data(),
)
def test_a_weighted_score_stays_on_the_scale_and_equal_scores_give_that_score(weights, scale, data):
    scheme = RatingScheme(
        [Criterion(f"c{i}", f"C{i}", weight) for i, weight in enumerate(weights)], scale
    )
    scores = {f"c{i}": data.draw(st.integers(1, scale)) for i in range(len(weights))}
    score = appraisal.weighted_score(scheme, scores)
    assert min(scores.values()) - 0.01 <= score <= max(scores.values()) + 0.01
    same = data.draw(st.integers(1, scale))
    assert appraisal.weighted_score(scheme, dict.fromkeys(scores, same)) == same
    assert appraisal.weighted_score(scheme, {}) is None
