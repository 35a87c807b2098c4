"""``netzwerker new-plugin``: a plugin package that installs, loads and passes its own test.

The package is what an outside developer starts from: a distribution with an entry point in
the group ``netzwerker``, hook implementations (a working field, settings, a workflow and an
indicator), and tests that use the fixtures netzwerker ships for plugin authors.
"""

from __future__ import annotations

import re
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9_]*$")

PYPROJECT = """\
[project]
name = "netzwerker-{dashed}"
version = "0.1.0"
description = "Arbeitsfeld {title} for netzwerker"
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["netzwerker>=0.1,<0.2"]

[project.optional-dependencies]
test = ["pytest>=8", "hypothesis>=6.100", "httpx"]

[project.entry-points.netzwerker]
{name} = "netzwerker_{name}.hooks"

[build-system]
requires = ["hatchling>=1.25"]
build-backend = "hatchling.build"

[tool.hatch.build.targets.wheel]
packages = ["src/netzwerker_{name}"]
"""

README = """\
# netzwerker-{dashed}

A netzwerker plugin for the working field `{name}`.

    pip install -e .          # or: uv pip install -e .
    pytest tests              # uses the fixtures netzwerker ships for plugin authors

Enable it in a deployment with `[plugins.{name}]`. It contributes the working field
`{name}`, the workflow `{name}_case` (opened → in progress → closed) and the indicator
`{name}_cases_opened`. See netzwerker's `docs/plugins.md` for every hook.

Settings (`[plugins.{name}.settings]`):

| key | default | meaning |
|---|---|---|
| `max_days_open` | 14 | days a case may stay opened before it is overdue |
"""

HOOKS = '''\
"""Hook implementations of the {name} plugin."""

from __future__ import annotations

from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session

from netzwerker import hookimpl
from netzwerker.contributions import Indicator, Period, WorkingField
from netzwerker.deployment import Deployment
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.measuring import in_scope, started_in
from netzwerker.validators import positive
from netzwerker.workflow import Transition, Workflow

CASE = "{name}_case"


@attrs.frozen
class Settings:
    max_days_open: int = attrs.field(default=14, validator=positive)


def case_workflow(settings: Settings) -> Workflow:
    return Workflow(
        key=CASE,
        name="{title}",
        working_field="{name}",
        states=["opened", "in_progress", "closed"],
        initial="opened",
        final=["closed"],
        max_days={{"opened": settings.max_days_open}},
        transitions=[
            Transition("start", ["opened"], "in_progress", label="Beginnen"),
            Transition("close", ["opened", "in_progress"], "closed", label="Abschließen"),
        ],
        labels={{"opened": "eröffnet", "in_progress": "in Arbeit", "closed": "abgeschlossen"}},
    )


def cases_opened(session: Session, period: Period, scope: dict[str, Any]) -> float:
    """Cases opened within the period."""
    return float(
        session.scalar(
            sa.select(sa.func.count(WorkflowRun.id)).where(
                started_in(period, CASE), *in_scope(scope)
            )
        )
        or 0
    )


@hookimpl
def settings_class() -> type:
    return Settings


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [WorkingField("{name}", "{title}")]


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    return [case_workflow(deployment.plugin_settings("{name}") or Settings())]


@hookimpl
def register_indicators() -> list[Indicator]:
    return [Indicator("{name}_cases_opened", "Eröffnete Fälle", "Anzahl", "{name}", cases_opened)]
'''

TEST = '''\
"""The {name} plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

import pytest

from netzwerker.testing import check_workflow_walks
from netzwerker_{name}.hooks import Settings, case_workflow

CONFIG = """
[deployment]
name = "Jobcenter Test"
[plugins.{name}]
"""


@pytest.fixture
def deployment(make_deployment):
    return make_deployment(toml=CONFIG, migrate=True)


def test_the_plugin_contributes_its_field(deployment) -> None:
    assert deployment.registry.working_fields["{name}"].source == "{name}"


def test_the_workflow_never_gets_stuck() -> None:
    check_workflow_walks(case_workflow(Settings()))


def test_a_case_through_the_api(api) -> None:
    case = api.post("/api/workflows/{name}_case/instances", json={{"subject": "C-1"}})
    assert case.status_code == 201, case.text
    path = f"/api/workflow-runs/{{case.json()['id']}}"
    assert api.post(f"{{path}}/start").json()["state"] == "in_progress"
    assert api.post(f"{{path}}/close").json()["state"] == "closed"
    report = api.get("/api/indicators/report", params={{"working_field": "{name}"}}).json()
    values = {{r["indicator"]: r["value"] for r in report["readings"]}}
    assert values["{name}_cases_opened"] == 1
'''


def scaffold_plugin(name: str, folder: Path) -> list[Path]:
    """Write the plugin package ``netzwerker-<name>`` into ``folder``; refuses to overwrite."""
    if not NAME.match(name):
        raise ValueError(
            f"{name!r} is not a plugin name: lowercase letters, digits and '_', "
            "starting with a letter (e.g. kita)"
        )
    if folder.exists() and any(folder.iterdir()):
        raise FileExistsError(f"{folder} exists and is not empty")
    values = {
        "name": name,
        "dashed": name.replace("_", "-"),
        "title": name.replace("_", " ").title(),
    }
    package = folder / "src" / f"netzwerker_{name}"
    files = {
        folder / "pyproject.toml": PYPROJECT,
        folder / "README.md": README,
        package / "__init__.py": '"""The {name} plugin for netzwerker."""\n',
        package / "hooks.py": HOOKS,
        folder / "tests" / f"test_{name}.py": TEST,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return list(files)
