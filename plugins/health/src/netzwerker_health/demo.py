"""The plugin's part of ``netzwerker demo``: the staff trainings of the past year."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session

from netzwerker.deployment import Deployment
from netzwerker.domain.users.permissions import Actor
from netzwerker_health.services import TrainingDraft, add_training

DEMO = Actor.operator("demo")
TRAININGS = (
    ("Alkohol im Beratungsgespräch", "Sucht", False),
    ("Psychische Belastungen erkennen", "Psychische Gesundheit", False),
    ("Substitution und Arbeit", "Sucht", True),
    ("Gesund bleiben im Jobcenter", "Resilienz", True),
)


def generate(session: Session, deployment: Deployment, rng: random.Random, today: date) -> str:
    for index, (title, topic, online) in enumerate(TRAININGS):
        add_training(
            session,
            TrainingDraft(
                title=title,
                held_on=today - timedelta(days=40 + 75 * index + rng.randint(0, 20)),
                participants=rng.randint(8, 24),
                topic=topic,
                online=online,
            ),
            actor=DEMO,
        )
    return f"{len(TRAININGS)} staff trainings"
