"""A synthetic network at a chosen scale, the same rows for the same seed and day.

The rows go straight into the migrated schema in bulk (the services would take hours at
scale L); they keep the invariants the services keep: every task has its history, an
escalation belongs to an overdue task, a referral goes to a partner with the case's
consent, a conference's taken seats equal its registrations that hold one.

Distributions follow a real network: a few partners carry many tasks (a Zipf-like weight),
most tasks are done (mostly on time), some are overdue, the rest are due in the coming
weeks.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import SQLModel

from netzwerker.db import refresh_statistics
from netzwerker.domain.catalogue.duplicates import rebuild_overlaps
from netzwerker.domain.catalogue.services import term
from netzwerker.domain.tasks.workflow import OPEN_STATUSES


@attrs.frozen
class Scale:
    name: str
    partners: int
    tasks: int
    cases: int
    referrals: int
    conferences: int
    offers: int
    needs: int
    #: A region of ten thousand partners has more social areas than one of a thousand.
    social_areas: int = 6

    def areas(self) -> tuple[str, ...]:
        extra = (f"Sozialraum {number}" for number in range(1, self.social_areas - 5))
        return (*SOCIAL_AREAS, *extra)[: self.social_areas]


SCALES = {
    "S": Scale("S", partners=150, tasks=5_000, cases=2_000, referrals=10_000, conferences=50,
               offers=225, needs=60),
    "M": Scale("M", partners=1_000, tasks=50_000, cases=20_000, referrals=100_000,
               conferences=500, offers=1_500, needs=300),
    "L": Scale("L", partners=10_000, tasks=500_000, cases=200_000, referrals=1_000_000,
               conferences=5_000, offers=15_000, needs=3_000, social_areas=60),
}  # fmt: skip

#: Partner kinds, with the word a name begins with.
KINDS = {"health_office": "Gesundheitsamt", "addiction_counselling": "Suchtberatung",
         "debt_counselling": "Schuldnerberatung", "youth_office": "Jugendamt",
         "school": "Schule", "charity": "Wohlfahrtsverband", "employer": "Betrieb",
         "clinic": "Klinik", "migration_counselling": "Migrationsberatung"}  # fmt: skip
TARGET_GROUPS = ("Alleinerziehende", "Langzeitarbeitslose", "Jugendliche", "Zugewanderte",
                 "Suchtkranke", "Menschen mit Schulden", "Ältere Arbeitslose")  # fmt: skip
PROBLEM_AREAS = ("Sucht", "Schulden", "Kinderbetreuung", "Sprache", "Gesundheit", "Wohnen",
                 "Qualifizierung")  # fmt: skip
SOCIAL_AREAS = ("Nord", "Süd", "Ost", "West", "Mitte", "Land")
#: Chunk of rows per INSERT statement batch.
CHUNK = 5_000


@attrs.frozen
class Generated:
    """What the benchmark needs to know of the data it made."""

    counts: dict[str, int]
    #: Tasks in progress, in id order: the transition benchmark blocks and resumes them.
    tasks_in_progress: list[int]
    #: A conference whose registration is open, with room and a waiting list.
    open_conference: int
    working_fields: list[str]
    coordinator_person: int


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def _insert(connection: sa.Connection, table: str, rows: list[dict[str, Any]]) -> int:
    target = SQLModel.metadata.tables[table]
    for start in range(0, len(rows), CHUNK):
        connection.execute(target.insert(), rows[start : start + CHUNK])
    return len(rows)


def _weights(count: int, rng: random.Random) -> list[float]:
    """A few heavy ones, a long tail (Zipf with exponent 1), in a shuffled order."""
    weights = [1 / rank for rank in range(1, count + 1)]
    rng.shuffle(weights)
    return weights


def generate(engine: sa.Engine, scale: Scale, *, today: date, seed: int = 8) -> Generated:
    """Fill a migrated, empty database with a network of ``scale``."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        fields = list(
            connection.execute(sa.text("SELECT key FROM working_field ORDER BY key")).scalars()
        )
        goals = {
            field: goal
            for goal, field in connection.execute(
                sa.text("SELECT id, working_field FROM goal ORDER BY id")
            )
        }
        partners = _partners(scale, rng, fields)
        counts["partner"] = _insert(connection, "partner", partners)
        partner_fields = {p["id"]: rng.sample(fields, rng.randint(1, 2)) for p in partners}
        _insert(
            connection,
            "partner_working_field",
            [
                {"partner_id": partner, "working_field": field}
                for partner, chosen in partner_fields.items()
                for field in chosen
            ],
        )
        people = [
            {
                "id": partner["id"] * 2 - 1 + extra,
                "partner_id": partner["id"],
                "name": f"Person {partner['id']}-{extra + 1}",
                "role": "Koordination" if partner["id"] == 1 else "Ansprechperson",
                "email": f"p{partner['id']}-{extra}@example.org",
                "phone": "",
                "active": True,
            }
            for partner in partners
            for extra in range(2)
        ]
        counts["person"] = _insert(connection, "person", people)
        # The jobcenter (partner 1) has ten coordinators; add eight to its two contacts.
        coordinators = [1, 2, *range(len(people) + 1, len(people) + 9)]
        _insert(
            connection,
            "person",
            [
                {"id": pid, "partner_id": 1, "name": f"Koordination {pid}", "role": "Koordination",
                 "email": f"k{pid}@example.org", "phone": "", "active": True}
                for pid in coordinators[2:]
            ],
        )  # fmt: skip
        circles = [
            {
                "id": number,
                "key": f"kreis-{number}",
                "name": f"Arbeitskreis {number}",
                "working_field": fields[number % len(fields)],
                "lead_partner_id": rng.randint(1, scale.partners),
                "description": "",
                "active": True,
                "created_at": _at(today - timedelta(days=900)),
                "updated_at": _at(today - timedelta(days=900)),
                "version": 1,
            }
            for number in range(1, 21)
        ]
        counts["circle"] = _insert(connection, "circle", circles)
        _insert(
            connection,
            "circle_partner",
            [
                {"circle_id": circle["id"], "partner_id": partner}
                for circle in circles
                for partner in sorted(set(rng.sample(range(1, scale.partners + 1), 12)))
            ],
        )
        # Each working field has its coordinator and its circles, who answer for its tasks.
        accountable = {
            field: (coordinators[number % len(coordinators)],
                    [c["id"] for c in circles if c["working_field"] == field])
            for number, field in enumerate(fields)
        }  # fmt: skip
        in_progress = _tasks(
            connection, scale, rng, today, partner_fields, goals, accountable, counts
        )
        _offers_and_needs(connection, scale, rng, today, fields, counts)
        _cases(connection, scale, rng, today, fields, counts)
        open_conference = _conferences(connection, scale, rng, today, fields, counts)
        if connection.dialect.name == "postgresql":
            _advance_sequences(connection)
    if engine.dialect.name == "postgresql":
        # What autovacuum does within minutes of a bulk load: statistics for the planner,
        # and the visibility map that lets index-only scans skip the table.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        # What ``netzwerker import`` does after a bulk load (SQLite keeps no statistics of
        # its own).
        refresh_statistics(engine)
    return Generated(counts, in_progress, open_conference, fields, coordinators[0])


