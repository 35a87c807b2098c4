"""The command line as an IT team uses it: init, check, migrate, demo, plugin commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from netzwerker.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_init_scaffolds_a_deployment_that_passes_check(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "jc"
    created = run(
        "init",
        str(folder),
        "--name",
        'Jobcenter "Süd"',
        "--region",
        "Kreis; Süd",
        "--plugin",
        "health",
    )
    assert created.exit_code == 0, created.output
    checked = run("check", str(folder))
    assert checked.exit_code == 0, checked.output
    again = run("init", str(folder))
    assert again.exit_code == 1 and "exists already" in again.output
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jc.db'}")
    assert run("migrate", str(folder)).exit_code == 0
    imported = run("import", str(folder))
    assert imported.exit_code == 0, imported.output
    assert "1 partners created" in imported.output


def test_demo_sets_up_the_example_and_shows_the_report(example_copy: Path, monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    result = run("demo", str(example_copy), "--no-serve")
    assert result.exit_code == 0, result.output
    assert "partners.csv: 37 partners created" in result.output
    assert "Rechenschaftsbericht nach Partner" in result.output
    assert (example_copy / "netzwerker.db").exists()
    # Every state of the machine appears, and some tasks are overdue.
    import sqlite3

    with sqlite3.connect(example_copy / "netzwerker.db") as connection:
        statuses = {row[0] for row in connection.execute("SELECT DISTINCT status FROM task")}
    assert statuses == {
        "proposed",
        "committed",
        "in_progress",
        "blocked",
        "done",
        "declined",
        "cancelled",
    }
    # Every page has something to show: the catalogue, meetings, a binding chain with
    # people on it, and referrals in every state of their loop.
    with sqlite3.connect(example_copy / "netzwerker.db") as connection:
        counts = {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                *("offer", "need", "meeting", "chain_agreement", "chain_instance"),
                # what the plugins add: debt cases, households, staff trainings
                *("workflow_run", "single_parents_household", "health_training"),
            )
        }
        referrals = {row[0] for row in connection.execute("SELECT status FROM referral")}
        chain_steps = {row[0] for row in connection.execute("SELECT step FROM chain_instance")}
    assert all(counts.values()), counts
    assert referrals == {"sent", "accepted", "first_contact", "closed", "declined", "withdrawn"}
    assert len(chain_steps) > 1, "people stand at several steps of the chain"
    assert "überfällige Aufgaben" in result.output
    # Running it again starts from scratch instead of piling up data.
    assert (
        "partners.csv: 37 partners created" in run("demo", str(example_copy), "--no-serve").output
    )


def test_demo_refuses_a_database_that_holds_data(deployment, example_copy: Path) -> None:
    from netzwerker.testing import sample_network

    with deployment.transaction() as session:
        sample_network(session)
    result = CliRunner().invoke(
        cli, ["demo", str(example_copy), "--no-serve"]
    )  # DATABASE_URL is the test's
    assert result.exit_code == 1
    assert "the demo only fills an empty database" in result.output


def test_commands_refuse_a_broken_deployment(example_copy: Path) -> None:
    config = example_copy / "deployment.toml"
    config.write_text(config.read_text().replace("[plugins.health]", "[plugins.gesundheit]"))
    for command in ("migrate", "escalate", "report", "import"):
        result = run(command, str(example_copy))
        assert result.exit_code == 1, command
        assert "plugins.gesundheit: plugin 'gesundheit' is not installed" in result.output


def test_plugin_command_from_the_health_plugin(deployment) -> None:
    folder = str(deployment.folder)
    added = run(
        "health",
        "add-training",
        folder,
        "--title",
        "Alkohol im Beratungsgespräch",
        "--held-on",
        "2026-03-01",
        "--participants",
        "14",
        "--online",
    )
    assert added.exit_code == 0, added.output
    listed = run("health", "trainings", folder)
    assert "2026-03-01    14 Teilnehmende  Alkohol im Beratungsgespräch" in listed.output
    unknown = CliRunner().invoke(
        cli,
        [
            "health",
            "add-training",
            folder,
            "--title",
            "x",
            "--held-on",
            "2026-03-01",
            "--trainer",
            "niemand",
        ],
    )
    assert unknown.exit_code == 1
    assert "trainer: partner 'niemand' does not exist" in unknown.output


def test_core_commands_never_import_plugins(install_plugin, example: Path) -> None:
    install_plugin("exploding", "raise RuntimeError('imported')")
    fresh = type(cli)(name="netzwerker", commands=dict(cli.commands))
    assert CliRunner().invoke(fresh, ["check", str(example)]).exit_code == 0
    assert not fresh.plugin_commands_loaded
    listing = CliRunner().invoke(fresh, ["--help"])
    assert listing.exit_code == 0 and "health" in listing.output


def test_version() -> None:
    assert run("--version").output.startswith("netzwerker, version 0.1.0")


def test_users_and_tokens_on_the_command_line(deployment) -> None:
    from netzwerker.testing import sample_network

    with deployment.transaction() as session:
        sample_network(session)
    folder = str(deployment.folder)
    added = CliRunner().invoke(
        cli,
        ["user", "add", folder, "sabine", "--role", "coordinator", "--password-stdin"],
        input="ein langes Passwort\n",
    )
    assert added.exit_code == 0, added.output
    member = run("user", "add", folder, "tom", "--role", "partner_member", "--partner", "klinik")
    assert member.exit_code == 0, member.output
    orphan = CliRunner().invoke(cli, ["user", "add", folder, "eva", "--role", "partner_member"])
    assert orphan.exit_code == 1 and "partner: a partner member needs" in orphan.output
    short = CliRunner().invoke(
        cli, ["user", "add", folder, "kurz", "--role", "viewer", "--password-stdin"], input="kurz\n"
    )
    assert short.exit_code == 1 and "password: must have at least 10" in short.output
    listed = run("user", "list", folder).output
    assert "sabine\tcoordinator" in listed and "tom\tpartner_member @klinik" in listed

    created = run("token", "create", folder, "tom", "--name", "Fachverfahren", "--days", "30")
    assert created.exit_code == 0
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith("nzw_")
    from netzwerker.domain.users.services import actor_for_token, authenticate

    with deployment.engine.connect() as connection:
        assert actor_for_token(connection, secret).username == "tom"
    with deployment.session() as session:
        assert authenticate(session, "sabine", "ein langes Passwort").username == "sabine"
        assert authenticate(session, "sabine", "falsch") is None
    assert "active until" in run("token", "list", folder, "tom").output
    token_id = created.output.split()[1]
    assert run("token", "revoke", folder, token_id).exit_code == 0
    assert "revoked" in run("token", "list", folder).output
    with deployment.engine.connect() as connection:
        assert actor_for_token(connection, secret) is None

    assert run("user", "disable", folder, "sabine").exit_code == 0
    with deployment.session() as session:
        assert authenticate(session, "sabine", "ein langes Passwort") is None
    assert "sabine\tcoordinator\tdisabled" in run("user", "list", folder).output


def test_serve_refuses_a_deployment_that_is_not_migrated(make_deployment) -> None:
    deployment = make_deployment()
    result = CliRunner().invoke(cli, ["serve", str(deployment.folder)])
    assert result.exit_code == 1 and "netzwerker migrate" in result.output


def test_permissions_prints_the_matrix_of_the_deployment(make_deployment) -> None:
    deployment = make_deployment(
        toml="""
        [deployment]
        name = "Jobcenter Teststadt"
        [plugins.health]
        [privacy]
        identity_readers = ["coordinator", "admin"]
        """
    )
    table = run("permissions", str(deployment.folder))
    assert table.exit_code == 0, table.output
    lines = {line.split()[0]: line.split()[-4:] for line in table.output.splitlines()[1:]}
    assert lines["task.commit"] == ["any", "any", "own", "-"]
    assert lines["health.training"] == ["any", "any", "-", "-"]
    assert lines["case.identity"] == ["any", "any", "-", "-"]
    csv = run("permissions", str(deployment.folder), "--format", "csv")
    assert 'token.manage,"list, create and revoke tokens",any,own,own,own' in csv.output


def test_people_lists_the_ids_other_commands_take(deployment) -> None:
    from netzwerker.testing import sample_network

    with deployment.transaction() as session:
        network = sample_network(session)
    listed = run("people", str(deployment.folder))
    assert listed.exit_code == 0, listed.output
    assert f"{network.counsellor.id:>6}  Tom Hilfe, Berater  [suchtberatung]" in listed.output
    only = run("people", str(deployment.folder), "--partner", "jobcenter")
    assert "Sabine Netz" in only.output and "Tom Hilfe" not in only.output
    unknown = CliRunner().invoke(cli, ["people", str(deployment.folder), "--partner", "nope"])
    assert unknown.exit_code == 1 and "partner 'nope' does not exist" in unknown.output
    nobody = run("people", str(deployment.folder), "--name", "Niemand")
    assert nobody.exit_code == 0 and "no person matches" in nobody.output
