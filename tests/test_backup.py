"""Backup and restore: a round trip loses nothing, on SQLite and on PostgreSQL."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from netzwerker.backup import backup, restore
from netzwerker.cli import cli
from netzwerker.deployment import Deployment, load
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import Refused
from netzwerker.testing import ALL_PLUGINS_CONFIG, scratch_database, web_network


@pytest.fixture
def source(make_deployment) -> Deployment:
    """A deployment with every kind of value: dates, times, amounts, JSON, flags."""
    from netzwerker.domain.cases import services as cases
    from netzwerker.domain.cases.referrals import ReferralDraft, send_referral
    from netzwerker.domain.catalogue.services import OfferDraft, create_offer
    from netzwerker.domain.projects.services import (
        FundingDraft,
        FundingSource,
        ProjectDraft,
        add_funding,
        create_project,
    )
    from netzwerker.domain.tasks.models import Task
    from netzwerker.domain.tasks.services import transition_task

    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    network, *_ = web_network(deployment)
    today = deployment.today()
    with deployment.transaction() as session:
        project = create_project(
            session,
            deployment,
            ProjectDraft(
                key="budget",
                project_type="budget_training",
                title="Budgettraining",
                details={"sessions": 6, "provider": "Schuldnerberatung"},
                target_groups=["Familien"],
            ),
            actor=Actor.operator("test"),
        )
        add_funding(
            session,
            project.id,
            FundingDraft(FundingSource.ESF, Decimal("12500.50"), submitted_on=today),
            actor=Actor.operator("test"),
        )
        create_offer(
            session,
            OfferDraft(
                key="sucht",
                title="Suchtberatung",
                partner_id=network.counselling.id,
                target_groups=["Langzeitarbeitslose"],
                problem_areas=["Sucht"],
            ),
            actor=Actor.operator("test"),
        )
        case = cases.create_case(
            session, cases.CaseDraft(pseudonym="F-1"), today=today, actor=Actor.operator("test")
        )
        cases.give_consent(
            session,
            case.id,
            cases.ConsentDraft(network.clinic.id, "Entgiftung", valid_until=today + timedelta(90)),
            today=today,
            actor=Actor.operator("test"),
        )
        send_referral(
            session,
            ReferralDraft(case.id, network.counselling.id, network.clinic.id),
            today=today,
            actor=Actor.operator("test"),
        )
        # A closed task, so the tally the triggers keep has a line to rebuild.
        first = session.exec(sa.select(Task.id).order_by(Task.id)).scalars().first()
        for action in ("commit", "complete"):
            transition_task(session, first, action, actor=Actor.operator("test"), today=today)
    return deployment


def everything(deployment: Deployment) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in key order."""
    metadata = sa.MetaData()
    with deployment.engine.connect() as connection:
        metadata.reflect(connection)
        return {
            table.name: [
                dict(row._mapping)
                for row in connection.execute(
                    sa.select(table).order_by(*(table.primary_key.columns or table.columns))
                )
            ]
            for table in metadata.sorted_tables
        }


