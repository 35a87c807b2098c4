"""The partner survey: how the partners rate the network (MYKnetz's university evaluation)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow


class SurveyAnswer(SQLModel, table=True):
    """One partner's answer to one round of the survey (``survey``, e.g. ``2026``): each
    question rated from 1 (not at all) to 5 (very much), and a comment. A partner answers
    a round once; answering again replaces its answer. Answers without a partner are
    anonymous ones, e.g. from a paper questionnaire."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("survey", "partner_id", name="uq_survey_answer_partner"),
        sa.CheckConstraint("exchange BETWEEN 1 AND 5", name="ck_survey_exchange"),
        sa.CheckConstraint("synergies BETWEEN 1 AND 5", name="ck_survey_synergies"),
        sa.CheckConstraint("effectiveness BETWEEN 1 AND 5", name="ck_survey_effectiveness"),
    )

    id: int = Field(default=None, primary_key=True)
    survey: str = Field(max_length=40, index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id")
    answered_on: date = Field(index=True)
    exchange: int
    synergies: int
    effectiveness: int
    comment: str = ""
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow)
