"""A list endpoint runs the same number of SQL statements whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from netzwerker.domain.partners.models import Partner, Person
from netzwerker.domain.tasks.services import TaskDraft, create_task
from netzwerker.testing import Api


@contextmanager
def counted(api: Api) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    sa.event.listen(api.deployment.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(api.deployment.engine, "before_cursor_execute", count)


def _grow(api: Api, count: int = 60) -> None:
    network = api.network
    with api.deployment.transaction() as session:
        for number in range(count):
            partner = Partner(key=f"partner-{number}", name=f"Partner {number}", kind="charity")
            session.add(partner)
            session.flush()
            session.add(Person(partner_id=partner.id, name=f"Kontakt {number}"))
            create_task(
                session,
                TaskDraft(
                    title=f"Aufgabe {number}",
                    working_field="health",
                    responsible_partner_id=partner.id,
                    accountable_person_id=network.coordinator.id,
                    due_date=api.deployment.today() + timedelta(days=number - 30),
                    consulted=(network.clinic.id,),
                    informed=(network.jobcenter.id,),
                ),
                actor="test",
            )


def _statements(api: Api, path: str, limit: int, role: str) -> int:
    # A token's first use of the hour is recorded (one statement more): not the list's cost.
    api.get("/api/me", role)
    with counted(api) as statements:
        response = api.get(path, role, params={"limit": limit})
    assert response.status_code == 200
    assert len(response.json()["items"]) == limit
    return len(statements)


def test_task_and_partner_lists_run_a_fixed_number_of_queries(api: Api) -> None:
    _grow(api)
    for path in ("/api/tasks", "/api/partners"):
        for role in ("coordinator", "partner_member"):
            if role == "partner_member" and path == "/api/tasks":
                continue  # sees too few tasks for a page of 50
            small = _statements(api, path, 5, role)
            large = _statements(api, path, 50, role)
            assert small == large, f"{path} as {role}: {small} vs {large} statements"
            assert large <= 6, f"{path}: {large} statements"


def _grow_network(api: Api, count: int = 55) -> None:
    """Circles, meetings, conferences, offers, needs, cases, referrals and chains, each
    more than a page of 50."""
    from datetime import date, datetime

    from netzwerker.clock import utcnow
    from netzwerker.domain.cases.models import Case, CaseTargetGroup, CaseWorker, Consent, Referral
    from netzwerker.domain.catalogue.models import Need, Offer, OfferTerm
    from netzwerker.domain.chains.models import ChainStep, ServiceChain
    from netzwerker.domain.circles.models import Circle, CirclePartner
    from netzwerker.domain.conferences.models import Conference, Registration
    from netzwerker.domain.meetings.models import Meeting, MeetingParticipant

    net = api.network
    now = utcnow()
    with api.deployment.transaction() as session:
        for n in range(count):
            circle = Circle(key=f"kreis-{n}", name=f"Kreis {n}")
            conference = Conference(
                key=f"tagung-{n}", title="T", starts_at=now, ends_at=now, capacity=10
            )
            offer = Offer(key=f"angebot-{n}", partner_id=net.counselling.id, title=f"A {n}")
            case = Case(pseudonym=f"F-{n}", opened_on=date(2026, 1, 1), created_by="t")
            chain = ServiceChain(key=f"kette-{n}", name="K", target_group="G")
            session.add_all([circle, conference, offer, case, chain])
            session.flush()
            meeting = Meeting(
                circle_id=circle.id, title="S", starts_at=now, ends_at=now, created_by="t"
            )
            consent = Consent(
                case_id=case.id,
                partner_id=net.counselling.id,
                purpose="p",
                given_on=date(2026, 1, 1),
                recorded_by="t",
            )
            session.add_all([meeting, consent])
            session.flush()
            session.add_all(
                [
                    CirclePartner(circle_id=circle.id, partner_id=net.counselling.id),
                    MeetingParticipant(meeting_id=meeting.id, partner_id=net.counselling.id),
                    Registration(
                        conference_id=conference.id,
                        name="N",
                        email=f"n{n}@x.de",
                        status="waitlisted",
                        registered_at=now,
                        registered_by="t",
                    ),
                    OfferTerm(offer_id=offer.id, dimension="target_group", term="a", value="A"),
                    Need(
                        target_group="A",
                        problem_area="B",
                        target_group_term="a",
                        problem_area_term="b",
                        people=1,
                        period_start=date(2026, 1, 1),
                        period_end=date(2026, 12, 31),
                        recorded_by="t",
                    ),
                    CaseTargetGroup(case_id=case.id, target_group="A"),
                    CaseWorker(
                        case_id=case.id,
                        person_id=net.counsellor.id,
                        role="coach",
                        since=date(2026, 1, 1),
                    ),
                    Referral(
                        case_id=case.id,
                        from_partner_id=net.jobcenter.id,
                        to_partner_id=net.counselling.id,
                        consent_id=consent.id,
                        sent_at=datetime.now(tz=now.tzinfo),
                        sent_by="t",
                    ),
                    ChainStep(
                        chain_id=chain.id,
                        position=1,
                        title="S",
                        partner_id=net.counselling.id,
                        legal_domain="SGB II",
                    ),
                ]
            )


def test_the_network_lists_run_a_fixed_number_of_queries(api: Api) -> None:
    _grow_network(api)
    paths = [
        "/api/circles",
        "/api/meetings",
        "/api/conferences",
        "/api/offers",
        "/api/needs",
        "/api/cases",
        "/api/referrals",
        "/api/service-chains",
    ]
    for path in paths:
        for role in ("coordinator", "partner_member"):
            small = _statements(api, path, 5, role)
            large = _statements(api, path, 50, role)
            assert small == large, f"{path} as {role}: {small} vs {large} statements"
            assert large <= 6, f"{path}: {large} statements"