def in_utc(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    return {
        name: [{key: plain(value) for key, value in row.items()} for row in rows]
        for name, rows in tables.items()
    }


@pytest.fixture
def target(tmp_path: Path) -> Any:
    """A second deployment like the source, on an empty database of its own."""
    folder = tmp_path / "restored"
    folder.mkdir()
    (folder / "deployment.toml").write_text(ALL_PLUGINS_CONFIG, encoding="utf-8")
    with scratch_database(tmp_path, "restored") as url:
        deployment = load(folder, database_url=url)
        yield deployment
        deployment.dispose()


def test_a_round_trip_loses_nothing(source, target, tmp_path):
    archive = tmp_path / "backup.zip"
    written = backup(source, archive)
    assert written.rows["task"] == 2 and written.rows["funding_application"] == 1
    restored = restore(target, archive)
    assert restored.rows == written.rows
    before, after = everything(source), everything(target)
    assert after == before
    # Not in the backup, rebuilt by the triggers as the tasks came back.
    assert "task_tally" not in written.rows
    tally = after["task_tally"]
    assert sum(line["done_on_time"] + line["done_late"] for line in tally) == 1
    assert after["funding_application"][0]["requested"] == Decimal("12500.50")


def test_new_records_follow_the_restored_ones(source, target, tmp_path):
    from netzwerker.domain.tasks.models import Task
    from netzwerker.domain.tasks.services import TaskDraft, create_task

    restore(target, backup(source, tmp_path / "backup.zip").path)
    with target.transaction() as session:
        highest = session.scalar(sa.select(sa.func.max(Task.id)))
        task = create_task(
            session,
            TaskDraft(
                title="Nach der Wiederherstellung",
                working_field="health",
                responsible_partner_id=1,
                accountable_circle_id=1,
                due_date=target.today(),
            ),
            actor="test",
        )
    assert task.id > highest


def test_a_database_with_data_is_replaced_only_when_asked(source, tmp_path, monkeypatch):
    archive = tmp_path / "backup.zip"
    runner = CliRunner()
    answer = runner.invoke(cli, ["backup", str(source.folder), "-o", str(archive)])
    assert answer.exit_code == 0, answer.output
    assert "rows in" in answer.output
    before = everything(source)
    refused = runner.invoke(cli, ["restore", str(source.folder), str(archive)])
    assert refused.exit_code == 1
    assert "restore --replace deletes them first" in refused.output
    assert everything(source) == before
    answer = runner.invoke(cli, ["restore", str(source.folder), str(archive), "--replace"])
    assert answer.exit_code == 0, answer.output
    assert everything(source) == before


def test_what_is_no_backup_is_refused(target, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_text("kein Archiv", encoding="utf-8")
    with pytest.raises(Refused, match="not a netzwerker backup"):
        restore(target, broken)
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("manifest.json", '{"format": 99}')
    with pytest.raises(Refused, match="backup format 99"):
        restore(target, other)


def test_a_backup_needs_the_plugins_whose_tables_it_holds(source, tmp_path, make_deployment):
    from netzwerker.testing import MINIMAL_CONFIG

    archive = backup(source, tmp_path / "backup.zip").path
    folder = tmp_path / "fewer"
    folder.mkdir()
    (folder / "deployment.toml").write_text(MINIMAL_CONFIG, encoding="utf-8")
    with scratch_database(tmp_path, "fewer") as url:
        fewer = load(folder, database_url=url)
        try:
            with pytest.raises(Refused, match="enable their plugins"):
                restore(fewer, archive)
        finally:
            fewer.dispose()


def test_a_backup_moves_a_deployment_between_databases(source, tmp_path):
    """From PostgreSQL to SQLite (or SQLite to SQLite where no server is given): the backup
    holds values, not a database's dump."""
    folder = tmp_path / "moved"
    folder.mkdir()
    (folder / "deployment.toml").write_text(ALL_PLUGINS_CONFIG, encoding="utf-8")
    moved = load(folder, database_url=f"sqlite:///{tmp_path / 'moved.db'}")
    try:
        restore(moved, backup(source, tmp_path / "backup.zip").path)
        # SQLite keeps no time zone: the same instants come back in UTC without one.
        assert in_utc(everything(moved)) == in_utc(everything(source))
    finally:
        moved.dispose()


def test_a_sqlite_deployment_moves_to_the_database_under_test(tmp_path, database_url):
    """The usual move, from SQLite to PostgreSQL: times without zone are taken as UTC."""
    from netzwerker.testing import migrate_deployment

    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "deployment.toml").write_text(ALL_PLUGINS_CONFIG, encoding="utf-8")
    small = load(folder, database_url=f"sqlite:///{tmp_path / 'small.db'}")
    bigger = load(folder, database_url=database_url)
    try:
        migrate_deployment(small)
        web_network(small)
        restore(bigger, backup(small, tmp_path / "backup.zip").path)
        assert in_utc(everything(bigger)) == in_utc(everything(small))
    finally:
        small.dispose()
        bigger.dispose()


def test_a_backup_only_its_owner_reads(source, tmp_path):
    archive = backup(source, tmp_path / "kept" / "backup.zip").path
    assert archive.stat().st_mode & 0o777 == 0o600
    assert archive.parent.stat().st_mode & 0o777 == 0o700
    answer = CliRunner().invoke(cli, ["backup", str(source.folder)])
    assert answer.exit_code == 0, answer.output
    (written,) = (source.folder / "backups").iterdir()
    assert written.stat().st_mode & 0o777 == 0o600
    assert (source.folder / "backups").stat().st_mode & 0o777 == 0o700


def _tampered(archive: Path, table: str, change: Any) -> Path:
    """A copy of ``archive`` whose first row of ``table`` is changed by ``change``."""
    import json

    copy = archive.with_name(f"tampered-{table}.zip")
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(copy, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == f"tables/{table}.jsonl":
                first, _, rest = data.partition(b"\n")
                row = json.loads(first)
                change(row)
                data = json.dumps(row).encode() + b"\n" + rest
            new.writestr(item, data)
    return copy


@pytest.mark.parametrize(
    ("table", "change", "words"),
    [
        ("task", lambda row: row.update(title="Geheim " * 200_000), ", row 1: column title holds"),
        (
            "task",
            lambda row: row.update(due_date="morgen"),
            ", row 1: column due_date is not a date",
        ),
        (
            "task",
            lambda row: row.update(responsible_partner_id=None),
            ", row 1: column responsible_partner_id is empty",
        ),
        (
            "task",
            lambda row: row.update(responsible_partner_id=999_999),
            ": the database refused rows 1 to",
        ),
        ("partner", lambda row: row.update(active="ja"), ", row 1: column active is not a boolean"),
        ("partner", lambda row: row.update(colour="rot"), ", row 1: unknown column colour"),
    ],
)
def test_restore_checks_every_row_first_and_writes_all_or_nothing(
    source, target, tmp_path, capfd, table, change, words
):
    archive = _tampered(backup(source, tmp_path / "backup.zip").path, table, change)
    with pytest.raises(Refused) as refused:
        restore(target, archive)
    assert f"table {table}{words}" in str(refused.value)
    printed = str(refused.value) + "".join(capfd.readouterr())
    assert "Geheim" not in printed and "Erstgespräche" not in printed, "no row's data"
    with target.engine.connect() as connection:
        assert sa.inspect(connection).get_table_names() == [], "nothing is left behind"
    # The untouched backup restores into the same database afterwards.
    restore(target, backup(source, tmp_path / "again.zip").path)
    assert in_utc(everything(target)) == in_utc(everything(source))


def test_a_backup_is_encrypted_to_the_keys_the_deployment_names(source, target, tmp_path):
    import pyrage

    from netzwerker.backup import readable

    key = pyrage.x25519.Identity.generate()
    identity = tmp_path / "backup-key.txt"
    identity.write_text(f"# kept off the server\n{key}\n", encoding="utf-8")
    toml = source.folder / "deployment.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + f'\n[backup]\nrecipients = ["{key.to_public()}"]\n',
        encoding="utf-8",
    )
    sealing = load(source.folder, database_url=source.database_url)
    try:
        archive = backup(sealing, tmp_path / "backup.zip").path
    finally:
        sealing.dispose()
    assert archive.name == "backup.zip.age" and archive.stat().st_mode & 0o777 == 0o600
    assert sorted(path.name for path in tmp_path.iterdir() if "backup" in path.name) == [
        "backup-key.txt",
        "backup.zip.age",
    ], "no plain copy is left"
    assert not zipfile.is_zipfile(archive) and b"Erstgespr" not in archive.read_bytes()

    with pytest.raises(Refused, match="is encrypted: give its age private key"), readable(archive):
        pass
    stranger = tmp_path / "other-key.txt"
    stranger.write_text(str(pyrage.x25519.Identity.generate()), encoding="utf-8")
    with pytest.raises(Refused, match="does not open it"), readable(archive, stranger):
        pass
    with readable(archive, identity) as plain:
        restore(target, plain)
    assert in_utc(everything(target)) == in_utc(everything(source))
    assert not plain.exists(), "the plain content is deleted after the restore"

    answer = CliRunner().invoke(
        cli, ["restore", str(source.folder), str(archive), "--replace", "--identity", str(identity)]
    )
    assert answer.exit_code == 0, answer.output
    checked = CliRunner().invoke(cli, ["check", str(source.folder)])
    assert checked.exit_code == 0, checked.output


def test_a_recipient_that_is_no_age_key_is_named(make_deployment):
    from netzwerker.config import parse_config
    from netzwerker.structuring import InvalidInput

    with pytest.raises(InvalidInput) as raised:
        parse_config({"deployment": {"name": "X"}, "backup": {"recipients": ["ssh-rsa AAAA"]}})
    assert [(p.path, p.message) for p in raised.value.problems] == [
        ("backup.recipients[0]", "not an age public key (age1…)")
    ]
