"""Importing the partner directory from CSV or XLSX: all rows or none.

The whole file is read and checked first; every bad row is reported with its row number (the
header is row 1, as in a spreadsheet) and field. Only a file without problems is written, in
one transaction. Partners are matched by ``key``, so importing the same file again updates
them instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NewType

import attrs
import cattrs
from sqlmodel import Session, col, delete, select

from netzwerker.clock import utcnow
from netzwerker.deployment import Registry
from netzwerker.domain.audit.services import record
from netzwerker.domain.partners.models import (
    ROMAN_BOOKS,
    LegalDomain,
    Partner,
    PartnerLegalDomain,
    PartnerWorkingField,
    Person,
)
from netzwerker.domain.users import permissions
from netzwerker.domain.users.permissions import Actor
from netzwerker.structuring import InvalidInput, Problem, make_converter, structure
from netzwerker.validators import EMAIL, RECORD_KEY

Email = NewType("Email", str)
PartnerKey = NewType("PartnerKey", str)

PARTNER_KEY = RECORD_KEY
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "wahr", "1", "x", "aktiv"}
FALSE_WORDS = {"nein", "n", "no", "false", "falsch", "0", "inaktiv"}


@attrs.frozen
class PartnerRow:
    """One row of a partner file. Lists are separated by ``;`` (or ``,`` in a ``;`` file)."""

    key: PartnerKey
    name: str
    kind: str
    legal_domains: list[LegalDomain] = attrs.Factory(list)
    working_fields: list[str] = attrs.Factory(list)
    region: str = ""
    social_area: str = ""
    email: Email | None = None
    phone: str = ""
    website: str = ""
    address: str = ""
    description: str = ""
    active: bool = True
    contact_name: str = ""
    contact_role: str = ""
    contact_email: Email | None = None
    contact_phone: str = ""


COLUMNS = tuple(field.name for field in attrs.fields(PartnerRow))
REQUIRED = tuple(field.name for field in attrs.fields(PartnerRow) if field.default is attrs.NOTHING)


def _split(value: str) -> list[str]:
    separator = ";" if ";" in value else ","
    return [part.strip() for part in value.split(separator) if part.strip()]


LEGAL_DOMAIN = re.compile(r"^(?:SGB\s*)?([IVX]+|\d+)$", re.IGNORECASE)
ARABIC = {str(number): numeral for number, numeral in enumerate(ROMAN_BOOKS[:12], start=1)} | {
    "14": "XIV"
}


def parse_legal_domain(value: str, _: type) -> LegalDomain:
    """``SGB II``, ``II``, ``sgb 2`` → ``LegalDomain.SGB_II``."""
    if not isinstance(value, str):
        raise ValueError(f"expected a legal domain such as 'SGB II', got {value!r}")
    match = LEGAL_DOMAIN.match(value.strip())
    numeral = match.group(1).upper() if match else ""
    try:
        return LegalDomain(f"SGB {ARABIC.get(numeral, numeral)}")
    except ValueError:
        known = ", ".join(domain.value for domain in LegalDomain)
        raise ValueError(f"unknown legal domain {value!r} (one of {known})") from None


def _bool(value: str, _: type) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"expected ja or nein, got {value!r}")


def parse_email(value: str, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an e-mail address, got {value!r}")
    if not EMAIL.match(value.strip()):
        raise ValueError(f"not an e-mail address: {value!r}")
    return value.strip()


#: Keys the directory's own addresses use (``/partners/new``, ``/api/partners/import``).
RESERVED_KEYS = frozenset({"new", "import"})


def parse_partner_key(value: str, _: type) -> str:
    if not isinstance(value, str) or not PARTNER_KEY.match(value):
        raise ValueError(
            f"{value!r} is not a key: lowercase letters, digits, '-' and '_' "
            "(e.g. gesundheitsamt-myk)"
        )
    if value in RESERVED_KEYS:
        raise ValueError(f"{value!r} is reserved for the directory's own pages")
    return value


def row_converter() -> cattrs.Converter:
    """The strict converter, taught to read spreadsheet cells (which are all text)."""
    converter = make_converter()
    converter.register_structure_hook(LegalDomain, parse_legal_domain)
    converter.register_structure_hook(Email, parse_email)
    converter.register_structure_hook(PartnerKey, parse_partner_key)
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook_func(
        lambda t: t == list[LegalDomain],
        lambda v, _: [parse_legal_domain(part, LegalDomain) for part in _split(v)],
    )
    converter.register_structure_hook_func(lambda t: t == list[str], lambda v, _: _split(v))
    return converter


@attrs.frozen
class Sheet:
    """The rows of a file as text cells, with the row numbers a spreadsheet would show."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_sheet(
    path: Path, columns: Sequence[str] | None = None, required: Sequence[str] = ()
) -> Sheet:
    """Read a CSV (``,`` ``;`` or tab separated, UTF-8) or the first sheet of an XLSX file;
    with ``columns``, refuse a header with unknown columns or without the ``required`` ones."""
    sheet = _read_any(path)
    if columns is None:
        return sheet
    problems = [
        Problem(f"{path.name}, column {column!r}", f"unknown column (known: {', '.join(columns)})")
        for column in sheet.header
        if column and column not in columns
    ]
    problems.extend(
        Problem(path.name, f"missing column {column!r}")
        for column in required
        if column not in sheet.header
    )
    if problems:
        raise InvalidInput(problems)
    return sheet


