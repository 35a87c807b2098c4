"""``netzwerker init``: a new deployment folder that passes ``netzwerker check``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from netzwerker.config import CONFIG_FILE

CONFIG_TEMPLATE = """\
# netzwerker deployment of {name}.
# Every key is explained in the README ("Configuring a deployment").

[deployment]
name = {name_toml}
region = {region_toml}
timezone = "Europe/Berlin"

[database]
# Empty: the SQLite file netzwerker.db in this folder. The environment variable
# DATABASE_URL (e.g. postgresql://user@host/netzwerker) overrides this value.
url = ""

{plugins}
[escalation]
remind_days_before_due = 3     # remind the responsible partner (-1: off)
escalate_days_after_due = 7    # hand an overdue task to the accountable party
report_days_after_due = 14     # list it in the network report

# Working fields no plugin contributes, e.g.:
# [[working_fields]]
# key = "delinquency"
# name = "Delinquenz"

# Goals of a working field, measurable through an indicator ('netzwerker plugins' lists them):
# [[goals]]
# key = "commitments_kept"
# working_field = "health"
# title = "Zusagen im Netzwerk termingerecht erfüllen"
# indicator = "tasks_on_time_rate"
# target = 80.0
# start = 2026-01-01
# end = 2026-12-31

[[imports]]
kind = "partners"
path = "partners.csv"
"""

PARTNERS_TEMPLATE = """\
key;name;kind;legal_domains;working_fields;region;social_area;email;phone;contact_name;contact_role
{key};{name};jobcenter;SGB II;{fields};{region};;;;;
"""


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escaping is a subset TOML reads."""
    return json.dumps(text, ensure_ascii=False)


def _slug(text: str) -> str:
    slug = re.sub(
        r"[^a-z0-9]+",
        "-",
        text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss"),
    ).strip("-")
    return slug or "jobcenter"


def scaffold_deployment(
    folder: Path, *, name: str, region: str = "", plugins: list[str] | None = None
) -> list[Path]:
    """Write ``deployment.toml`` and a first ``partners.csv``; refuses to overwrite."""
    config_path = folder / CONFIG_FILE
    partners_path = folder / "partners.csv"
    for path in (config_path, partners_path):
        if path.exists():
            raise FileExistsError(f"{path} exists already; init writes only new deployments")
    folder.mkdir(parents=True, exist_ok=True)
    plugin_tables = "".join(f"[plugins.{plugin}]\n\n" for plugin in plugins or [])
    config_path.write_text(
        CONFIG_TEMPLATE.format(
            name=name,
            name_toml=_toml_string(name),
            region_toml=_toml_string(region),
            plugins=plugin_tables or "# [plugins.health]    # enable a plugin by listing it\n\n",
        ),
        encoding="utf-8",
    )
    partners_path.write_text(
        PARTNERS_TEMPLATE.format(
            key=_slug(name), name=name.replace(";", ","), region=region.replace(";", ","), fields=""
        ),
        encoding="utf-8",
    )
    return [config_path, partners_path]
