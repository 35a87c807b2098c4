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