def _partners(scale: Scale, rng: random.Random, fields: list[str]) -> list[dict[str, Any]]:
    created = _at(date(2024, 1, 15))
    rows = []
    for number in range(1, scale.partners + 1):
        kind = "jobcenter" if number == 1 else rng.choice(list(KINDS))
        rows.append(
            {
                "id": number,
                "key": "jobcenter" if number == 1 else f"partner-{number:06d}",
                "name": "Jobcenter Benchkreis" if number == 1 else f"{KINDS[kind]} {number}",
                "kind": kind,
                "region": "Benchkreis",
                "social_area": rng.choice(scale.areas()),
                "email": f"info{number}@example.org",
                "phone": "",
                "website": "",
                "address": f"Hauptstraße {number}",
                "description": f"Angebote für {rng.choice(TARGET_GROUPS)}",
                "active": rng.random() > 0.03,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
    return rows


def _tasks(
    connection: sa.Connection,
    scale: Scale,
    rng: random.Random,
    today: date,
    partner_fields: dict[int, list[str]],
    goals: dict[str, int],
    accountable: dict[str, tuple[int, list[int]]],
    counts: dict[str, int],
) -> list[int]:
    """Tasks due over two years up to three months ahead, with history and escalations; a
    task belongs to one of its partner's working fields, whose coordinator or circle
    answers for it."""
    partner_ids = list(range(1, scale.partners + 1))
    weights = _weights(scale.partners, rng)
    responsible = rng.choices(partner_ids, weights, k=scale.tasks)
    tasks, events, parties, escalations, in_progress = [], [], [], [], []
    event_id = 0
    for task_id in range(1, scale.tasks + 1):
        past = rng.random() < 0.9
        due = today + timedelta(days=-rng.randint(1, 730) if past else rng.randint(0, 90))
        created = due - timedelta(days=rng.randint(14, 120))
        roll = rng.random()
        if past:
            status = (
                "done" if roll < 0.88 else "declined" if roll < 0.93
                else "cancelled" if roll < 0.96 else rng.choice(OPEN_STATUSES)
            )  # fmt: skip
        else:
            status = (
                "proposed" if roll < 0.35 else "committed" if roll < 0.75
                else "in_progress" if roll < 0.95 else "blocked"
            )  # fmt: skip
        completed = None
        if status == "done":
            completed = due + timedelta(days=rng.randint(-20, 4 if rng.random() < 0.85 else 40))
            completed = min(completed, today)
        field = rng.choice(partner_fields[responsible[task_id - 1]])
        coordinator, field_circles = accountable[field]
        by_circle = bool(field_circles) and rng.random() < 0.2
        tasks.append(
            {
                "id": task_id,
                "title": f"Zusage {task_id}: {rng.choice(PROBLEM_AREAS)} für "
                f"{rng.choice(TARGET_GROUPS)}",
                "description": "",
                "working_field": field,
                "goal_id": goals.get(field) if rng.random() < 0.3 else None,
                "origin": "",
                "responsible_partner_id": responsible[task_id - 1],
                "responsible_person_id": None,
                "accountable_person_id": None if by_circle else coordinator,
                "accountable_circle_id": rng.choice(field_circles) if by_circle else None,
                "due_date": due,
                "status": status,
                "status_reason": "Kapazität fehlt" if status in ("declined", "blocked") else "",
                "committed_at": _at(created + timedelta(days=2))
                if status not in ("proposed", "declined")
                else None,
                "completed_on": completed,
                "created_at": _at(created),
                "updated_at": _at(completed or created),
                "version": 1,
            }
        )
        if status == "in_progress":
            in_progress.append(task_id)
        moves = [("propose", None, "proposed", created)]
        if status not in ("proposed", "declined"):
            moves.append(("commit", "proposed", "committed", created + timedelta(days=2)))
        if status in ("done", "cancelled", "in_progress", "blocked"):
            last = moves[-1][2]
            action = {"done": "complete", "cancelled": "cancel", "in_progress": "start",
                      "blocked": "block"}[status]  # fmt: skip
            moves.append((action, last, status, completed or created + timedelta(days=5)))
        if status == "declined":
            moves.append(("decline", "proposed", "declined", created + timedelta(days=3)))
        for seq, (action, before, after, day) in enumerate(moves, start=1):
            event_id += 1
            events.append(
                {
                    "id": event_id,
                    "task_id": task_id,
                    "seq": seq,
                    "at": _at(day),
                    "actor": "bench",
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "reason": "",
                    "changes": None,
                }
            )
        if rng.random() < 0.3:
            for partner in {rng.choice(partner_ids) for _ in range(rng.randint(1, 2))}:
                if partner != responsible[task_id - 1]:
                    parties.append(
                        {"task_id": task_id, "partner_id": partner,
                         "role": rng.choice(("consulted", "informed"))}
                    )  # fmt: skip
        late = (today - due).days
        if status in OPEN_STATUSES and late > 0:
            steps = [("reminder", -3), ("overdue", 1), ("accountable", 7), ("network", 14)]
            for step, after_due in steps:
                if late >= after_due:
                    escalations.append(
                        {"task_id": task_id, "step": step, "due_date": due,
                         "fired_on": due + timedelta(days=after_due),
                         "at": _at(due + timedelta(days=after_due))}
                    )  # fmt: skip
    counts["task"] = _insert(connection, "task", tasks)
    counts["task_event"] = _insert(connection, "task_event", events)
    counts["task_party"] = _insert(connection, "task_party", parties)
    counts["escalation"] = _insert(connection, "escalation", escalations)
    return in_progress


def _terms(rng: random.Random, areas: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for dimension, values, most in (
        ("target_group", TARGET_GROUPS, 2),
        ("problem_area", PROBLEM_AREAS, 2),
        ("social_area", areas, 2),
    ):
        for value in rng.sample(values, rng.randint(1, most)):
            yield dimension, value


def _offers_and_needs(
    connection: sa.Connection,
    scale: Scale,
    rng: random.Random,
    today: date,
    fields: list[str],
    counts: dict[str, int],
) -> None:
    created = _at(today - timedelta(days=400))
    offers, terms = [], []
    for offer_id in range(1, scale.offers + 1):
        offers.append(
            {
                "id": offer_id,
                "key": f"angebot-{offer_id:06d}",
                "partner_id": rng.randint(2, scale.partners),
                "title": f"Angebot {offer_id}",
                "description": "",
                "working_field": rng.choice(fields),
                "capacity": rng.choice((None, 10, 20, 50)),
                "access_conditions": "",
                "active": rng.random() > 0.05,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        for dimension, value in _terms(rng, scale.areas()):
            terms.append(
                {"offer_id": offer_id, "dimension": dimension, "term": term(value),
                 "value": value}
            )  # fmt: skip
    counts["offer"] = _insert(connection, "offer", offers)
    counts["offer_term"] = _insert(connection, "offer_term", terms)
    counts["offer_overlap"] = rebuild_overlaps(connection)
    needs = []
    for need_id in range(1, scale.needs + 1):
        group, area, social = (
            rng.choice(TARGET_GROUPS),
            rng.choice(PROBLEM_AREAS),
            rng.choice((None, *scale.areas())),
        )
        needs.append(
            {
                "id": need_id,
                "title": f"Bedarf {need_id}",
                "target_group": group,
                "problem_area": area,
                "social_area": social or "",
                "target_group_term": term(group),
                "problem_area_term": term(area),
                "social_area_term": term(social) if social else "",
                "people": rng.randint(5, 200),
                "period_start": date(today.year, 1, 1),
                "period_end": date(today.year, 12, 31),
                "source": "Bedarfsanalyse",
                "working_field": rng.choice(fields),
                "note": "",
                "recorded_by": "bench",
                "created_at": created,
                "version": 1,
            }
        )
    counts["need"] = _insert(connection, "need", needs)


def _cases(
    connection: sa.Connection,
    scale: Scale,
    rng: random.Random,
    today: date,
    fields: list[str],
    counts: dict[str, int],
) -> None:
    """Cases with consents to a few partners, and referrals to those partners."""
    cases, consents, referrals = [], [], []
    consent_id = 0
    referral_id = 0
    per_case = scale.referrals / scale.cases
    for case_id in range(1, scale.cases + 1):
        # Opened early enough that its referrals (up to 60 days later) and their first
        # contacts (9 days after) lie in the past.
        opened = today - timedelta(days=rng.randint(70, 700))
        cases.append(
            {
                "id": case_id,
                "pseudonym": f"F-{case_id:07d}",
                "kind": "case",
                "working_field": rng.choice(fields),
                "opened_on": opened,
                "closed_on": None if rng.random() < 0.7 else opened + timedelta(days=60),
                "note": "",
                "created_by": "bench",
                "created_at": _at(opened),
                "updated_at": _at(opened),
                "version": 1,
            }
        )
        receivers = rng.sample(range(2, scale.partners + 1), 3)
        given = {}
        for partner in receivers:
            consent_id += 1
            given[partner] = consent_id
            consents.append(
                {
                    "id": consent_id,
                    "case_id": case_id,
                    "partner_id": partner,
                    "categories": ["contact", "situation"],
                    "purpose": "Vermittlung in Beratung",
                    "given_on": opened,
                    "valid_until": None,
                    "revoked_on": None,
                    "revoked_reason": "",
                    "recorded_by": "bench",
                    "recorded_at": _at(opened),
                    "version": 1,
                }
            )
        for _ in range(int(per_case) + (rng.random() < per_case % 1)):
            referral_id += 1
            partner = rng.choice(receivers)
            sent = _at(opened + timedelta(days=rng.randint(0, 60)))
            roll = rng.random()
            status = (
                "closed" if roll < 0.7 else "first_contact" if roll < 0.8
                else "accepted" if roll < 0.85 else "sent" if roll < 0.95 else "declined"
            )  # fmt: skip
            reached = status in ("accepted", "first_contact", "closed")
            referrals.append(
                {
                    "id": referral_id,
                    "case_id": case_id,
                    "from_partner_id": 1,
                    "to_partner_id": partner,
                    "offer_id": None,
                    "chain_instance_id": None,
                    "step": None,
                    "consent_id": given[partner],
                    "data_categories": ["contact"],
                    "message": "",
                    "status": status,
                    "reason": "kein Platz" if status == "declined" else "",
                    "outcome": "vermittelt" if status == "closed" else "",
                    "sent_at": sent,
                    "accepted_at": sent + timedelta(days=2) if reached else None,
                    "first_contact_at": sent + timedelta(days=9)
                    if status in ("first_contact", "closed")
                    else None,
                    "closed_at": sent + timedelta(days=30) if status == "closed" else None,
                    "declined_at": sent + timedelta(days=3) if status == "declined" else None,
                    "withdrawn_at": None,
                    "sent_by": "bench",
                    "details": None,
                    "version": 1,
                }
            )
    counts["case_record"] = _insert(connection, "case_record", cases)
    counts["consent"] = _insert(connection, "consent", consents)
    counts["referral"] = _insert(connection, "referral", referrals)


def _conferences(
    connection: sa.Connection,
    scale: Scale,
    rng: random.Random,
    today: date,
    fields: list[str],
    counts: dict[str, int],
) -> int:
    """Conferences over three years with 50 to 300 registrations; the last one is open."""
    conferences, registrations = [], []
    registration_id = 0
    for conference_id in range(1, scale.conferences + 1):
        last = conference_id == scale.conferences
        starts = today + timedelta(days=60 if last else -rng.randint(1, 1000))
        capacity = 2_000 if last else rng.randint(40, 250)
        wanted = rng.randint(50, 300)
        seated = 0
        for number in range(wanted):
            registration_id += 1
            holds_seat = seated < capacity and rng.random() > 0.05
            status = (
                "registered" if holds_seat else "cancelled" if seated < capacity else ("waitlisted")
            )
            seated += holds_seat
            registered = _at(starts - timedelta(days=rng.randint(5, 60)))
            registrations.append(
                {
                    "id": registration_id,
                    "conference_id": conference_id,
                    "name": f"Teilnehmende {registration_id}",
                    "email": f"t{number}@example.org",
                    "organisation": "",
                    "partner_id": rng.randint(1, scale.partners),
                    "status": status,
                    "registered_at": registered,
                    "seat_since": registered if holds_seat else None,
                    "cancelled_at": registered + timedelta(days=1)
                    if status == "cancelled"
                    else None,
                    "checked_in_at": _at(starts) if holds_seat and starts < today else None,
                    "registered_by": "bench",
                    "version": 1,
                }
            )
        conferences.append(
            {
                "id": conference_id,
                "key": f"fachtag-{conference_id:05d}",
                "title": f"Fachtag {conference_id}",
                "description": "",
                "working_field": rng.choice(fields),
                "venue": "Kreishaus",
                "starts_at": datetime.combine(starts, time(9), tzinfo=UTC),
                "ends_at": datetime.combine(starts, time(16), tzinfo=UTC),
                "capacity": capacity,
                "seats_taken": seated,
                "registration_opens_at": None,
                "registration_closes_at": None,
                "cancelled": False,
                "created_at": _at(starts - timedelta(days=90)),
                "updated_at": _at(starts - timedelta(days=90)),
                "version": 1,
            }
        )
    counts["conference"] = _insert(connection, "conference", conferences)
    counts["registration"] = _insert(connection, "registration", registrations)
    return scale.conferences


def _advance_sequences(connection: sa.Connection) -> None:
    """Rows came with their ids: move each serial column's sequence past the highest."""
    for table in SQLModel.metadata.sorted_tables:
        column = table.c.get("id")
        if column is None or not isinstance(column.type, sa.Integer):
            continue
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )
