"""Answers of the partner survey from a spreadsheet (a paper or online questionnaire)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.domain.partners.importing import read_sheet
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.survey.services import QUESTIONS, SCALE, AnswerDraft, give_answer
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem
from netzwerker.structuring import parse_date

COLUMNS = ("survey", "partner", "answered_on", *QUESTIONS, "comment")
REQUIRED = ("survey", *QUESTIONS)


def parse_answers(session: Session, path: Path) -> list[AnswerDraft]:
    """Every row of the file as an answer; raises InvalidInput naming each bad cell."""
    sheet = read_sheet(path, COLUMNS, REQUIRED)
    problems: list[Problem] = []
    partners = {
        key: ident for key, ident in session.execute(sa.select(col(Partner.key), col(Partner.id)))
    }
    drafts: list[AnswerDraft] = []
    first_row_of: dict[tuple[str, int], int] = {}
    for number, cells in sheet.rows:
        values = {key: (value or "").strip() for key, value in cells.items()}
        found: list[Problem] = []
        ratings: dict[str, int] = {}
        for question in QUESTIONS:
            text = values.get(question, "")
            if text.isdigit() and int(text) in SCALE:
                ratings[question] = int(text)
            else:
                found.append(Problem(question, f"a rating from 1 to 5, got {text!r}"))
        if not values.get("survey"):
            found.append(Problem("survey", "the round is missing, e.g. 2026"))
        partner_id = None
        if values.get("partner"):
            partner_id = partners.get(values["partner"])
            if partner_id is None:
                found.append(Problem("partner", f"no partner {values['partner']!r}"))
        answered_on = None
        if values.get("answered_on"):
            try:
                answered_on = parse_date(values["answered_on"])
            except ValueError:
                found.append(Problem("answered_on", f"not a date: {values['answered_on']!r}"))
        if partner_id is not None and not found:
            seen = (values["survey"], partner_id)
            if seen in first_row_of:
                found.append(Problem("partner", f"answered already in row {first_row_of[seen]}"))
            first_row_of.setdefault(seen, number)
        if found:
            problems.extend(
                Problem(f"{path.name}, row {number}, {p.path}", p.message) for p in found
            )
            continue
        drafts.append(
            AnswerDraft(
                survey=values["survey"],
                partner_id=partner_id,
                comment=values.get("comment", ""),
                answered_on=answered_on,
                **ratings,
            )
        )
    if problems:
        raise InvalidInput(problems)
    return drafts


def import_answers(session: Session, path: Path, *, today: date, actor: Actor) -> int:
    """Store every answer of the file, or none if any row is bad."""
    drafts = parse_answers(session, path)
    for draft in drafts:
        give_answer(session, draft, today=today, actor=actor)
    return len(drafts)
