"""The plugin's part of ``netzwerker demo``: households in coaching with their sponsorships,
the barriers they met and some exits from benefits, as ANNA's coaches keep them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, col, select

from netzwerker.deployment import Deployment
from netzwerker.domain.partners.models import Partner, PartnerWorkingField, Person
from netzwerker.domain.users.permissions import Actor
from netzwerker_single_parents.services import (
    BarrierDraft,
    BarrierKind,
    HouseholdDraft,
    SponsorshipDraft,
    add_barrier,
    add_household,
    add_sponsorship,
    leave_benefits,
)

DEMO = Actor.operator("demo")
COACHES = ("Miriam Weg", "Jonas Halt")
TOWNS = ("Musterstadt-Nord", "Musterstadt-Mitte", "Everswinkel", "Ennigerloh")
STEPS = {
    BarrierKind.CHILDCARE: "Antrag auf einen Kita-Platz mit Randzeiten",
    BarrierKind.TRANSPORT: "Monatskarte über das Bildungspaket",
    BarrierKind.DIGITAL: "Termin im Digitalcafé der Familienbildungsstätte",
    BarrierKind.ADMINISTRATION: "Begleitung zum Termin bei der Wohngeldstelle",
    BarrierKind.DEBT: "Erstgespräch in der Schuldnerberatung",
}


def generate(session: Session, deployment: Deployment, rng: random.Random, today: date) -> str:
    provider = session.exec(
        select(Partner)
        .join(PartnerWorkingField, col(PartnerWorkingField.partner_id) == col(Partner.id))
        .where(col(PartnerWorkingField.working_field) == "single_parents")
        .where(col(Partner.kind) != "jobcenter")
        .order_by(col(Partner.key))
    ).first()
    if provider is None:
        return "no partner of the field to coach households"
    coaches = []
    for name in COACHES:
        coach = Person(partner_id=provider.id, name=name, role="Coach")
        session.add(coach)
        coaches.append(coach)
    session.flush()
    left = 0
    for number in range(1, 13):
        started = today - timedelta(days=rng.randint(30, 400))
        household = add_household(
            session,
            deployment,
            HouseholdDraft(
                reference=f"BG-{started.year}-{number:03d}",
                coach_person_id=coaches[number % len(coaches)].id,
                town=rng.choice(TOWNS),
                children=rng.randint(1, 3),
                youngest_child_age=rng.randint(0, 12),
                started_on=started,
            ),
            actor=DEMO,
        )
        if rng.random() < 0.5:
            add_sponsorship(
                session,
                household.id,
                SponsorshipDraft(
                    sponsor=f"Patin {number}",
                    started_on=started + timedelta(days=rng.randint(10, 25)),
                    focus=rng.choice(["Schule", "Bewerbungen", "Freizeit"]),
                ),
                actor=DEMO,
            )
        for kind in rng.sample(list(STEPS), rng.randint(1, 3)):
            noted = started + timedelta(days=rng.randint(1, 20))
            add_barrier(
                session,
                household.id,
                BarrierDraft(kind, min(noted, today), STEPS[kind]),
                actor=DEMO,
            )
        if (today - started).days > 200 and rng.random() < 0.4:
            leave_benefits(
                session, household.id, today - timedelta(days=rng.randint(1, 60)), actor=DEMO
            )
            left += 1
    return f"12 households in coaching with {len(COACHES)} coaches, {left} left benefits"
