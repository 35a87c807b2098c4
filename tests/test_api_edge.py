"""Input that databases choke on: NUL characters, integers beyond 64 bits."""

from __future__ import annotations

import pytest

from netzwerker.testing import Api, snapshot


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/api/tasks", {"params": {"q": "a\x00b"}}),
        ("GET", "/api/partners", {"params": {"q": "\x00"}}),
        ("GET", "/api/tasks", {"params": {"partner_id": str(2**70)}}),
        ("GET", f"/api/tasks/{2**70}", {}),
        ("POST", "/api/partners", {"json": {"key": "a", "name": "x\x00", "kind": "charity"}}),
        ("POST", "/api/tasks", {"json": {"title": "t", "responsible_partner_id": 2**70}}),
    ],
)
def test_input_the_database_cannot_store_is_4xx(api: Api, method, path, kwargs) -> None:
    before = snapshot(api.deployment)
    response = api.request(method, path, **kwargs)
    assert 400 <= response.status_code < 500, response.text
    assert snapshot(api.deployment) == before
