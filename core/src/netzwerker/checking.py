"""``netzwerker check``: everything wrong with a deployment, before it runs."""

from __future__ import annotations

from pathlib import Path

import attrs

from netzwerker.config import DeploymentConfig, PluginConfig
from netzwerker.datafiles import rehearse
from netzwerker.deployment import Deployment, load_problems
from netzwerker.plugins import installed_plugins
from netzwerker.structuring import Problem


@attrs.frozen
class CheckResult:
    """What stops the deployment (``problems``), and what waits for a disabled plugin
    (``warnings``): a goal or a data file's entry naming a working field, a kind or a
    section that a plugin installed but disabled would give."""

    problems: list[Problem]
    warnings: list[Problem] = attrs.Factory(list)


def check_deployment(folder: Path) -> CheckResult:
    """Configuration, plugins and their settings, contributions, and the data files to import
    (loaded for a rehearsal into a scratch database, so a wrong key is found too). The plugin
    choices stored in the database apply, as they do when the deployment runs."""
    deployment, problems = load_problems(folder)
    if deployment is None:
        return CheckResult(problems)
    for index, data_file in enumerate(deployment.config.imports):
        if not (folder / data_file.path).is_file():
            problems.append(
                Problem(f"imports[{index}].path", f"no such file: {folder / data_file.path}")
            )
    if problems:
        return CheckResult(problems, deployment.warnings)
    found = rehearse(deployment)
    if not found:
        return CheckResult([], deployment.warnings)
    # What a rehearsal with every installed plugin enabled no longer finds waits for one.
    widened = _all_plugins_enabled(deployment)
    remaining = {problem.path for problem in rehearse(deployment, widened)} if widened else None
    if remaining is None:
        return CheckResult(found, deployment.warnings)
    waiting = [
        Problem(problem.path, f"{problem.message} (waits for a disabled plugin)")
        for problem in found
        if problem.path not in remaining
    ]
    stopping = [problem for problem in found if problem.path in remaining]
    return CheckResult(stopping, [*deployment.warnings, *waiting])


def _all_plugins_enabled(deployment: Deployment) -> DeploymentConfig | None:
    """The deployment's configuration with every installed plugin enabled, or None when
    every installed plugin is enabled already."""
    config = deployment.config
    disabled = [name for name in installed_plugins() if name not in config.enabled_plugins]
    if not disabled:
        return None
    plugins = dict(config.plugins)
    for name in disabled:
        plugins[name] = PluginConfig(settings=plugins[name].settings if name in plugins else {})
    return attrs.evolve(config, plugins=plugins)
