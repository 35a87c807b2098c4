"""``netzwerker check``: everything wrong with a deployment, before it runs."""

from __future__ import annotations

from pathlib import Path

from netzwerker.datafiles import rehearse
from netzwerker.deployment import load_problems
from netzwerker.structuring import Problem


def check_deployment(folder: Path) -> list[Problem]:
    """Configuration, plugins and their settings, contributions, and the data files to import
    (loaded for a rehearsal into a scratch database, so a wrong key is found too)."""
    deployment, problems = load_problems(folder)
    if deployment is None:
        return problems
    for index, data_file in enumerate(deployment.config.imports):
        if not (folder / data_file.path).is_file():
            problems.append(
                Problem(f"imports[{index}].path", f"no such file: {folder / data_file.path}")
            )
    if problems:
        return problems
    return rehearse(deployment)
