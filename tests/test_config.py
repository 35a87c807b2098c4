"""deployment.toml: structure, path-precise problems, unknown keys, round-trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from netzwerker.checking import check_deployment
from netzwerker.cli import cli
from netzwerker.config import (
    DeploymentConfig,
    DeploymentInfo,
    EscalationConfig,
    GoalConfig,
    PluginConfig,
    WorkingFieldConfig,
    parse_config,
    unstructure_config,
)
from netzwerker.deployment import database_url_for


def messages(folder: Path) -> list[str]:
    return [str(problem) for problem in check_deployment(folder).problems]


def test_example_deployment_passes_check(example: Path) -> None:
    assert messages(example) == []


def test_check_command_exit_codes(example_copy: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["check", str(example_copy)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    config = example_copy / "deployment.toml"
    config.write_text(config.read_text().replace("max_wait_days = 14", 'max_wait_days = "ten"'))
    broken = runner.invoke(cli, ["check", str(example_copy)])
    assert broken.exit_code == 1
    assert "plugins.health.settings.max_wait_days: expected an integer, got 'ten'" in broken.output


def test_broken_copy_reports_every_problem_with_its_path(example_copy: Path) -> None:
    config = example_copy / "deployment.toml"
    text = config.read_text()
    text = text.replace("max_wait_days = 14", 'max_wait_days = "ten"\nmax_wait_dayz = 3')
    text = text.replace("remind_days_before_due = 3", "remind_days_before_dew = 3")
    text = text.replace('working_field = "debt"', 'working_field = "schulden"')
    text = text.replace(
        "[[imports]]", '[[imports]]\nkind = "partners"\npath = "fehlt.csv"\n\n[[imports]]'
    )
    config.write_text(text)
    found = messages(example_copy)
    assert "plugins.health.settings.max_wait_days: expected an integer, got 'ten'" in found
    assert "plugins.health.settings.max_wait_dayz: unknown key" in found
    assert "escalation.remind_days_before_dew: unknown key" in found
    assert any(
        m.startswith("goals[3].working_field: unknown working field 'schulden'") for m in found
    )
    assert any(m.startswith("imports[0].path: no such file") for m in found)


def test_malformed_toml_is_one_clear_problem(example_copy: Path) -> None:
    (example_copy / "deployment.toml").write_text("[deployment\nname = 'x'\n")
    (problem,) = messages(example_copy)
    assert problem.startswith("deployment.toml: not valid TOML")
    assert "line 1" in problem


def test_missing_folder_and_file(tmp_path: Path) -> None:
    assert messages(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: no such deployment folder"]
    assert messages(tmp_path) == [f"deployment.toml: missing in {tmp_path}"]


def test_semantic_problems() -> None:
    data = {
        "deployment": {"name": " ", "timezone": "Mars/Olympus", "period_start": "2010-01-01"},
        "escalation": {"escalate_days_after_due": -5},
        "working_fields": [{"key": "Debt", "name": "x"}, {"key": "Debt", "name": "y"}],
        "goals": [
            {
                "key": "g",
                "working_field": "debt",
                "title": "t",
                "start": "2026-02-01",
                "end": "2026-01-01",
                "status": "maybe",
            },
        ],
        "imports": [{"kind": "tasks", "path": "x.csv"}],
        "privacy": {"identity_readers": ["coordinator", "partner_member"]},
    }
    try:
        parse_config(data)
    except Exception as exc:
        found = [str(p) for p in exc.problems]  # type: ignore[attr-defined]
    assert "deployment.name: must not be empty" in found
    assert "deployment.timezone: unknown time zone 'Mars/Olympus'" in found
    assert "deployment.period_end: give both days of the period, or neither" in found
    assert "escalation.escalate_days_after_due: must be 0 or more, or -1 (off), got -5" in found
    assert "working_fields[1].key: working field 'Debt' is declared twice" in found
    assert "goals[0].end: 2026-01-01 is before start 2026-02-01" in found
    assert any(p.startswith("goals[0].status: unknown status 'maybe'") for p in found)
    assert any(p.startswith("imports[0].kind: unknown kind 'tasks'") for p in found)
    assert any(
        p.startswith("privacy.identity_readers[1]: 'partner_member' cannot read") for p in found
    )


def test_the_evaluation_period_ends_after_it_starts() -> None:
    data = {"deployment": {"name": "J", "period_start": "2012-01-01", "period_end": "2010-12-31"}}
    with pytest.raises(Exception) as refused:
        parse_config(data)
    assert [str(p) for p in refused.value.problems] == [  # type: ignore[attr-defined]
        "deployment.period_end: ends (2010-12-31) before it starts (2012-01-01)"
    ]


def test_database_url_precedence(tmp_path: Path, monkeypatch) -> None:
    config = DeploymentConfig(DeploymentInfo(name="x"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert (
        database_url_for(tmp_path, config) == f"sqlite:///{(tmp_path / 'netzwerker.db').resolve()}"
    )
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/db")
    assert database_url_for(tmp_path, config) == "postgresql+psycopg://u@localhost/db"
    monkeypatch.delenv("DATABASE_URL")
    relative = attrs.evolve(
        config, database=attrs.evolve(config.database, url="sqlite:///data/x.db")
    )
    assert database_url_for(tmp_path, relative) == f"sqlite:///{(tmp_path / 'data/x.db').resolve()}"


keys = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
# Any text a database can store: no surrogates, no NUL (which PostgreSQL refuses).
texts = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@st.composite
def configs(draw: st.DrawFn) -> DeploymentConfig:
    field_keys = draw(st.lists(keys, unique=True, max_size=3))
    goals = []
    for index, key in enumerate(draw(st.lists(keys, unique=True, max_size=3))):
        start = draw(days)
        goals.append(
            GoalConfig(
                key=key,
                working_field=draw(st.sampled_from(field_keys)) if field_keys else "health",
                title=draw(texts),
                start=start,
                end=draw(st.dates(min_value=start, max_value=date(2100, 1, 1))),
                target=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
                status=draw(st.sampled_from(["active", "achieved", "missed", "dropped"])),
                indicator="" if index else "tasks_on_time_rate",
            )
        )
    return DeploymentConfig(
        deployment=DeploymentInfo(name=draw(texts.filter(str.strip)), region=draw(texts)),
        plugins=draw(
            st.dictionaries(
                keys,
                st.builds(
                    PluginConfig,
                    enabled=st.booleans(),
                    settings=st.dictionaries(keys, st.integers() | texts, max_size=2),
                ),
                max_size=2,
            )
        ),
        escalation=EscalationConfig(*draw(st.lists(st.integers(-1, 60), min_size=3, max_size=3))),
        working_fields=[WorkingFieldConfig(key, draw(texts)) for key in field_keys],
        goals=goals,
    )


@given(configs())
def test_config_round_trip(config: DeploymentConfig) -> None:
    assert parse_config(unstructure_config(config)) == config


@given(configs())
def test_config_round_trip_through_toml(config: DeploymentConfig) -> None:
    import tomllib

    import tomli_w

    text = tomli_w.dumps(unstructure_config(config))
    assert parse_config(tomllib.loads(text)) == config
