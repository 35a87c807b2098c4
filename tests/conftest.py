"""Shared helpers of the core tests; the fixtures themselves live in netzwerker.testing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "deployments" / "example"


@pytest.fixture
def example() -> Path:
    """The example deployment shipped in the repository (read it, never write to it)."""
    return EXAMPLE


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A copy of the example deployment, without any database it may hold."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("*.db*"))
    return target
