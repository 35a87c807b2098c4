"""Tables of the single-parents plugin, prefixed ``single_parents_``.

A household (Bedarfsgemeinschaft) is pseudonymised: a reference, the town, how many children;
never names. It is a core case (kind ``household``, the reference its pseudonym) whose coach
is a case worker, so the core's caseloads count it; its coaching is a workflow instance whose
person is the coach.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from netzwerker.clock import utcnow


class Household(SQLModel, table=True):
    __tablename__ = "single_parents_household"

    id: int = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, max_length=60)
    town: str = Field(default="", max_length=120)
    children: int = 1
    youngest_child_age: int | None = None
    coach_person_id: int = Field(foreign_key="person.id", index=True)
    coaching_id: int = Field(foreign_key="workflow_run.id", unique=True)
    case_id: int | None = Field(default=None, foreign_key="case_record.id", unique=True)
    over_caseload: bool = False
    left_benefits_on: date | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Sponsorship(SQLModel, table=True):
    """A sponsorship (Patenschaft): a volunteer accompanies a household for a while."""

    __tablename__ = "single_parents_sponsorship"

    id: int = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="single_parents_household.id", index=True)
    sponsor: str = Field(max_length=200, description="sponsor's reference or first name")
    started_on: date
    ended_on: date | None = None
    focus: str = Field(default="", max_length=200)


class Barrier(SQLModel, table=True):
    """An access barrier found on the household's journey (user journey)."""

    __tablename__ = "single_parents_barrier"

    id: int = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="single_parents_household.id", index=True)
    kind: str = Field(max_length=30)
    step: str = Field(default="", max_length=120)
    noted_on: date = Field(index=True)
    resolved_on: date | None = None
    note: str = ""
