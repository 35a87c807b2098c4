"""Plugins switched on and off on the command line, the choice stored over deployment.toml,
and what waits for a disabled plugin reported by ``check`` as a warning."""

from __future__ import annotations

import attrs
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.contributions import Choice
from netzwerker.deployment import load
from netzwerker.testing import ALL_PLUGINS_CONFIG


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_a_plugin_is_switched_on_the_command_line_and_the_choice_wins(deployment) -> None:
    folder = str(deployment.folder)
    enabled = run("enable-plugin", folder, "single_parents")
    assert enabled.exit_code == 0, enabled.output
    assert "single_parents: enabled" in enabled.output
    assert load(folder).config.enabled_plugins == ["health", "single_parents"]
    assert "single_parents 0" in run("plugins", folder).output
    assert "[enabled]" in run("plugins", folder).output.split("single_parents", 1)[1]
    disabled = run("disable-plugin", folder, "health")
    assert disabled.exit_code == 0, disabled.output
    # deployment.toml still lists health; the stored choice wins.
    assert load(folder).config.enabled_plugins == ["single_parents"]
    assert load(folder).file_config.enabled_plugins == ["health"]

    unknown = run("enable-plugin", folder, "zauberei")
    assert unknown.exit_code == 1 and "no plugin 'zauberei' is installed" in unknown.output
    clash = run("enable-plugin", folder, "debt")
    assert clash.exit_code == 1
    assert "plugin 'debt' stays as it was" in clash.output
    assert "working field 'debt' is already contributed" in clash.output
    assert "debt" not in load(folder).config.enabled_plugins


PARTNERS = "key;name;kind;working_fields\nklinik;Fachklinik;clinic;health\n"
GOAL = """
[[goals]]
key = "wartezeit"
working_field = "health"
title = "Kürzere Wartezeiten"
start = 2026-01-01
end = 2026-12-31

[[imports]]
kind = "partners"
path = "partners.csv"
"""


def test_what_waits_for_a_disabled_plugin_is_a_warning(make_deployment) -> None:
    config = ALL_PLUGINS_CONFIG.replace("[plugins.health]", "[plugins.health]\nenabled = false")
    deployment = make_deployment(toml=config + GOAL, files={"partners.csv": PARTNERS}, migrate=True)
    checked = run("check", str(deployment.folder))
    assert checked.exit_code == 0, checked.output
    assert "OK (3 warning(s))" in checked.output
    assert "belongs to the disabled plugin 'health'" in checked.output
    assert (
        "row 2, working_fields" in checked.output
        and "waits for a disabled plugin" in checked.output
    )
    typo = config + GOAL.replace('working_field = "health"', 'working_field = "helth"')
    (deployment.folder / "deployment.toml").write_text(typo, encoding="utf-8")
    refused = run("check", str(deployment.folder))
    assert refused.exit_code == 1 and "unknown working field 'helth'" in refused.output


class Urgency(Choice):
    NONE = "none", "keine Krise"
    OTHER = "other"


@attrs.frozen
class UrgentCase:
    urgency: Urgency = Urgency.NONE


def test_a_choice_reads_as_its_label_and_is_stored_as_its_value():
    from netzwerker.domain.fields.plugins import settings_of

    (setting,) = settings_of(UrgentCase, UrgentCase())
    assert setting.options() == [("none", "keine Krise"), ("other", "other")]
    assert setting.shown("none") == "keine Krise" and Urgency("none") == "none"
