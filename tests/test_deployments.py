"""The deployments the project ships: each checks, migrates and imports its data files on
SQLite and PostgreSQL, and holds the structure its source document describes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.deployment import load
from netzwerker.domain.partners.models import Partner

DEPLOYMENTS = Path(__file__).resolve().parents[1] / "deployments"
SHIPPED = sorted(folder.name for folder in DEPLOYMENTS.iterdir() if folder.is_dir())


@pytest.fixture
def shipped(tmp_path, database_url):
    """A copy of a shipped deployment on the test's database, migrated and imported."""

    def copy(name: str):
        folder = tmp_path / name
        shutil.copytree(DEPLOYMENTS / name, folder, ignore=shutil.ignore_patterns("*.db*"))
        runner = CliRunner(env={"DATABASE_URL": database_url})
        for command in ("check", "migrate", "import"):
            answer = runner.invoke(cli, [command, str(folder)])
            assert answer.exit_code == 0, f"{command}: {answer.output}"
        return load(folder, database_url=database_url)

    return copy


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_deployment_checks_migrates_and_imports(shipped, name):
    deployment = shipped(name)
    try:
        with deployment.session() as session:
            assert session.scalar(sa.select(sa.func.count(Partner.id))) > 0
    finally:
        deployment.dispose()


def test_warendorf_three_coaches_ten_households_each_and_no_eleventh(shipped):
    from netzwerker.domain.partners.models import Person
    from netzwerker.errors import Refused
    from netzwerker_single_parents import services

    deployment = shipped("warendorf")
    try:
        with deployment.transaction() as session:
            chance = session.scalar(sa.select(Partner).where(Partner.key == "chance"))
            coaches = [Person(partner_id=chance.id, name=f"Coach {n}", role="Coach") for n in "ABC"]
            session.add_all(coaches)
            session.flush()
            for index in range(30):
                coach = coaches[index % 3]
                town = ("Everswinkel", "Ennigerloh")[index % 2]
                draft = services.HouseholdDraft(f"BG-{index + 1:02d}", coach.id, town, 1)
                services.add_household(session, deployment, draft, actor="test")
            coach_ids = [coach.id for coach in coaches]
        with deployment.session() as session:
            loads = {load.coach_person_id: load for load in services.caseloads(session, deployment)}
            assert [loads[cid].households for cid in coach_ids] == [10, 10, 10]
        with pytest.raises(Refused), deployment.transaction() as session:
            draft = services.HouseholdDraft("BG-31", coach_ids[0], "Everswinkel", 2)
            services.add_household(session, deployment, draft, actor="test")
    finally:
        deployment.dispose()
