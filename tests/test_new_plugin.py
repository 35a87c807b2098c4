"""``netzwerker new-plugin``: the package it writes is sound (CI installs it and runs its test)."""

from __future__ import annotations

import ast

from click.testing import CliRunner

from netzwerker.cli import cli


def test_new_plugin_writes_a_package_with_an_entry_point(tmp_path) -> None:
    target = tmp_path / "kita"
    result = CliRunner().invoke(cli, ["new-plugin", "kita", "--path", str(target)])
    assert result.exit_code == 0, result.output
    pyproject = (target / "pyproject.toml").read_text()
    assert '[project.entry-points.netzwerker]\nkita = "netzwerker_kita.hooks"' in pyproject
    for path in target.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))  # every file is valid Python
    assert (target / "tests" / "test_kita.py").exists()
    # The layout the plugin guide describes: hooks.py holds only hook implementations.
    package = target / "src" / "netzwerker_kita"
    for module in ("hooks", "settings", "workflows", "indicators"):
        assert (package / f"{module}.py").exists(), module
    hooks = ast.parse((package / "hooks.py").read_text())
    functions = [node for node in hooks.body if isinstance(node, ast.FunctionDef)]
    assert functions and all(
        [ast.unparse(d) for d in node.decorator_list] == ["hookimpl"] for node in functions
    )
    indicators = (package / "indicators.py").read_text()
    assert "query=requests_opened" in indicators and "compute" not in indicators


def test_new_plugin_refuses_bad_names_and_existing_folders(tmp_path) -> None:
    bad = CliRunner().invoke(cli, ["new-plugin", "Kita-Netz", "--path", str(tmp_path / "x")])
    assert bad.exit_code == 1 and "not a plugin name" in bad.output
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    taken = CliRunner().invoke(cli, ["new-plugin", "kita", "--path", str(tmp_path / "full")])
    assert taken.exit_code == 1 and "not empty" in taken.output
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