def _read_any(path: Path) -> Sheet:
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise InvalidInput([Problem(path.name, "expected a .csv or .xlsx file")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput([Problem(path.name, f"not UTF-8 text ({exc.reason})")]) from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return _sheet(path, ((number, row) for number, row in enumerate(reader, start=1)))


def _read_xlsx(path: Path) -> Sheet:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput([Problem(path.name, f"not a readable XLSX file: {exc}")]) from None
    try:
        sheet = workbook.worksheets[0]
        rows = (
            (number, ["" if cell is None else _cell_text(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _sheet(path, rows)
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(path: Path, numbered: Iterator[tuple[int, list[str]]]) -> Sheet:
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in numbered:
        if header is None:
            header = [cell.strip() for cell in cells]
            continue
        if not any(cell.strip() for cell in cells):
            continue  # blank lines carry nothing
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise InvalidInput(
                [
                    Problem(
                        f"{path.name}, row {number}",
                        f"{len(cells)} cells, but {len(header)} columns",
                    )
                ]
            )
        rows.append((number, dict(zip(header, cells, strict=False))))
    if header is None:
        raise InvalidInput([Problem(path.name, "the file is empty")])
    return Sheet(header, rows)


def parse_partner_upload(
    file_name: str, content: bytes, registry: Registry
) -> list[tuple[int, PartnerRow]]:
    """:func:`parse_partners` for a file's ``content`` sent under ``file_name`` (its suffix
    tells CSV from XLSX)."""
    name = Path(file_name or "upload.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return parse_partners(path, registry)


def parse_partners(path: Path, registry: Registry) -> list[tuple[int, PartnerRow]]:
    """Every row of a partner file, checked; raises InvalidInput with every bad row."""
    sheet = read_sheet(path, COLUMNS, REQUIRED)
    problems: list[Problem] = []
    converter = row_converter()
    parsed: list[tuple[int, PartnerRow]] = []
    first_row_of: dict[str, int] = {}
    for number, cells in sheet.rows:
        present = {k: v.strip() for k, v in cells.items() if k in COLUMNS and v and v.strip()}
        try:
            row = structure(converter, present, PartnerRow)
        except InvalidInput as exc:
            row_problems = [Problem(p.path, _in_cells(p.message)) for p in exc.problems]
        else:
            row_problems = reference_problems(row.kind, row.working_fields, registry)
            if not row.contact_name and (
                row.contact_email or row.contact_phone or row.contact_role
            ):
                row_problems.append(
                    Problem("contact_name", "required when other contact columns are given")
                )
            if row.key in first_row_of:
                row_problems.append(
                    Problem("key", f"{row.key!r} already used in row {first_row_of[row.key]}")
                )
            first_row_of.setdefault(row.key, number)
            parsed.append((number, row))
        problems.extend(
            Problem(f"{path.name}, row {number}, {p.path}", p.message) for p in row_problems
        )
    if problems:
        raise InvalidInput(problems)
    return parsed


def _in_cells(message: str) -> str:
    """Empty cells are left out before structuring: a missing value is an empty cell."""
    return "required, but empty" if message == "required, but missing" else message


def reference_problems(
    kind: str, working_fields: Iterable[str], registry: Registry
) -> list[Problem]:
    """The partner kind and the working fields must be known to the deployment."""
    problems = []
    if kind not in registry.partner_kinds:
        known = ", ".join(sorted(registry.partner_kinds))
        problems.append(Problem("kind", f"unknown partner kind {kind!r} (known: {known})"))
    for field in working_fields:
        if field not in registry.working_fields:
            known = ", ".join(sorted(registry.working_fields))
            problems.append(
                Problem("working_fields", f"unknown working field {field!r} (known: {known})")
            )
    return problems


@attrs.frozen
class ImportResult:
    created: int
    updated: int


def import_partners(
    session: Session,
    rows: list[tuple[int, PartnerRow]],
    progress: Callable[[int], object] | None = None,
    *,
    actor: Actor,
    file: str = "",
) -> ImportResult:
    """Write checked rows: create new partners, update existing ones (matched by key)
    (``partner.import``).

    One audit-log entry names who imported which file and what it did.
    """
    permissions.authorize(actor, permissions.PARTNER_IMPORT)
    existing = {
        partner.key: partner
        for partner in session.exec(
            select(Partner).where(col(Partner.key).in_([row.key for _, row in rows]))
        )
    }
    created = updated = 0
    now = utcnow()
    for _, row in rows:
        partner = existing.get(row.key)
        if partner is None:
            partner = Partner(key=row.key, name=row.name, kind=row.kind, created_at=now)
            session.add(partner)
            created += 1
        else:
            updated += 1
        _fill(partner, row)
        partner.updated_at = now
        session.flush()
        replace_lists(session, partner, row.legal_domains, row.working_fields)
        if row.contact_name:
            _upsert_contact(session, partner, row)
        if progress is not None:
            progress(1)
    record(
        session,
        actor=actor.username,
        action="partner.import",
        object_type="partner",
        changes={"file": file, "created": created, "updated": updated},
    )
    session.flush()
    return ImportResult(created, updated)


@attrs.frozen
class PreviewLine:
    """What importing one row would do: add a partner, change the ``changes`` named
    (column names of the file), or nothing."""

    row: int
    key: str
    name: str
    action: str  # "create", "update" or "keep"
    changes: tuple[str, ...] = ()


def preview_partners(
    session: Session, rows: list[tuple[int, PartnerRow]], *, actor: Actor
) -> list[PreviewLine]:
    """What :func:`import_partners` would do with checked rows, writing nothing
    (``partner.import``)."""
    permissions.authorize(actor, permissions.PARTNER_IMPORT)
    keys = [row.key for _, row in rows]
    existing = {
        partner.key: partner
        for partner in session.exec(select(Partner).where(col(Partner.key).in_(keys)))
    }
    lists = partner_lists(session, [partner.id for partner in existing.values()])
    contacts = {
        (person.partner_id, person.name): person
        for person in session.exec(
            select(Person).where(
                col(Person.partner_id).in_([partner.id for partner in existing.values()])
            )
        )
    }
    lines = []
    for number, row in rows:
        partner = existing.get(row.key)
        if partner is None:
            lines.append(PreviewLine(number, row.key, row.name, "create"))
            continue
        now = {name: getattr(partner, name) for name in FILLED}
        now["email"] = partner.email or None
        now.update(lists[partner.id])
        new = {name: getattr(row, name) for name in (*FILLED, "legal_domains", "working_fields")}
        new["email"] = row.email or None
        new["legal_domains"] = sorted(LegalDomain(domain).value for domain in row.legal_domains)
        new["working_fields"] = sorted(dict.fromkeys(row.working_fields))
        now["legal_domains"] = sorted(now["legal_domains"])
        now["working_fields"] = sorted(now["working_fields"])
        changes = [name for name in new if new[name] != now[name]]
        if row.contact_name:
            person = contacts.get((partner.id, row.contact_name))
            contact = (row.contact_role, row.contact_email or "", row.contact_phone)
            if person is None or (person.role, person.email, person.phone) != contact:
                changes.append("contact_name")
        action = "update" if changes else "keep"
        lines.append(PreviewLine(number, row.key, row.name, action, tuple(changes)))
    return lines


#: The columns of a partner a row sets as they are.
FILLED = (
    "name",
    "kind",
    "region",
    "social_area",
    "phone",
    "website",
    "address",
    "description",
    "active",
)


def _fill(partner: Partner, row: PartnerRow) -> None:
    for name in FILLED:
        setattr(partner, name, getattr(row, name))
    partner.email = row.email or ""


def partner_lists(session: Session, partner_ids: Sequence[int]) -> dict[int, dict[str, list[str]]]:
    """Legal domains and working fields of the given partners: two queries."""
    lists: dict[int, dict[str, list[str]]] = defaultdict(
        lambda: {"legal_domains": [], "working_fields": []}
    )
    if partner_ids:
        for partner_id, domain in session.exec(
            select(PartnerLegalDomain.partner_id, PartnerLegalDomain.legal_domain)
            .where(PartnerLegalDomain.partner_id.in_(partner_ids))  # type: ignore[attr-defined]
            .order_by(PartnerLegalDomain.legal_domain)
        ):
            lists[partner_id]["legal_domains"].append(domain)
        for partner_id, field in session.exec(
            select(PartnerWorkingField.partner_id, PartnerWorkingField.working_field)
            .where(PartnerWorkingField.partner_id.in_(partner_ids))  # type: ignore[attr-defined]
            .order_by(PartnerWorkingField.working_field)
        ):
            lists[partner_id]["working_fields"].append(field)
    return {partner_id: lists[partner_id] for partner_id in partner_ids}


def replace_lists(
    session: Session,
    partner: Partner,
    legal_domains: Iterable[LegalDomain | str],
    working_fields: Iterable[str],
) -> None:
    """Set a partner's legal domains and working fields."""
    session.exec(delete(PartnerLegalDomain).where(col(PartnerLegalDomain.partner_id) == partner.id))
    session.exec(
        delete(PartnerWorkingField).where(col(PartnerWorkingField.partner_id) == partner.id)
    )
    for domain in dict.fromkeys(legal_domains):
        session.add(
            PartnerLegalDomain(partner_id=partner.id, legal_domain=LegalDomain(domain).value)
        )
    for field in dict.fromkeys(working_fields):
        session.add(PartnerWorkingField(partner_id=partner.id, working_field=field))


def _upsert_contact(session: Session, partner: Partner, row: PartnerRow) -> None:
    person = session.exec(
        select(Person).where(Person.partner_id == partner.id, Person.name == row.contact_name)
    ).first()
    if person is None:
        person = Person(partner_id=partner.id, name=row.contact_name)
        session.add(person)
    person.role = row.contact_role
    person.email = row.contact_email or ""
    person.phone = row.contact_phone
