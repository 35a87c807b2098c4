"""Plugins: found by entry point, enabled by name, every failure a clear problem."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netzwerker import hookspecs
from netzwerker.cli import cli
from netzwerker.deployment import load_problems
from netzwerker.plugins import installed_plugins, load_plugins, source_of

FIELD_PLUGIN = """
from netzwerker import hookimpl
from netzwerker.contributions import WorkingField

@hookimpl
def register_working_fields():
    return [WorkingField("{key}", "Feld {key}")]
"""


def config_enabling(*names: str) -> str:
    tables = "".join(f"[plugins.{name}]\n" for name in names)
    return f'[deployment]\nname = "Jobcenter Test"\n{tables}'


def problems(folder: Path) -> list[str]:
    return [str(p) for p in load_problems(folder)[1]]


def write(tmp_path: Path, toml: str) -> Path:
    folder = tmp_path / "d"
    folder.mkdir(exist_ok=True)
    (folder / "deployment.toml").write_text(toml)
    return folder


def test_health_plugin_is_found_through_its_entry_point() -> None:
    plugin = installed_plugins()["health"]
    assert plugin.distribution == "netzwerker-health"
    assert plugin.entry_point.value == "netzwerker_health.hooks"


def test_only_enabled_plugins_are_loaded(install_plugin, tmp_path: Path) -> None:
    install_plugin("exploding", "raise RuntimeError('must not be imported')")
    deployment, found = load_problems(write(tmp_path, config_enabling("health")))
    assert found == []
    assert deployment is not None
    assert "health" in deployment.registry.working_fields
    assert deployment.manager.get_plugin("exploding") is None


def test_enabled_plugin_that_is_not_installed(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, config_enabling("gesundheit")))
    assert problem.startswith("plugins.gesundheit: plugin 'gesundheit' is not installed")
    assert "health" in problem  # names what is installed


def test_plugin_that_fails_to_import(install_plugin, tmp_path: Path) -> None:
    install_plugin("broken", "import a_module_that_does_not_exist\n")
    (problem,) = problems(write(tmp_path, config_enabling("broken")))
    assert problem.startswith(
        "plugins.broken: plugin 'broken' failed to import: ModuleNotFoundError"
    )
    assert "a_module_that_does_not_exist" in problem


def test_disabled_plugin_is_not_loaded(install_plugin, tmp_path: Path) -> None:
    install_plugin("broken", "raise ImportError('nope')\n")
    toml = config_enabling("health") + "[plugins.broken]\nenabled = false\n"
    assert problems(write(tmp_path, toml)) == []


def test_two_plugins_claiming_the_same_working_field(install_plugin, tmp_path: Path) -> None:
    install_plugin("one", FIELD_PLUGIN.format(key="youth"))
    install_plugin("two", FIELD_PLUGIN.format(key="youth"))
    (problem,) = problems(write(tmp_path, config_enabling("one", "two")))
    assert problem == "plugins.two: working field 'youth' is already contributed by plugin 'one'"


def test_config_field_clashing_with_a_plugin(tmp_path: Path) -> None:
    toml = config_enabling("health") + '[[working_fields]]\nkey = "health"\nname = "Gesundheit"\n'
    (problem,) = problems(write(tmp_path, toml))
    assert problem == (
        "working_fields[0].key: working field 'health' is already contributed by plugin 'health'"
    )


def test_incompatible_plugin(install_plugin, tmp_path: Path) -> None:
    install_plugin("old", FIELD_PLUGIN.format(key="old"), requires=("netzwerker<0.1",))
    (problem,) = problems(write(tmp_path, config_enabling("old")))
    assert "plugin 'old' requires netzwerker<0.1, but" in problem


def test_plugin_implementing_an_unknown_hook(install_plugin, tmp_path: Path) -> None:
    install_plugin(
        "typo",
        "from netzwerker import hookimpl\n@hookimpl\ndef register_working_field():\n    return []\n",
    )
    (problem,) = problems(write(tmp_path, config_enabling("typo")))
    assert problem.startswith("plugins.typo: ")
    assert "register_working_field" in problem


def test_broken_workflow_names_the_plugin(install_plugin, tmp_path: Path) -> None:
    install_plugin(
        "flow",
        """
        from netzwerker import hookimpl
        from netzwerker.workflow import Transition, Workflow

        @hookimpl
        def register_workflows():
            return [Workflow("flow_x", ["a", "b", "c"], "a", ["c"],
                             [Transition("go", ["a"], "b"), Transition("jump", ["b"], "z")])]
        """,
    )
    found = problems(write(tmp_path, config_enabling("flow")))
    assert "plugins.flow: workflow 'flow_x': transition 'jump' uses unknown state 'z'" in found
    assert "plugins.flow: workflow 'flow_x': state 'c' is unreachable from 'a'" in found
    assert "plugins.flow: workflow 'flow_x': no end state can be reached from 'a'" in found


def test_plugin_settings_are_validated(tmp_path: Path) -> None:
    toml = config_enabling("health") + "[plugins.health.settings]\nmax_wait_days = 0\n"
    assert problems(write(tmp_path, toml)) == [
        "plugins.health.settings.max_wait_days: must be at least 1, got 0"
    ]


def test_settings_for_a_plugin_without_settings(install_plugin, tmp_path: Path) -> None:
    install_plugin("plain", FIELD_PLUGIN.format(key="plain"))
    toml = config_enabling("plain") + "[plugins.plain.settings]\nx = 1\n"
    assert problems(write(tmp_path, toml)) == [
        "plugins.plain.settings: plugin 'plain' takes no settings"
    ]


def test_plugins_command_lists_versions_and_contributions(install_plugin, example: Path) -> None:
    install_plugin("broken", "raise ImportError('kaputt')\n")
    result = CliRunner().invoke(cli, ["plugins", str(example)])
    assert result.exit_code == 0, result.output
    assert "health 0.1.0 (netzwerker-health) [enabled]" in result.output
    assert "working fields: health" in result.output
    assert "indicators: health_staff_trained, health_waiting_too_long" in result.output
    assert "broken 1.0 (netzwerker-test-broken) [installed]" in result.output
    assert "problem: plugin 'broken' failed to import: ImportError: kaputt" in result.output


def test_core_contributions_come_first() -> None:
    manager, found = load_plugins(["health"])
    assert found == []
    impls = manager.hook.register_partner_kinds.get_hookimpls()
    assert [source_of(impl.plugin_name) for impl in impls] == ["core", "health"]


@pytest.mark.parametrize(
    "name",
    [
        name
        for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(getattr(hookspecs, name), "netzwerker_spec")
    ],
)
def test_every_hook_is_documented(name: str) -> None:
    """Each hook says when it is called and shows an example, and the guide lists it."""
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc, f"{name}: say when it is called"
    assert "Example::" in doc, f"{name}: give an example"
    guide = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text()
    assert f"`{name}" in guide, f"{name}: missing from docs/plugins.md"


def test_the_suite_runs_hypothesis_without_deadlines() -> None:
    """A shared CI machine is slow at times: a property is about what the code does."""
    from hypothesis import settings

    assert settings.get_current_profile_name() == "netzwerker"
    assert settings.default.deadline is None


#: A dotted path into netzwerker or a plugin: ``netzwerker.web.rendering.page``.
DOTTED = re.compile(r"\bnetzwerker(?:_[a-z_]+)?(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def _resolve(path: str) -> object:
    """The module or attribute a dotted path names; raises when it names nothing."""
    parts = path.split(".")
    for length in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:length]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[length:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(path)


def _named_paths() -> list[tuple[str, str]]:
    guide = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text()
    texts = [("docs/plugins.md", guide)] + [
        (f"hookspecs.{name}", inspect.getdoc(function) or "")
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    ]
    texts.append(("hookspecs", hookspecs.__doc__ or ""))
    return sorted({(where, path) for where, text in texts for path in DOTTED.findall(text)})


@pytest.mark.parametrize(("where", "path"), _named_paths())
def test_every_dotted_path_the_guide_names_exists(where: str, path: str) -> None:
    """What the hook documentation and the plugin guide tell an author to import exists."""
    try:
        _resolve(path)
    except (ImportError, AttributeError) as exc:
        pytest.fail(f"{where} names {path}, which does not exist: {exc}")
