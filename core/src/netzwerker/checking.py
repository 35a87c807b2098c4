"""``netzwerker check``: everything wrong with a deployment, before it runs."""

from __future__ import annotations

from pathlib import Path

from netzwerker.deployment import load_problems
from netzwerker.domain.partners.importing import parse_partners
from netzwerker.structuring import InvalidInput, Problem


def check_deployment(folder: Path) -> list[Problem]:
    """Configuration, plugins and their settings, contributions, and the files to import."""
    deployment, problems = load_problems(folder)
    if deployment is None:
        return problems
    for index, data_file in enumerate(deployment.config.imports):
        path = folder / data_file.path
        if not path.is_file():
            problems.append(Problem(f"imports[{index}].path", f"no such file: {path}"))
            continue
        if data_file.kind == "partners":
            try:
                parse_partners(path, deployment.registry)
            except InvalidInput as exc:
                problems.extend(exc.problems)
    return problems
