"""``/api/health/…``: the health plugin's part of the API."""

from __future__ import annotations

from datetime import date

import attrs
from litestar import get, post
from litestar.params import JSONBody

from netzwerker.http import bodies
from netzwerker.http.answers import Answer
from netzwerker.http.guards import permitted
from netzwerker.http.params import CurrentActor, CurrentDeployment
from netzwerker_health.services import RECORD_TRAINING, TrainingDraft, add_training, trainings


@attrs.frozen
class TrainingOut(Answer):
    id: int
    title: str
    topic: str
    held_on: date
    participants: int
    online: bool
    trainer_partner_id: int | None


@get("/api/health/trainings", tags=["health"], sync_to_thread=False)
def list_trainings(deployment: CurrentDeployment) -> list[TrainingOut]:
    """Staff trainings on health topics, oldest first."""
    with deployment.session() as session:
        return [TrainingOut.of(training) for training in trainings(session)]


@post(
    "/api/health/trainings",
    tags=["health"],
    dto=bodies.Body[TrainingDraft],
    return_dto=None,
    sync_to_thread=False,
    guards=permitted(RECORD_TRAINING),
)
def create_training(
    data: JSONBody[TrainingDraft], deployment: CurrentDeployment, actor: CurrentActor
) -> TrainingOut:
    """Record a training (coordinators)."""
    with deployment.transaction() as session:
        return TrainingOut.of(add_training(session, data, actor=actor))
