"""Network templates: a chain and a circle move from one deployment to another."""

from __future__ import annotations

import tomllib

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.deployment import load
from netzwerker.domain.chains.models import ChainStep, ServiceChain
from netzwerker.domain.circles.models import Circle, CirclePartner
from netzwerker.domain.partners.models import LegalDomain, Partner
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import (
    ALL_PLUGINS_CONFIG,
    migrate_deployment,
    sample_network,
    scratch_database,
)


@pytest.fixture
def source(make_deployment):
    """Leverkusen's kind of network: an addiction chain from the jobcenter to the clinic."""
    from netzwerker.domain.chains.services import ChainDraft, StepDraft, create_chain
    from netzwerker.domain.circles.services import CircleDraft, create_circle

    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    with deployment.transaction() as session:
        network = sample_network(session)
        create_chain(
            session,
            ChainDraft(
                key="suchthilfekette",
                name="Suchthilfekette",
                target_group="Suchtkranke im SGB II",
                working_field="health",
                steps=[
                    StepDraft(
                        "Beratung", network.counselling.id, LegalDomain("SGB II"), max_wait_days=14
                    ),
                    StepDraft(
                        "Entzug",
                        network.clinic.id,
                        LegalDomain("SGB V"),
                        handover_criteria="nach Fallkonferenz",
                    ),
                ],
            ),
            actor=Actor.operator("test"),
        )
        create_circle(
            session,
            CircleDraft(
                key="produktionsnetzwerk",
                name="Produktionsnetzwerk Sucht",
                working_field="health",
                lead_partner_id=network.jobcenter.id,
                partners=[network.jobcenter.id, network.clinic.id, network.counselling.id],
            ),
            actor=Actor.operator("test"),
        )
    return deployment


@pytest.fixture
def target(tmp_path):
    """Another jobcenter with its own partners, two clinics among them."""
    folder = tmp_path / "andere"
    folder.mkdir()
    (folder / "deployment.toml").write_text(ALL_PLUGINS_CONFIG, encoding="utf-8")
    with scratch_database(tmp_path, "andere") as url:
        deployment = load(folder, database_url=url)
        migrate_deployment(deployment)
        with deployment.transaction() as session:
            session.add_all(
                [
                    Partner(key="jc-andere", name="Jobcenter Anderswo", kind="jobcenter"),
                    Partner(key="drobs", name="Drogenberatung", kind="addiction_counselling"),
                    Partner(key="klinik-nord", name="Klinik Nord", kind="clinic"),
                    Partner(key="klinik-sued", name="Klinik Süd", kind="clinic"),
                ]
            )
        yield deployment
        deployment.dispose()


def test_a_template_moves_a_chain_and_a_circle_to_another_jobcenter(source, target, tmp_path):
    runner = CliRunner(env={"DATABASE_URL": source.database_url})
    file = tmp_path / "vorlage.toml"
    answer = runner.invoke(cli, ["template", "export", str(source.folder), "-o", str(file)])
    runner = CliRunner(env={"DATABASE_URL": target.database_url})
    assert answer.exit_code == 0, answer.output
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    (chain,) = data["chains"]
    assert [step["partner_kind"] for step in chain["steps"]] == ["addiction_counselling", "clinic"]
    assert chain["steps"][1]["partner_hint"] == "Fachklinik Teststadt"
    assert "partner_id" not in file.read_text(encoding="utf-8")

    refused = runner.invoke(cli, ["template", "import", str(target.folder), str(file)])
    assert refused.exit_code == 1
    assert "2 partners of kind 'clinic' (klinik-nord, klinik-sued)" in refused.output
    assert "--partner clinic=KEY" in refused.output
    with target.session() as session:
        assert session.scalar(sa.select(sa.func.count(ServiceChain.id))) == 0

    args = ["template", "import", str(target.folder), str(file), "--partner", "clinic=klinik-sued"]
    answer = runner.invoke(cli, args)
    assert answer.exit_code == 0, answer.output
    with target.session() as session:
        keys = dict(session.execute(sa.select(Partner.id, Partner.key)).all())
        steps = session.scalars(sa.select(ChainStep).order_by(ChainStep.position)).all()
        assert [(keys[s.partner_id], s.legal_domain, s.max_wait_days) for s in steps] == [
            ("drobs", "SGB II", 14),
            ("klinik-sued", "SGB V", None),
        ]
        circle = session.scalar(sa.select(Circle))
        members = session.scalars(sa.select(CirclePartner.partner_id)).all()
        assert keys[circle.lead_partner_id] == "jc-andere"
        assert sorted(keys[m] for m in members) == ["drobs", "jc-andere", "klinik-sued"]

    again = runner.invoke(cli, args)
    assert again.exit_code == 1 and "exists already" in again.output


def test_a_broken_template_names_what_is_wrong(target, tmp_path):
    file = tmp_path / "kaputt.toml"
    file.write_text('format = 1\n[[chains]]\nkey = "k"\nname = 3\n', encoding="utf-8")
    runner = CliRunner(env={"DATABASE_URL": target.database_url})
    answer = runner.invoke(cli, ["template", "import", str(target.folder), str(file)])
    assert answer.exit_code == 1
    assert "chains[0].name" in answer.output and "chains[0].target_group" in answer.output
