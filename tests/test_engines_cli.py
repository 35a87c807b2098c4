"""The engines on the command line, all five plugins together, and disabling a plugin."""

from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import select

from netzwerker.app import create_app
from netzwerker.cli import cli
from netzwerker.deployment import load
from netzwerker.domain.workflows.models import WorkflowRun
from netzwerker.testing import ALL_PLUGINS_CONFIG, sample_network


def _run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


def test_all_five_plugins_pass_check_together(make_deployment) -> None:
    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG)
    result = _run("check", str(deployment.folder))
    assert result.exit_code == 0, result.output
    sources = {item.source for item in deployment.registry.workflows.values()}
    assert sources == {"core", "health", "debt", "migration", "single_parents", "transnational"}


def test_cases_projects_and_indicators_from_the_command_line(make_deployment) -> None:
    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    folder = str(deployment.folder)
    with deployment.transaction() as session:
        sample_network(session)

    started = _run(
        "workflow", "start", folder, "migration_mediation", "M-7", "--data", '{"language": "ar"}'
    )
    assert started.exit_code == 0, started.output
    case_id = started.output.split()[1]
    refused = _run("workflow", "move", folder, case_id, "match")
    assert refused.exit_code == 1 and "data.mediator" in refused.output
    moved = _run("workflow", "move", folder, case_id, "match", "--data", '{"mediator": "BB-1"}')
    assert moved.exit_code == 0 and "matched" in moved.output
    bad_json = _run("workflow", "move", folder, case_id, "cancel", "--data", "{nope")
    assert bad_json.exit_code == 1 and "--data: not valid JSON" in bad_json.output
    cases = _run("workflow", "runs", folder, "--workflow", "migration_mediation")
    assert "M-7" in cases.output and "1 of 1 runs" in cases.output
    history = _run("workflow", "history", folder, case_id)
    assert "start → requested" in history.output and "match → matched" in history.output
    assert "migration_mediation" in _run("workflow", "list", folder).output

    added = _run(
        "project", "add", folder, "schuldenvorsortierer",
        "--type", "debt_pre_sorters",
        "--title", "Schuldenvorsortierer in der Bürgerarbeit",
        "--details", '{"volunteers": 6}',
        "--partner", "suchtberatung:lead",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    wrong = _run("project", "add", folder, "x", "--type", "debt_pre_sorters", "--title", "X",
                 "--details", '{"volunteers": "six"}')  # fmt: skip
    assert wrong.exit_code == 1 and "details.volunteers" in wrong.output
    assert _run("project", "move", folder, "schuldenvorsortierer", "conceive").exit_code == 0
    listed = _run("project", "list", folder, "--status", "concept")
    assert "schuldenvorsortierer" in listed.output and "1 projects" in listed.output

    recorded = _run(
        "indicators", "record", folder, "health_self_help_groups", "12",
        "--from", "2026-01-01", "--to", "2026-06-30",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    computed_one = _run(
        "indicators", "record", folder, "tasks_overdue", "1",
        "--from", "2026-01-01", "--to", "2026-06-30",
    )  # fmt: skip
    assert computed_one.exit_code == 1 and "cannot be entered" in computed_one.output
    report = _run(
        "indicators", "report", folder, "--from", "2026-01-01", "--to", "2026-12-31", "--store"
    )
    assert report.exit_code == 0, report.output
    assert (
        "Aktive Selbsthilfegruppen in der Region" in report.output and "12 Gruppen" in report.output
    )
    assert "Angefragte, nicht abgedeckte Sprachen" in report.output
    assert "values stored" in report.output
    series = _run("indicators", "series", folder, "project_ideas")
    assert "2026-01-01 – 2026-12-31" in series.output


def test_disabling_a_plugin_keeps_its_data_and_removes_its_routes(make_deployment) -> None:
    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    folder = str(deployment.folder)
    _run(
        "workflow", "start", folder, "transnational_exchange", "T-1", "--data", '{"country": "ES"}'
    )
    disabled = ALL_PLUGINS_CONFIG.replace(
        "[plugins.transnational]", "[plugins.transnational]\nenabled = false"
    )
    (deployment.folder / "deployment.toml").write_text(disabled, encoding="utf-8")
    assert _run("migrate", folder).exit_code == 0
    reloaded = load(deployment.folder, database_url=deployment.database_url)
    assert "transnational_exchange" not in reloaded.registry.workflows
    assert "transnational_participants" not in reloaded.registry.indicators
    with reloaded.session() as session:
        kept = session.exec(
            select(WorkflowRun).where(WorkflowRun.workflow == "transnational_exchange")
        ).one()
    assert kept.subject == "T-1"
    refused = _run("workflow", "move", folder, str(kept.id), "select")
    assert refused.exit_code == 1 and "not enabled" in refused.output
    paths = {route.path for route in create_app(reloaded).routes}
    assert "/api/transnational/countries" not in paths
    assert "/api/single_parents/households" in paths
    reloaded.dispose()
