"""Needs and offers: gaps, shortfalls and duplicate structures computed by the database,
and the directory as Open Referral HSDS."""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import sample_network, snapshot


def _offer(api, key, partner, groups, problems, areas=(), capacity=None, **extra):
    body = {
        "key": key,
        "title": key.replace("-", " ").title(),
        "partner_id": partner.id,
        "target_groups": list(groups),
        "problem_areas": list(problems),
        "social_areas": list(areas),
        "capacity": capacity,
        **extra,
    }
    created = api.post("/api/offers", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def _need(api, group, problem, area="", people=10):
    body = {
        "target_group": group,
        "problem_area": problem,
        "social_area": area,
        "people": people,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "source": "Markt und Integration",
    }
    created = api.post("/api/needs", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def test_gaps_shortfalls_and_coverage(api) -> None:
    net = api.network
    _offer(
        api, "suchtberatung-nord", net.counselling, ["Langzeitarbeitslose"], ["Sucht"], ["Nord"], 8
    )
    _offer(api, "klinik-sucht", net.clinic, ["langzeitarbeitslose"], ["sucht"], [], None)
    _offer(api, "schuldner", net.counselling, ["Alleinerziehende"], ["Schulden"], ["Süd"], 40)
    nord = _need(api, "Langzeitarbeitslose", "Sucht", "Nord", people=30)
    sued = _need(api, "Alleinerziehende ", "schulden", "Süd", people=25)
    gap = _need(api, "Jugendliche", "Wohnungslosigkeit", "Nord")
    short = _need(api, "Alleinerziehende", "Schulden", "Süd", people=60)

    found = {item["need"]["id"]: item for item in api.get("/api/catalogue/coverage").json()}
    assert found[gap["id"]]["status"] == "gap" and found[gap["id"]]["offer_ids"] == []
    assert found[sued["id"]]["status"] == "covered" and found[sued["id"]]["capacity"] == 40
    assert found[short["id"]]["status"] == "short"
    # The clinic serves the whole region with unknown capacity: coverage is unknown.
    assert found[nord["id"]]["status"] == "unknown" and len(found[nord["id"]]["offer_ids"]) == 2
    first = api.get("/api/catalogue/coverage").json()[0]
    assert first["status"] == "gap"
    uncovered = api.get("/api/catalogue/coverage", params={"uncovered": True}).json()
    assert sued["id"] not in {item["need"]["id"] for item in uncovered}


def test_duplicate_structures_are_found_and_explained(api) -> None:
    net = api.network
    a = _offer(api, "a", net.counselling, ["Alleinerziehende", "Familien"], ["Schulden"], ["Nord"])
    b = _offer(api, "b", net.clinic, ["alleinerziehende"], ["Schulden", "Sucht"], ["Nord", "Süd"])
    c = _offer(api, "c", net.clinic, ["Alleinerziehende"], ["Schulden"], ["Ost"])  # another area
    d = _offer(
        api, "d", net.counselling, ["Alleinerziehende"], ["Schulden"], ["Süd"]
    )  # same partner as a
    whole = _offer(api, "e", net.jobcenter, ["Familien"], ["Schulden"], [])
    pairs = {
        (o["first_offer_id"], o["second_offer_id"]): o
        for o in api.get("/api/catalogue/duplicates").json()["items"]
    }
    ab = pairs[(a["id"], b["id"])]
    assert ab["target_groups"] == ["Alleinerziehende"] and ab["problem_areas"] == ["Schulden"]
    assert ab["social_areas"] == ["Nord"]
    # a has 2 groups × 1 problem × 1 area = 2 combinations; 1 of them is b's too.
    assert ab["degree"] == 0.5
    assert "Alleinerziehende" in ab["explanation"] and "50 %" in ab["explanation"]
    # a region-wide offer overlaps with one in an area; c (Ost) and a (Nord) do not.
    assert (a["id"], whole["id"]) in pairs
    assert pairs[(a["id"], whole["id"])]["degree"] == 1.0
    assert (a["id"], c["id"]) not in pairs
    # Offers of the same partner are not duplicates of each other.
    assert (a["id"], d["id"]) not in pairs
    strong = api.get("/api/catalogue/duplicates", params={"minimum": 0.9}).json()["items"]
    assert all(o["degree"] >= 0.9 for o in strong) and strong


def test_offers_are_kept_by_their_partner_and_bad_ones_refused(api) -> None:
    net = api.network
    before = snapshot(api.deployment)
    bad = api.post(
        "/api/offers",
        json={
            "key": "x",
            "title": "",
            "partner_id": 999,
            "target_groups": [],
            "legal_domain": "SGB 7",
        },
    )
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.json()["problems"]}
    assert {"title", "legal_domain"} <= fields
    bad = api.post(
        "/api/offers", json={"key": "x", "title": "X", "partner_id": 999, "target_groups": []}
    )
    assert {p["field"] for p in bad.json()["problems"]} >= {
        "partner_id",
        "target_groups",
        "problem_areas",
    }
    assert (
        api.post(
            "/api/needs",
            json={
                "target_group": "A",
                "problem_area": "B",
                "people": 0,
                "period_start": "2026-02-01",
                "period_end": "2026-01-01",
            },
        ).status_code
        == 422
    )
    assert snapshot(api.deployment) == before

    own = api.post(
        "/api/offers",
        "partner_member",
        json={
            "key": "own",
            "title": "Beratung",
            "partner_id": net.counselling.id,
            "target_groups": ["A"],
            "problem_areas": ["B"],
        },
    )
    assert own.status_code == 201
    foreign = api.post(
        "/api/offers",
        "partner_member",
        json={
            "key": "foreign",
            "title": "X",
            "partner_id": net.clinic.id,
            "target_groups": ["A"],
            "problem_areas": ["B"],
        },
    )
    assert foreign.status_code == 403
    changed = api.patch(
        f"/api/offers/{own.json()['id']}",
        "partner_member",
        json={"social_areas": ["Nord"], "version": own.json()["version"]},
    )
    assert changed.status_code == 200 and changed.json()["social_areas"] == ["Nord"]
    assert (
        api.patch(
            f"/api/offers/{own.json()['id']}", "other_member", json={"title": "Y", "version": 2}
        ).status_code
        == 403
    )
    listed = api.get("/api/offers", params={"social_area": "nord"}).json()
    assert [o["key"] for o in listed["items"]] == ["own"]


def test_the_directory_exports_as_hsds(api) -> None:
    net = api.network
    api.patch(
        f"/api/partners/{net.counselling.key}",
        json={"address": "Hauptstraße 5, 56068 Koblenz", "phone": "0261 123", "version": 1},
    )
    _offer(
        api,
        "sucht",
        net.counselling,
        ["Langzeitarbeitslose"],
        ["Sucht"],
        ["Nord"],
        8,
        legal_domain="SGB II",
        access_conditions="Überweisung durch das Jobcenter",
    )
    first = api.get("/api/catalogue/hsds")
    assert first.status_code == 200
    document = first.json()
    assert document["hsds_version"] == "3.0"
    organizations = {o["name"]: o for o in document["organizations"]}
    counselling = organizations["Suchtberatung Teststadt"]
    uuid.UUID(counselling["id"])
    address = counselling["locations"][0]["addresses"][0]
    assert (address["postal_code"], address["city"], address["country"]) == (
        "56068",
        "Koblenz",
        "DE",
    )
    service = document["services"][0]
    assert service["organization_id"] == counselling["id"]
    assert service["service_areas"][0]["name"] == "Nord"
    assert service["application_process"] == "Überweisung durch das Jobcenter"
    terms = {t["id"]: t for t in document["taxonomy_terms"]}
    tagged = {(terms[a["taxonomy_term_id"]]["taxonomy"], a["value"]) for a in service["attributes"]}
    assert {
        ("Zielgruppe", "Langzeitarbeitslose"),
        ("Problemlage", "Sucht"),
        ("Rechtskreis", "SGB II"),
    } <= tagged
    assert service["service_at_locations"][0]["location_id"] == counselling["locations"][0]["id"]
    # Stable identifiers: a second export names everything alike.
    assert api.get("/api/catalogue/hsds").json()["services"][0]["id"] == service["id"]


def test_the_command_line_reports_coverage_duplicates_and_writes_hsds(api, tmp_path) -> None:
    from click.testing import CliRunner

    from netzwerker.cli import cli

    net = api.network
    _offer(api, "a", net.counselling, ["Alleinerziehende"], ["Schulden"], ["Nord"], 5)
    _offer(api, "b", net.clinic, ["Alleinerziehende"], ["Schulden"], [])
    _need(api, "Jugendliche", "Sucht", "Nord")
    folder = str(api.deployment.folder)
    runner = CliRunner()
    coverage = runner.invoke(cli, ["catalogue", "coverage", folder, "--uncovered"])
    assert coverage.exit_code == 0, coverage.output
    assert "gap      Jugendliche / Sucht / Nord" in coverage.output
    as_csv = runner.invoke(cli, ["catalogue", "coverage", folder, "--format", "csv"])
    assert as_csv.output.splitlines()[1].startswith("gap,Jugendliche,Sucht,Nord,10,0,0")
    duplicates = runner.invoke(cli, ["catalogue", "duplicates", folder])
    assert "100%  A ↔ B" in duplicates.output and "1 mögliche Doppelstrukturen" in duplicates.output
    target = tmp_path / "hsds.json"
    written = runner.invoke(cli, ["catalogue", "hsds", folder, "--output", str(target)])
    assert written.exit_code == 0 and "2 services" in written.output
    assert '"hsds_version": "3.0"' in target.read_text(encoding="utf-8")


@given(st.text(max_size=60))
def test_normalised_terms_are_stable(value: str) -> None:
    """Normalising twice changes nothing, and spacing or case never tell two terms apart."""
    from netzwerker.domain.catalogue.services import term

    assert term(term(value)) == term(value)
    assert term(f"  {value.upper()} ") == term(value.upper())


def test_duplicate_structures_come_a_page_at_a_time(api) -> None:
    net = api.network
    for number in range(4):
        partner = net.clinic if number % 2 else net.counselling
        _offer(api, f"o{number}", partner, ["Familien"], ["Schulden", f"P{number}"])
    page = api.get("/api/catalogue/duplicates", params={"limit": 2}).json()
    # Offers of different partners: 0–1, 0–3, 1–2, 2–3.
    assert page["total"] == 4 and len(page["items"]) == 2 and page["limit"] == 2
    rest = api.get("/api/catalogue/duplicates", params={"limit": 2, "offset": 2}).json()
    everything = page["items"] + rest["items"]
    pairs = {(o["first_offer_id"], o["second_offer_id"]) for o in everything}
    assert len(pairs) == 4
    degrees = [o["degree"] for o in everything]
    assert degrees == sorted(degrees, reverse=True)
    assert api.get("/api/catalogue/duplicates", params={"limit": 500}).status_code == 400


OFFER_TERMS = st.lists(st.sampled_from(["a", "b", "c"]), max_size=3)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    writes=st.lists(
        st.tuples(
            st.integers(0, 4),  # which offer: a new one the first time, then a change
            st.sampled_from(["jobcenter", "klinik", "suchtberatung"]),
            OFFER_TERMS,
            OFFER_TERMS,
            OFFER_TERMS,
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_duplicates_and_coverage_are_those_of_every_pair(deployment, writes) -> None:
    """Whatever offers are created and changed (partners, terms, active or not), the pairs
    kept as they are written equal a comparison of every pair of offers, and each need is
    met by exactly the offers that serve it."""
    from datetime import date
    from itertools import combinations, product

    import sqlalchemy as sa

    from netzwerker.domain.catalogue.duplicates import compare, overlaps
    from netzwerker.domain.catalogue.models import Need, Offer
    from netzwerker.domain.catalogue.served import served_offers
    from netzwerker.domain.catalogue.services import (
        NeedDraft,
        OfferDraft,
        coverage,
        create_offer,
        record_need,
        update_offer,
    )
    from netzwerker.domain.partners.models import Partner

    with deployment.transaction() as session:
        session.execute(sa.delete(Offer))
        if session.scalar(sa.select(sa.func.count()).select_from(Partner)) == 0:
            sample_network(session)
        partners = {p.key: p.id for p in session.scalars(sa.select(Partner))}
        made: dict[int, int] = {}
        for which, partner, groups, problems, areas, active in writes:
            values = {
                "partner_id": partners[partner],
                "target_groups": groups or ["a"],
                "problem_areas": problems or ["b"],
                "social_areas": areas,
                "active": active,
            }
            if which in made:
                update_offer(session, made[which], values, actor=Actor.operator("test"))
            else:
                draft = OfferDraft(title="Angebot", key=f"angebot-{which}", **values)
                made[which] = create_offer(session, draft, actor=Actor.operator("test")).id
        stored, total = overlaps(session)
        offers = served_offers(session)
        expected = [
            found
            for first, second in combinations(sorted(offers), 2)
            if (found := compare(first, offers[first], second, offers[second])) is not None
        ]
        key = lambda o: (o.first_offer_id, o.second_offer_id)  # noqa: E731
        assert sorted(stored, key=key) == sorted(expected, key=key) and total == len(expected)
        # Coverage: a need is met by the active offers for its group and problem, in its
        # area or everywhere.
        session.execute(sa.delete(Need))
        for group, problem, area in product("ab", "bc", ("", "a")):
            draft = NeedDraft(group, problem, 5, date(2026, 1, 1), date(2026, 12, 31), area)
            record_need(session, draft, actor=Actor.operator("test"))
        for item in coverage(session):
            need = item.need
            assert item.offer_ids == sorted(
                offer_id
                for offer_id, offer in offers.items()
                if need.target_group in offer.terms_of("target_group")
                and need.problem_area in offer.terms_of("problem_area")
                and (
                    not need.social_area
                    or not offer.terms_of("social_area")
                    or need.social_area in offer.terms_of("social_area")
                )
            )
