"""The pseudonymised export for a scientific evaluation: no identifiers, documented columns."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from click.testing import CliRunner

from netzwerker.cli import cli
from netzwerker.domain.cases.research import COLUMNS
from netzwerker.domain.users.permissions import Actor
from netzwerker.testing import ALL_PLUGINS_CONFIG, web_network


@pytest.fixture
def deployment(make_deployment):
    """A case with identity data, a consent, and a referral with a message and an outcome."""
    from netzwerker.domain.cases import services as cases
    from netzwerker.domain.cases.referrals import (
        ReferralDraft,
        ReferralMove,
        move_referral,
        send_referral,
    )

    deployment = make_deployment(toml=ALL_PLUGINS_CONFIG, migrate=True)
    network, *_ = web_network(deployment)
    today = deployment.today()
    with deployment.transaction() as session:
        case = cases.create_case(
            session,
            cases.CaseDraft(
                pseudonym="BG-4711", target_groups=["Alleinerziehende"], note="Frau M., Kita"
            ),
            today=today,
            actor=Actor.operator("test"),
        )
        cases.set_identity(
            session,
            case.id,
            cases.IdentityDraft(name="Maria Muster", address="Hauptstraße 1", phone="0261 123"),
            actor=Actor.operator("test"),
            readers=deployment.config.privacy.identity_readers,
        )
        cases.give_consent(
            session,
            case.id,
            cases.ConsentDraft(network.clinic.id, "Reha"),
            today=today,
            actor=Actor.operator("t"),
        )
        referral = send_referral(
            session,
            ReferralDraft(
                case.id, network.counselling.id, network.clinic.id, message="Maria Muster ruft an"
            ),
            today=today,
            actor=Actor.operator("test"),
        )
        move_referral(
            session, referral.id, "accept", ReferralMove(), today=today, actor=Actor.operator("t")
        )
    return deployment


def read(archive_path) -> dict[str, str]:
    with zipfile.ZipFile(archive_path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_export_holds_no_identifier_and_documents_every_column(deployment, tmp_path):
    target = tmp_path / "export.zip"
    answer = CliRunner().invoke(cli, ["research-export", str(deployment.folder), "-o", str(target)])
    assert answer.exit_code == 0, answer.output
    files = read(target)
    everything = "\n".join(files.values())
    for secret in ("BG-4711", "Maria", "Muster", "Hauptstraße", "0261", "Frau M.", "ruft an"):
        assert secret not in everything
    cases = list(csv.DictReader(io.StringIO(files["cases.csv"])))
    referrals = list(csv.DictReader(io.StringIO(files["referrals.csv"])))
    assert len(cases) == 1 and len(referrals) == 1
    assert cases[0]["target_groups"] == "Alleinerziehende" and cases[0]["consents"] == "1"
    assert referrals[0]["research_id"] == cases[0]["research_id"]
    assert (referrals[0]["to_partner"], referrals[0]["status"]) == ("klinik", "accepted")
    assert referrals[0]["days_to_accept"] == "0"
    for name, columns in COLUMNS.items():
        assert next(csv.reader(io.StringIO(files[name]))) == [c for c, _ in columns]
        for column, _ in columns:
            assert f"| {column} |" in files["README.md"]


def test_a_key_links_exports_and_no_key_makes_them_unlinkable(deployment, tmp_path):
    runner = CliRunner()
    key = tmp_path / "research.key"

    def research_ids(*options: str) -> list[str]:
        target = tmp_path / "export.zip"
        args = ["research-export", str(deployment.folder), "-o", str(target), *options]
        answer = runner.invoke(cli, args)
        assert answer.exit_code == 0, answer.output
        rows = csv.DictReader(io.StringIO(read(target)["cases.csv"]))
        return [row["research_id"] for row in rows]

    first = research_ids("--key-file", str(key))
    assert key.exists() and research_ids("--key-file", str(key)) == first
    assert research_ids() != first
