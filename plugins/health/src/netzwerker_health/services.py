"""Recording staff trainings: the one place the command line and the API both use."""

from __future__ import annotations

from datetime import date

import attrs
from sqlmodel import Session, col, select

from netzwerker.domain.audit.services import record
from netzwerker.domain.partners.services import get_partner
from netzwerker.domain.users.permissions import MANAGERS, Actor, Permission, authorize
from netzwerker.errors import InvalidInput, NotFound, Problem
from netzwerker.validators import not_negative
from netzwerker_health.models import HealthTraining


@attrs.frozen
class TrainingDraft:
    """A training held for jobcenter staff; ``trainer`` is the key of the training partner."""

    title: str
    held_on: date
    participants: int = attrs.field(default=0, validator=not_negative)
    topic: str = ""
    online: bool = False
    trainer: str | None = None


#: Who records the staff trainings on health topics.
RECORD_TRAINING = Permission("health.training", "record trainings", MANAGERS)


def add_training(session: Session, draft: TrainingDraft, *, actor: Actor) -> HealthTraining:
    """Record a staff training (``health.training``)."""
    authorize(actor, RECORD_TRAINING)
    if not draft.title.strip():
        raise InvalidInput([Problem("title", "must not be empty")])
    trainer_id = None
    if draft.trainer:
        try:
            trainer_id = get_partner(session, draft.trainer).id
        except NotFound as exc:
            raise InvalidInput([Problem("trainer", str(exc))]) from None
    training = HealthTraining(
        title=draft.title.strip(),
        topic=draft.topic,
        held_on=draft.held_on,
        participants=draft.participants,
        online=draft.online,
        trainer_partner_id=trainer_id,
    )
    session.add(training)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="health.training.create",
        object_type="health_training",
        object_id=training.id,
        changes={"title": training.title, "held_on": training.held_on.isoformat()},
    )
    return training


def trainings(session: Session) -> list[HealthTraining]:
    return list(session.exec(select(HealthTraining).order_by(col(HealthTraining.held_on))))
