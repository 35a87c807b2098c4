"""``netzwerker new-plugin``: a plugin package that installs, loads and passes its own test.

The package is what an outside developer starts from, in the layout the plugin guide
describes: a distribution with an entry point in the group ``netzwerker``, a ``hooks.py``
of only hook implementations (a working field, settings, a workflow and an indicator given
as a query), a module each for the settings, the workflow and the indicators, and tests that
use the fixtures netzwerker ships for plugin authors.
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

    pip install -e .          # or, beside a netzwerker checkout: uv pip install -e .
    pytest tests              # uses the fixtures netzwerker ships for plugin authors

Enable it in a deployment with `[plugins.{name}]`. It contributes the working field
`{name}`, the workflow `{name}_request` (opened → in progress → closed) and the indicator
`{name}_requests_opened`. See netzwerker's `docs/plugins.md` for every hook.

| module | what it holds |
|---|---|
| `hooks.py` | only the `@hookimpl` functions: what the plugin contributes |
| `settings.py` | the attrs class of `[plugins.{name}.settings]` |
| `workflows.py` | its workflow |
| `indicators.py` | its indicators, each given as a query |

Settings (`[plugins.{name}.settings]`):

| key | default | meaning |
|---|---|---|
| `max_days_open` | 14 | days a request may stay opened before it is overdue |
"""

INIT = '''\
"""netzwerker-{dashed}: the working field {title} for netzwerker.

The entry point ``{name}`` (group ``netzwerker``) names :mod:`netzwerker_{name}.hooks`.
"""
'''

SETTINGS = '''\
"""The settings of the {name} plugin: ``[plugins.{name}.settings]`` in deployment.toml."""

from __future__ import annotations

import attrs

from netzwerker.validators import positive


@attrs.frozen
class Settings:
    #: Days a request may stay opened before it is overdue in that step.
    max_days_open: int = attrs.field(default=14, validator=positive)
'''

WORKFLOWS = '''\
"""The {name} plugin's workflow: a request is opened, worked on and closed."""

from __future__ import annotations

from netzwerker.workflow import Transition, Workflow
from netzwerker_{name}.settings import Settings

REQUEST = "{name}_request"


def request_workflow(settings: Settings) -> Workflow:
    return Workflow(
        key=REQUEST,
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
'''

INDICATORS = '''\
"""The {name} plugin's indicators, each given as the select of one SQL aggregate (a
report asks many of them together)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from netzwerker.contributions import Indicator, Period
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.measuring import in_scope, started_in
from netzwerker_{name}.workflows import REQUEST


def requests_opened(period: Period, scope: dict[str, Any]) -> sa.Select:
    """Requests opened within the period."""
    return sa.select(sa.func.count(WorkflowRun.id)).where(
        started_in(period, REQUEST), *in_scope(scope)
    )


INDICATORS = [
    Indicator(
        "{name}_requests_opened",
        "Eröffnete Anliegen",
        "Anzahl",
        "{name}",
        query=requests_opened,
        aggregate="sum",
    )
]
'''

HOOKS = '''\
"""What the {name} plugin contributes: only ``@hookimpl`` functions."""

from __future__ import annotations

from netzwerker import hookimpl
from netzwerker.contributions import Indicator, WorkingField
from netzwerker.deployment import Deployment
from netzwerker.workflow import Workflow
from netzwerker_{name}.indicators import INDICATORS
from netzwerker_{name}.settings import Settings
from netzwerker_{name}.workflows import request_workflow


@hookimpl
def settings_class() -> type:
    return Settings


@hookimpl
def register_working_fields() -> list[WorkingField]:
    return [WorkingField("{name}", "{title}")]


@hookimpl
def register_workflows(deployment: Deployment) -> list[Workflow]:
    return [request_workflow(deployment.plugin_settings("{name}") or Settings())]


@hookimpl
def register_indicators() -> list[Indicator]:
    return INDICATORS
'''

TEST = '''\
"""The {name} plugin, tested with the fixtures netzwerker ships for plugin authors."""

from __future__ import annotations

import pytest

from netzwerker.testing import check_workflow_walks
from netzwerker_{name}.settings import Settings
from netzwerker_{name}.workflows import request_workflow

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
    check_workflow_walks(request_workflow(Settings()))


def test_a_request_through_the_api(api) -> None:
    run = api.post("/api/workflows/{name}_request/runs", json={{"subject": "A-1"}})
    assert run.status_code == 201, run.text
    path = f"/api/workflow-runs/{{run.json()['id']}}"
    assert api.post(f"{{path}}/start").json()["state"] == "in_progress"
    assert api.post(f"{{path}}/close").json()["state"] == "closed"
    refused = api.post("/api/workflows/{name}_request/runs", "viewer", json={{"subject": "A-2"}})
    assert refused.status_code == 403
    report = api.get("/api/indicators/report", params={{"working_field": "{name}"}}).json()
    values = {{r["indicator"]: r["value"] for r in report["readings"]}}
    assert values["{name}_requests_opened"] == 1
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
        package / "__init__.py": INIT,
        package / "hooks.py": HOOKS,
        package / "settings.py": SETTINGS,
        package / "workflows.py": WORKFLOWS,
        package / "indicators.py": INDICATORS,
        folder / "tests" / f"test_{name}.py": TEST,
    }
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
    return list(files)
