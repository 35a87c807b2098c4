"""Random bad input never makes the server fail (5xx) and never changes stored data."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netzwerker.testing import Api, snapshot

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["2026-13-45", "morgen", "", "SGB II", "health", "\x00", "'; DROP TABLE task"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
TASK_KEYS = [
    "title",
    "working_field",
    "responsible_partner_id",
    "accountable_person_id",
    "accountable_circle_id",
    "due_date",
    "consulted",
    "version",
    "reason",
    "description",
]
PARTNER_KEYS = ["key", "name", "kind", "legal_domains", "working_fields", "email", "version"]


def bodies(keys: list[str]) -> st.SearchStrategy[Any]:
    """Objects with known keys and wrong values, plus arbitrary JSON and junk bytes."""
    known = st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))
    return st.one_of(known, values, st.binary(max_size=40))


def _send(api: Api, method: str, path: str, body: Any, role: str) -> Any:
    if isinstance(body, bytes):
        return api.request(method, path, role, content=body)
    return api.request(method, path, role, content=json.dumps(body).encode())


@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=bodies(TASK_KEYS + PARTNER_KEYS),
    target=st.sampled_from(
        [
            ("POST", "/api/tasks"),
            ("PATCH", "/api/tasks/{task}"),
            ("POST", "/api/tasks/{task}/decline"),
            ("POST", "/api/partners"),
            ("PATCH", "/api/partners/klinik"),
            ("POST", "/api/partners/klinik/contacts"),
            ("POST", "/api/users"),
            ("POST", "/api/tokens"),
        ]
    ),
    role=st.sampled_from(["admin", "partner_member"]),
)
def test_bad_bodies_never_fail_the_server_or_change_data(
    api: Api, body: Any, target: tuple[str, str], role: str
) -> None:
    method, path = target
    before = snapshot(api.deployment)
    response = _send(api, method, path.format(task=api.task_id), body, role)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert snapshot(api.deployment) == before
        assert response.json()["status"] == response.status_code


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    params=st.dictionaries(
        st.sampled_from(["limit", "offset", "status", "overdue", "due_before", "partner_id", "q"]),
        st.text(max_size=12),
        max_size=4,
    )
)
def test_bad_query_parameters_are_4xx_not_5xx(api: Api, params: dict[str, str]) -> None:
    response = api.get("/api/tasks", "viewer", params=params)
    assert response.status_code < 500, response.text
