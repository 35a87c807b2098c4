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
    from netzwerker.domain.cases.models import Referral
    from netzwerker.domain.partners.models import Person
    from netzwerker.errors import Refused
    from netzwerker_single_parents import services
    from netzwerker_single_parents.models import Household

    deployment = shipped("warendorf")
    try:
        with deployment.session() as session:
            loads = services.caseloads(session, deployment)
            assert sorted(load.households for load in loads) == [10, 10, 10]
            towns = session.execute(
                sa.select(Household.town, sa.func.count()).group_by(Household.town)
            ).all()
            assert dict(towns) == {"Everswinkel": 15, "Ennigerloh": 15}
            assert not session.scalar(sa.select(sa.func.count()).where(Household.over_caseload))
            assert session.scalar(sa.select(sa.func.count(Referral.id))) > 0
            coach = session.scalar(sa.select(Person.id).where(Person.name == "Katrin Westhoff"))
        with pytest.raises(Refused, match="limit 10"), deployment.transaction() as session:
            draft = services.HouseholdDraft("ANNA-E-16", coach, "Everswinkel", 2)
            services.add_household(session, deployment, draft, actor="test")
    finally:
        deployment.dispose()


def test_leverkusen_the_chain_spans_six_books_and_a_referral_needs_consent(shipped):
    from datetime import date

    from netzwerker.domain.cases.models import Case, Referral
    from netzwerker.domain.cases.services import ConsentDraft, ConsentMissing, give_consent
    from netzwerker.domain.chains import services as chains
    from netzwerker.domain.chains.models import ServiceChain
    from netzwerker.domain.circles.models import CirclePerson

    deployment = shipped("leverkusen")
    day = date(2024, 3, 4)
    try:
        with deployment.session() as session:
            chain = session.scalar(
                sa.select(ServiceChain).where(ServiceChain.key == "sucht_arbeit")
            )
            steps = chains.steps_of(session, [chain.id])[chain.id]
            books = {str(step.legal_domain) for step in steps}
            assert books == {f"SGB {book}" for book in ("II", "III", "V", "VIII", "IX", "XII")}
            assert chains.missing_agreements(session, chain.id) == []
            scouts = session.scalar(sa.select(sa.func.count()).select_from(CirclePerson))
            assert scouts == 6
            ids = {p.key: p.id for p in session.scalars(sa.select(Partner))}
            cases = {c.pseudonym: c.id for c in session.scalars(sa.select(Case))}

        def start(pseudonym: str) -> None:
            with deployment.transaction() as session:
                chains.start_instance(
                    session,
                    chain.id,
                    chains.ChainStart(from_partner_id=ids["jobcenter"], case_id=cases[pseudonym]),
                    today=day,
                    actor="scout",
                )

        with pytest.raises(ConsentMissing, match="LEV-2024-002"):
            start("LEV-2024-002")
        start("LEV-2024-001")  # consented to the addiction counselling
        with deployment.transaction() as session:
            draft = ConsentDraft(ids["suchthilfe"], "Übergabe in die Unterstützungskette")
            give_consent(session, cases["LEV-2024-002"], draft, today=day, actor="scout")
        start("LEV-2024-002")
        with deployment.session() as session:
            referred = session.scalars(
                sa.select(Referral.case_id).where(Referral.to_partner_id == ids["suchthilfe"])
            ).all()
            assert sorted(referred) == sorted([cases["LEV-2024-001"], cases["LEV-2024-002"]])
    finally:
        deployment.dispose()
