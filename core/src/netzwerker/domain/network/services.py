"""The network as a whole: which partners the circles, projects and service chains connect."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import sqlalchemy as sa
from sqlmodel import Session, col

from netzwerker.domain.chains.models import ChainStep, ServiceChain
from netzwerker.domain.circles.models import Circle, CirclePartner
from netzwerker.domain.partners.models import Partner, PartnerWorkingField
from netzwerker.domain.projects.models import Project, ProjectPartner
from netzwerker.domain.workflows.models import WorkflowRun


@attrs.frozen
class Connector:
    """A circle, project or service chain, and the partners it brings together."""

    kind: str  # circle, project, chain
    id: int
    key: str
    name: str
    partner_ids: tuple[int, ...]


@attrs.frozen
class NetworkMap:
    """The partners (``{id: (key, name, kind)}``) and what connects them."""

    partners: dict[int, tuple[str, str, str]]
    connectors: list[Connector]

    @property
    def unconnected(self) -> list[int]:
        """Partners no circle, project or chain connects."""
        connected = {pid for connector in self.connectors for pid in connector.partner_ids}
        return [pid for pid in self.partners if pid not in connected]


def _connectors(session: Session, kind: str, query: sa.Select, links: sa.Select) -> list[Connector]:
    members: dict[int, list[int]] = {}
    for owner, partner_id in session.execute(links):
        members.setdefault(owner, []).append(partner_id)
    return [
        Connector(kind, ident, key, name, tuple(dict.fromkeys(members.get(ident, []))))
        for ident, key, name in session.execute(query)
    ]


def network_map(
    session: Session, working_field: str | None = None, kind: str | None = None
) -> NetworkMap:
    """Active partners and the active circles, projects (not ended) and service chains
    connecting them, limited to one working field if asked (partners of that field, and what
    belongs to it) and to one kind of partner (what connects them stays, with those of its
    partners shown). Four queries for partners and links, whatever the size of the network."""

    def in_field(column: Any) -> list[Any]:
        return [column == working_field] if working_field else []

    partner_query = sa.select(
        col(Partner.id), col(Partner.key), col(Partner.name), col(Partner.kind)
    ).where(col(Partner.active))
    if working_field:
        partner_query = partner_query.where(
            col(Partner.id).in_(
                sa.select(col(PartnerWorkingField.partner_id)).where(
                    col(PartnerWorkingField.working_field) == working_field
                )
            )
        )
    if kind:
        partner_query = partner_query.where(col(Partner.kind) == kind)
    partners = {
        row[0]: (row[1], row[2], row[3])
        for row in session.execute(partner_query.order_by(Partner.name))
    }
    connectors = [
        *_connectors(
            session,
            "circle",
            sa.select(col(Circle.id), col(Circle.key), col(Circle.name))
            .where(col(Circle.active), *in_field(col(Circle.working_field)))
            .order_by(col(Circle.name)),
            sa.select(col(CirclePartner.circle_id), col(CirclePartner.partner_id)),
        ),
        *_connectors(
            session,
            "project",
            sa.select(col(Project.id), col(Project.key), col(Project.title))
            .join(WorkflowRun, col(WorkflowRun.id) == col(Project.lifecycle_id))
            .where(col(WorkflowRun.state) != "ended", *in_field(col(Project.working_field)))
            .order_by(col(Project.title)),
            sa.select(col(ProjectPartner.project_id), col(ProjectPartner.partner_id)),
        ),
        *_connectors(
            session,
            "chain",
            sa.select(col(ServiceChain.id), col(ServiceChain.key), col(ServiceChain.name))
            .where(col(ServiceChain.active), *in_field(col(ServiceChain.working_field)))
            .order_by(col(ServiceChain.name)),
            sa.select(col(ChainStep.chain_id), col(ChainStep.partner_id)).order_by(
                col(ChainStep.chain_id), col(ChainStep.position)
            ),
        ),
    ]
    return NetworkMap(partners, [_within(c, partners) for c in connectors])


def _within(connector: Connector, partners: Iterable[int]) -> Connector:
    """The connector with the partners shown only (a field's picture leaves out the rest)."""
    shown = set(partners)
    return attrs.evolve(
        connector, partner_ids=tuple(pid for pid in connector.partner_ids if pid in shown)
    )
