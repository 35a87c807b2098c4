"""The plugin's part of ``netzwerker demo``: debt cases moving through the tiers of the
counselling system, from the request to an agreement with the creditors."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from netzwerker.deployment import Deployment
from netzwerker.domain.partners.models import Partner, PartnerWorkingField
from netzwerker.domain.users.permissions import Actor
from netzwerker.domain.workflows.services import Move, RunDraft, advance, start_run
from netzwerker_debt.workflows import COUNSELLING, Urgency

DEMO = Actor.operator("demo")
#: How far each demo case goes: the steps after its request.
PATHS = (
    (),
    ("pre_sort",),
    ("pre_sort", "first_appointment"),
    ("intervene",),
    ("first_appointment", "attempt_settlement"),
    ("first_appointment", "attempt_settlement", "settle"),
)


def generate(session: Session, deployment: Deployment, rng: random.Random, today: date) -> str:
    counsellors = list(
        session.scalars(
            select(col(Partner.id))
            .join(PartnerWorkingField, col(PartnerWorkingField.partner_id) == col(Partner.id))
            .where(col(PartnerWorkingField.working_field) == "debt")
            .where(col(Partner.kind) != "jobcenter")
            .order_by(col(Partner.key))
        )
    )
    if not counsellors:
        return "no partner of the field to counsel"
    for number, path in enumerate(PATHS * 2, 1):
        day = today - timedelta(days=rng.randint(10, 120))
        crisis = "intervene" in path
        run = start_run(
            session,
            deployment,
            COUNSELLING,
            RunDraft(
                subject=f"SB-{day.year}-{number:03d}",
                partner_id=rng.choice(counsellors),
                data={
                    "urgency": (Urgency.EVICTION if crisis else Urgency.NONE).value,
                    "creditors": rng.randint(2, 14),
                    "total_debt": rng.randrange(2_000, 40_000, 500),
                    "household_size": rng.randint(1, 5),
                },
            ),
            actor=DEMO,
            now=_at(day),
            today=today,
        )
        for action in path:
            day += timedelta(days=rng.randint(1, 12))
            if day > today:
                break
            advance(
                session,
                deployment,
                run.id,
                Move(action, partner_id=rng.choice(counsellors)),
                actor=DEMO,
                now=_at(day),
                today=today,
            )
    return f"{len(PATHS) * 2} debt cases in the tiers of counselling"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)
