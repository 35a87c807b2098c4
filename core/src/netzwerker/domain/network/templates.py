"""Network templates: service chains and circles one jobcenter built, for another to start from.

The NRW programme carried the production-network approach from one jobcenter to all of its
jobcenters. A template holds a deployment's chains and circles without its partners: each
step and each circle names the *kind* of partner it needs (and, as a hint, the source's
partner). Importing resolves every kind to a partner of the target deployment — the only
active one of that kind, or the one the importer names — and writes all of it or nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
import tomli_w
from sqlmodel import Session, col

from netzwerker.datafiles import load_sections
from netzwerker.deployment import Deployment
from netzwerker.domain.chains.models import ChainStep, ServiceChain
from netzwerker.domain.circles.models import Circle, CirclePartner
from netzwerker.domain.partners.models import Partner
from netzwerker.domain.users.permissions import Actor
from netzwerker.errors import InvalidInput, Problem
from netzwerker.structuring import make_converter, structure

FORMAT = 1


@attrs.frozen
class StepTemplate:
    title: str
    legal_domain: str
    partner_kind: str
    partner_hint: str = ""
    handover_criteria: str = ""
    max_wait_days: int | None = None


@attrs.frozen
class ChainTemplate:
    key: str
    name: str
    target_group: str
    working_field: str | None = None
    description: str = ""
    steps: list[StepTemplate] = attrs.Factory(list)


@attrs.frozen
class CircleTemplate:
    key: str
    name: str
    working_field: str | None = None
    description: str = ""
    lead_kind: str | None = None
    partner_kinds: list[str] = attrs.Factory(list)


@attrs.frozen
class NetworkTemplate:
    format: int
    source: str = ""
    exported_on: date | None = None
    chains: list[ChainTemplate] = attrs.Factory(list)
    circles: list[CircleTemplate] = attrs.Factory(list)


def _chosen(session: Session, model: Any, keys: Sequence[str]) -> list[Any]:
    query = sa.select(model).where(model.active).order_by(model.key)
    if keys:
        query = sa.select(model).where(model.key.in_(keys)).order_by(model.key)
    found = list(session.scalars(query))
    missing = sorted(set(keys) - {item.key for item in found})
    if missing:
        raise InvalidInput([Problem(model.__tablename__, f"no {key!r}") for key in missing])
    return found


def export_template(
    session: Session,
    *,
    source: str,
    today: date,
    chains: Sequence[str] = (),
    circles: Sequence[str] = (),
) -> NetworkTemplate:
    """The chains and circles asked for (by default every active one) as a template."""
    partners = {
        ident: (name, kind)
        for ident, name, kind in session.execute(
            sa.select(col(Partner.id), col(Partner.name), col(Partner.kind))
        )
    }
    chain_templates = []
    for chain in _chosen(session, ServiceChain, chains):
        steps = session.scalars(
            sa.select(ChainStep)
            .where(col(ChainStep.chain_id) == chain.id)
            .order_by(col(ChainStep.position))
        )
        chain_templates.append(
            ChainTemplate(
                key=chain.key,
                name=chain.name,
                target_group=chain.target_group,
                working_field=chain.working_field,
                description=chain.description,
                steps=[
                    StepTemplate(
                        title=step.title,
                        legal_domain=step.legal_domain,
                        partner_kind=partners[step.partner_id][1],
                        partner_hint=partners[step.partner_id][0],
                        handover_criteria=step.handover_criteria,
                        max_wait_days=step.max_wait_days,
                    )
                    for step in steps
                ],
            )
        )
    circle_templates = []
    for circle in _chosen(session, Circle, circles):
        member_ids = session.scalars(
            sa.select(col(CirclePartner.partner_id)).where(
                col(CirclePartner.circle_id) == circle.id
            )
        )
        circle_templates.append(
            CircleTemplate(
                key=circle.key,
                name=circle.name,
                working_field=circle.working_field,
                description=circle.description,
                lead_kind=partners[circle.lead_partner_id][1] if circle.lead_partner_id else None,
                partner_kinds=sorted({partners[pid][1] for pid in member_ids}),
            )
        )
    return NetworkTemplate(FORMAT, source, today, chain_templates, circle_templates)


def _without_none(value: Any) -> Any:
    """TOML has no null: leave out what is not set."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    return value


def write_template(template: NetworkTemplate, target: Path) -> None:
    data = _without_none(attrs.asdict(template))
    target.write_text(tomli_w.dumps(data), encoding="utf-8")


def read_template(path: Path) -> NetworkTemplate:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput([Problem(path.name, f"not a readable template: {exc}")]) from None
    template = structure(make_converter(), data, NetworkTemplate)
    if template.format != FORMAT:
        raise InvalidInput([Problem("format", f"template format {template.format}, expected 1")])
    return template


def _resolver(
    session: Session, mapping: Mapping[str, str]
) -> tuple[dict[str, list[str]], list[Problem]]:
    """The keys of the active partners by kind, and problems with the partners the importer
    named for kinds."""
    by_kind: dict[str, list[str]] = {}
    for key, kind in session.execute(
        sa.select(col(Partner.key), col(Partner.kind))
        .where(col(Partner.active))
        .order_by(col(Partner.key))
    ):
        by_kind.setdefault(kind, []).append(key)
    active = {key for keys in by_kind.values() for key in keys}
    problems = [
        Problem(f"--partner {kind}={key}", f"no active partner {key!r}")
        for kind, key in mapping.items()
        if key not in active
    ]
    return by_kind, problems


def import_template(
    session: Session,
    deployment: Deployment,
    template: NetworkTemplate,
    *,
    actor: Actor,
    partners: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Create the template's chains and circles in this deployment, all or nothing: each
    kind is resolved to a partner here, then the chains and circles are loaded as a network
    data file's sections would be. ``partners`` names the partner (by key) for a kind where
    this deployment has several. Returns how many chains and circles were made."""
    named = dict(partners or {})
    by_kind, problems = _resolver(session, named)

    def one(kind: str, path: str) -> str | None:
        if kind in named:
            return named[kind]
        candidates = by_kind.get(kind, [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            problems.append(Problem(path, f"no active partner of kind {kind!r}"))
        else:
            problems.append(
                Problem(
                    path,
                    f"{len(candidates)} partners of kind {kind!r} ({', '.join(candidates)}): "
                    f"choose one with --partner {kind}=KEY",
                )
            )
        return None

    def every(kinds: Iterable[str]) -> list[str]:
        return [
            key
            for kind in kinds
            for key in ([named[kind]] if kind in named else by_kind.get(kind, []))
        ]

    chains = []
    for index, chain in enumerate(template.chains):
        entry = attrs.asdict(chain)
        entry["steps"] = [
            {
                "title": step.title,
                "legal_domain": step.legal_domain,
                "partner": one(
                    step.partner_kind, f"chains[{index}].steps[{position}].partner_kind"
                ),
                "handover_criteria": step.handover_criteria,
                "max_wait_days": step.max_wait_days,
            }
            for position, step in enumerate(chain.steps)
        ]
        chains.append(entry)
    circles = []
    for index, circle in enumerate(template.circles):
        entry = {
            k: v for k, v in attrs.asdict(circle).items() if k not in ("lead_kind", "partner_kinds")
        }
        if circle.lead_kind:
            entry["lead"] = one(circle.lead_kind, f"circles[{index}].lead_kind")
        entry["partners"] = every(circle.partner_kinds)
        circles.append(entry)
    if problems:
        raise InvalidInput(problems)
    return load_sections(session, deployment, {"chains": chains, "circles": circles}, actor=actor)
