"""The pseudonymised export for a scientific evaluation (as ANNA's and Leverkusen's had).

It holds no direct identifiers and no free text: no names, addresses or identity data, no
pseudonym the jobcenter uses (each case gets a research id, a keyed hash that only this
export's key links back), no notes, messages, reasons or outcomes, and dates coarsened to the
month, with durations in days. Partners are organisations and keep their key and kind, so
the evaluation can follow a service chain across them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.contributions import Period
from netzwerker.domain.cases.models import Case, CaseTargetGroup, CaseWorker, Consent, Referral
from netzwerker.domain.chains.models import ChainInstance, ServiceChain
from netzwerker.domain.partners.models import Partner, Person
from netzwerker.measuring import within

#: Every file and column of the export, with what it means: written into its README.md.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "cases.csv": [
        ("research_id", "the case's research id (a keyed hash; the same case, same id)"),
        ("kind", "person or household (Bedarfsgemeinschaft)"),
        ("working_field", "the working field's key, empty if none"),
        ("target_groups", "the case's target groups, separated by '|'"),
        ("opened_month", "month the case was opened (YYYY-MM)"),
        ("closed_month", "month it was closed (YYYY-MM), empty while open"),
        ("days_open", "days from opening to closing, or to the export's last day"),
        ("workers", "coaches or scouts who have worked on the case"),
        ("consents", "consents the person gave"),
        ("consents_revoked", "of those, revoked"),
    ],
    "referrals.csv": [
        ("research_id", "the referred case's research id"),
        ("from_partner", "key of the referring partner"),
        ("from_kind", "kind of the referring partner"),
        ("to_partner", "key of the receiving partner"),
        ("to_kind", "kind of the receiving partner"),
        ("chain", "key of the service chain the referral follows, empty if none"),
        ("step", "the chain's step the referral enters, empty if none"),
        ("data_categories", "categories of data passed on, separated by '|'"),
        ("sent_month", "month the referral was sent (YYYY-MM)"),
        ("status", "sent, accepted, first_contact, closed, declined or withdrawn"),
        ("days_to_accept", "days from sending to acceptance, empty if not accepted"),
        ("days_to_first_contact", "days from sending to the first contact, empty if none"),
        ("days_to_close", "days from sending to closing, empty if not closed"),
    ],
}


def research_id(key: bytes, case_id: int) -> str:
    return hmac.new(key, str(case_id).encode(), hashlib.sha256).hexdigest()[:16]


def _month(value: date | datetime | None) -> str:
    return "" if value is None else f"{value.year:04d}-{value.month:02d}"


def _days(start: datetime, end: datetime | None) -> int | str:
    return "" if end is None else (end - start).days


def _csv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _case_rows(session: Session, key: bytes, period: Period) -> list[list[Any]]:
    groups: dict[int, list[str]] = {}
    for case_id, group in session.execute(
        sa.select(col(CaseTargetGroup.case_id), col(CaseTargetGroup.target_group)).order_by(
            col(CaseTargetGroup.case_id), col(CaseTargetGroup.target_group)
        )
    ):
        groups.setdefault(case_id, []).append(group)
    workers = dict(
        session.execute(
            sa.select(
                col(CaseWorker.case_id), sa.func.count(sa.distinct(col(CaseWorker.person_id)))
            )
            .join(Person, col(Person.id) == col(CaseWorker.person_id))
            .group_by(col(CaseWorker.case_id))
        ).all()
    )
    consents = {
        case_id: (given, revoked)
        for case_id, given, revoked in session.execute(
            sa.select(
                col(Consent.case_id),
                sa.func.count(col(Consent.id)),
                sa.func.count(col(Consent.revoked_on)),
            ).group_by(col(Consent.case_id))
        )
    }
    rows = []
    for case in session.scalars(
        sa.select(Case)
        .where(col(Case.opened_on) <= period.end)
        .where(sa.or_(col(Case.closed_on).is_(None), col(Case.closed_on) >= period.start))
        .order_by(col(Case.id))
    ):
        end = min(case.closed_on or period.end, period.end)
        given, revoked = consents.get(case.id, (0, 0))
        rows.append(
            [
                research_id(key, case.id),
                case.kind,
                case.working_field or "",
                "|".join(groups.get(case.id, [])),
                _month(case.opened_on),
                _month(case.closed_on),
                (end - case.opened_on).days,
                workers.get(case.id, 0),
                given,
                revoked,
            ]
        )
    return rows


def _referral_rows(session: Session, key: bytes, period: Period) -> list[list[Any]]:
    partners = {
        ident: (partner_key, kind)
        for ident, partner_key, kind in session.execute(
            sa.select(col(Partner.id), col(Partner.key), col(Partner.kind))
        )
    }
    chains = dict(
        session.execute(
            sa.select(col(ChainInstance.id), col(ServiceChain.key)).join(
                ServiceChain, col(ServiceChain.id) == col(ChainInstance.chain_id)
            )
        ).all()
    )
    rows = []
    for referral in session.scalars(
        sa.select(Referral)
        .where(within(col(Referral.sent_at), period))
        .order_by(col(Referral.sent_at), col(Referral.id))
    ):
        sent = referral.sent_at
        rows.append(
            [
                research_id(key, referral.case_id),
                *partners[referral.from_partner_id],
                *partners[referral.to_partner_id],
                chains.get(referral.chain_instance_id, ""),
                "" if referral.step is None else referral.step,
                "|".join(referral.data_categories),
                _month(sent),
                referral.status,
                _days(sent, referral.accepted_at),
                _days(sent, referral.first_contact_at),
                _days(sent, referral.closed_at),
            ]
        )
    return rows


def _readme(deployment: str, period: Period, counts: dict[str, int]) -> str:
    lines = [
        f"# Pseudonymised export: {deployment}",
        "",
        f"Cases open and referrals sent from {period.start} to {period.end}.",
        "No names, addresses, identity data, pseudonyms of the jobcenter or free text;",
        "dates as months, durations in days. A case's research id is a keyed hash: the",
        "same key links exports of different periods, a new key makes them unlinkable.",
        "",
    ]
    for name, columns in COLUMNS.items():
        lines += [f"## {name} ({counts[name]} rows)", "", "| column | meaning |", "|---|---|"]
        lines += [f"| {column} | {meaning} |" for column, meaning in columns]
        lines.append("")
    return "\n".join(lines)


def research_export(
    session: Session, target: Path, *, key: bytes, period: Period, deployment: str
) -> dict[str, int]:
    """Write the export (a zip of CSV files and their README) and return rows per file."""
    files = {
        "cases.csv": _case_rows(session, key, period),
        "referrals.csv": _referral_rows(session, key, period),
    }
    counts = {name: len(rows) for name, rows in files.items()}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            archive.writestr(name, _csv([column for column, _ in COLUMNS[name]], rows))
        archive.writestr("README.md", _readme(deployment, period, counts))
    return counts
