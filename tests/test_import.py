"""Partner import from CSV and XLSX: row-precise problems, all or nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlmodel import func, select

from netzwerker.cli import cli
from netzwerker.domain.partners.importing import import_partners, parse_partners
from netzwerker.domain.partners.models import (
    Partner,
    PartnerLegalDomain,
    PartnerWorkingField,
    Person,
)
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput
from netzwerker.testing import OPERATOR

GOOD = """\
key;name;kind;legal_domains;working_fields;social_area;email;contact_name;contact_email
gesundheitsamt;Gesundheitsamt Teststadt;health_office;SGB V;health;Mitte;ga@test.example;Dr. Amt;amt@test.example
suchthilfe;Suchthilfe Teststadt;addiction_counselling;SGB II, V, 12;health, debt;Nord;;;
"""

BAD_ROW = GOOD + "klinik;Klinik;clinic;SGB II;health;Süd;keine-mail;;\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(deployment, model) -> int:
    with deployment.session() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_import_creates_partners_with_lists_and_contacts(deployment, tmp_path) -> None:
    rows = parse_partners(write(tmp_path, "partners.csv", GOOD), deployment.registry)
    with deployment.transaction() as session:
        result = import_partners(session, rows, actor=OPERATOR)
    assert (result.created, result.updated) == (2, 0)
    with deployment.session() as session:
        suchthilfe = session.exec(select(Partner).where(Partner.key == "suchthilfe")).one()
        domains = session.exec(
            select(PartnerLegalDomain.legal_domain).where(
                PartnerLegalDomain.partner_id == suchthilfe.id
            )
        ).all()
        assert sorted(domains) == ["SGB II", "SGB V", "SGB XII"]
        fields = session.exec(
            select(PartnerWorkingField.working_field).where(
                PartnerWorkingField.partner_id == suchthilfe.id
            )
        ).all()
        assert sorted(fields) == ["debt", "health"]
        assert session.exec(select(Person.name)).all() == ["Dr. Amt"]


def test_one_bad_row_writes_nothing_and_names_the_row(deployment, tmp_path) -> None:
    path = write(tmp_path, "partners.csv", BAD_ROW)
    with pytest.raises(InvalidInput) as caught:
        parse_partners(path, deployment.registry)
    assert [str(p) for p in caught.value.problems] == [
        "partners.csv, row 4, email: not an e-mail address: 'keine-mail'"
    ]
    result = CliRunner().invoke(cli, ["import", str(deployment.folder), str(path)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output
    assert "partners.csv, row 4, email: not an e-mail address" in result.output
    assert count(deployment, Partner) == 0


def test_every_bad_row_and_field_is_reported(deployment, tmp_path) -> None:
    text = GOOD + (
        "Klinik X;;klinik;SGB 7a;gardening;;;;\n"
        "gesundheitsamt;Doppelt;health_office;;;;;;x@y.example\n"
    )
    with pytest.raises(InvalidInput) as caught:
        parse_partners(write(tmp_path, "p.csv", text), deployment.registry)
    found = [str(p) for p in caught.value.problems]
    assert (
        "p.csv, row 4, key: 'Klinik X' is not a key: lowercase letters, digits, '-' and '_' (e.g. gesundheitsamt-myk)"
        in found
    )
    assert "p.csv, row 4, name: required, but empty" in found
    assert any(
        p.startswith("p.csv, row 4, legal_domains: unknown legal domain 'SGB 7a'") for p in found
    )
    assert any(
        p.startswith("p.csv, row 5, key: 'gesundheitsamt' already used in row 2") for p in found
    )
    assert any(p.startswith("p.csv, row 5, contact_name: required when") for p in found)


def test_unknown_kind_and_field(deployment, tmp_path) -> None:
    text = "key;name;kind;working_fields\nx;X;spaceport;gardening\n"
    with pytest.raises(InvalidInput) as caught:
        parse_partners(write(tmp_path, "p.csv", text), deployment.registry)
    found = [str(p) for p in caught.value.problems]
    assert found[0].startswith("p.csv, row 2, kind: unknown partner kind 'spaceport' (known: ")
    assert "health_office" in found[0]
    assert found[1].startswith("p.csv, row 2, working_fields: unknown working field 'gardening'")


def test_missing_and_unknown_columns(deployment, tmp_path) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_partners(write(tmp_path, "p.csv", "key,name,colour\nx,X,blue\n"), deployment.registry)
    assert [str(p) for p in caught.value.problems] == [
        "p.csv, column 'colour': unknown column (known: "
        + caught.value.problems[0].message.split("known: ")[1],
        "p.csv: missing column 'kind'",
    ]


def test_reimport_updates_instead_of_duplicating(deployment, tmp_path) -> None:
    path = write(tmp_path, "partners.csv", GOOD)
    for _ in range(2):
        rows = parse_partners(path, deployment.registry)
        with deployment.transaction() as session:
            import_partners(session, rows, actor=OPERATOR)
    changed = GOOD.replace("Gesundheitsamt Teststadt", "Gesundheitsamt Landkreis")
    rows = parse_partners(write(tmp_path, "partners.csv", changed), deployment.registry)
    with deployment.transaction() as session:
        result = import_partners(session, rows, actor=OPERATOR)
    assert (result.created, result.updated) == (0, 2)
    assert count(deployment, Partner) == 2
    assert count(deployment, Person) == 1
    with deployment.session() as session:
        assert (
            session.exec(select(Partner.name).where(Partner.key == "gesundheitsamt")).one()
            == "Gesundheitsamt Landkreis"
        )


def test_xlsx_import(deployment, tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["key", "name", "kind", "legal_domains", "active", "phone"])
    sheet.append(["jobcenter", "Jobcenter Teststadt", "jobcenter", "SGB II", "ja", 2613450])
    sheet.append(["alt", "Alter Träger", "other", None, "nein", None])
    path = tmp_path / "partners.xlsx"
    workbook.save(path)
    result = CliRunner().invoke(cli, ["import", str(deployment.folder), str(path)])
    assert result.exit_code == 0, result.output
    assert "2 partners created, 0 updated" in result.output
    with deployment.session() as session:
        partners = {p.key: p for p in session.exec(select(Partner))}
    assert partners["jobcenter"].phone == "2613450"
    assert partners["alt"].active is False


def test_xlsx_bad_row(deployment, tmp_path) -> None:
    workbook = Workbook()
    workbook.active.append(["key", "name", "kind", "active"])
    workbook.active.append(["a", "A", "other", "vielleicht"])
    path = tmp_path / "p.xlsx"
    workbook.save(path)
    with pytest.raises(InvalidInput) as caught:
        parse_partners(path, deployment.registry)
    assert [str(p) for p in caught.value.problems] == [
        "p.xlsx, row 2, active: expected ja or nein, got 'vielleicht'"
    ]


def test_not_a_spreadsheet(deployment, tmp_path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(InvalidInput, match=r"p\.xlsx: not a readable XLSX file"):
        parse_partners(path, deployment.registry)
    with pytest.raises(InvalidInput, match=r"p\.csv: not UTF-8 text"):
        parse_partners(_latin1(tmp_path), deployment.registry)


def _latin1(tmp_path: Path) -> Path:
    path = tmp_path / "p.csv"
    path.write_bytes("key;name;kind\nä;Ä;other\n".encode("latin-1"))
    return path


def test_import_needs_a_migrated_database(make_deployment, tmp_path) -> None:
    deployment = make_deployment()
    result = CliRunner().invoke(
        cli, ["import", str(deployment.folder), str(write(tmp_path, "p.csv", GOOD))]
    )
    assert result.exit_code == 1
    assert "is not current: run 'netzwerker migrate" in result.output


def test_an_import_is_recorded_in_the_audit_log(deployment, tmp_path) -> None:
    from netzwerker.domain.audit.services import audit_log

    rows = parse_partners(write(tmp_path, "partners.csv", GOOD), deployment.registry)
    with deployment.transaction() as session:
        import_partners(session, rows, actor=Actor.operator("sabine"), file="partners.csv")
    with deployment.session() as session:
        (entry,) = audit_log(session, actor=OPERATOR, object_type="partner")
    assert (entry.actor, entry.action) == ("sabine", "partner.import")
    assert entry.changes == {"file": "partners.csv", "created": 2, "updated": 0}


def test_an_import_tells_the_planner_what_it_wrote(deployment, tmp_path) -> None:
    """``import`` ends with ``ANALYZE``: the planner knows the rows it just wrote."""
    result = CliRunner().invoke(
        cli, ["import", str(deployment.folder), str(write(tmp_path, "p.csv", GOOD))]
    )
    assert result.exit_code == 0, result.output
    with deployment.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            known = connection.exec_driver_sql(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'partner' AND stat LIKE '2 %'"
            ).first()
        else:
            known = connection.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE relname = 'partner' AND reltuples = 2"
            ).first()
    assert known is not None
