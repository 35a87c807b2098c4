"""Charts as SVG drawn on the server: no script, readable by a screen reader through the
table beside each chart."""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from netzwerker.domain.network.services import NetworkMap

WIDTH = 640
HEIGHT = 200
MARGIN_LEFT = 48
MARGIN_BOTTOM = 28
MARGIN_TOP = 12


@attrs.frozen
class Bar:
    label: str
    value: float | None
    x: float
    y: float
    width: float
    height: float


@attrs.frozen
class BarChart:
    """Bars of one series over time, the scale's ticks and, where there is one, the target."""

    bars: list[Bar]
    ticks: list[tuple[float, float]]  # (value, y)
    target_y: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    bottom: float = HEIGHT - MARGIN_BOTTOM


def _nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def bar_chart(points: Sequence[tuple[str, float | None]], target: float | None = None) -> BarChart:
    values = [value for _, value in points if value is not None]
    top = _nice_top(max([*values, target or 0, 0]))
    plot_height = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    bottom = HEIGHT - MARGIN_BOTTOM
    slot = (WIDTH - MARGIN_LEFT) / max(len(points), 1)

    def y_of(value: float) -> float:
        return round(bottom - plot_height * value / top, 1)

    bars = [
        Bar(
            label,
            value,
            round(MARGIN_LEFT + index * slot + slot * 0.15, 1),
            y_of(value or 0),
            round(slot * 0.7, 1),
            round(bottom - y_of(value or 0), 1),
        )
        for index, (label, value) in enumerate(points)
    ]
    ticks = [(top * share, y_of(top * share)) for share in (0, 0.5, 1)]
    return BarChart(bars, ticks, y_of(target) if target is not None else None)


# The network as a picture ------------------------------------------------------------------

#: Room for a partner's name outside the ring.
LABEL_ROOM = 190
#: Arc length a partner's name needs on the ring.
LABEL_PITCH = 15.0
#: A connector's name: the characters shown, and the room a line of them takes (11 px type).
CONNECTOR_LABEL = 32
LINE_HEIGHT = 16.0
CHARACTER_WIDTH = 6.2
#: Up to this size the picture is scaled to the page; a larger one is drawn at full size in a
#: box of its own that scrolls, since scaled down its names could not be read.
FIT_SIZE = 1200


@attrs.frozen
class Node:
    kind: str  # partner, circle, project, chain
    label: str
    href: str | None
    x: float
    y: float
    #: Where the label goes: its rotation and anchor, so names on a ring read outwards.
    rotate: float = 0.0
    anchor: str = "start"
    links: int = 0


@attrs.frozen
class Edge:
    kind: str
    x1: float
    y1: float
    x2: float
    y2: float


@attrs.frozen
class NetworkChart:
    """Partners on a ring, ordered so that those sharing a circle, project or chain sit
    together; each connector inside the ring, towards its partners, with a line to each."""

    size: int
    partners: list[Node]
    connectors: list[Node]
    edges: list[Edge]

    @property
    def natural_size(self) -> bool:
        """Whether the picture is drawn at full size rather than scaled to the page."""
        return self.size > FIT_SIZE


_HREFS = {"circle": "/circles/{id}", "project": "/projects/{id}", "chain": "/chains/{id}"}


def network_chart(network: NetworkMap) -> NetworkChart:
    order: list[int] = []
    for connector in sorted(network.connectors, key=lambda c: -len(c.partner_ids)):
        order += [pid for pid in connector.partner_ids if pid not in order]
    order += [pid for pid in network.partners if pid not in order]
    radius = max(160.0, len(order) * LABEL_PITCH / (2 * math.pi))
    centre = radius + LABEL_ROOM
    angles = {pid: 2 * math.pi * index / max(len(order), 1) for index, pid in enumerate(order)}

    def point(angle: float, distance: float) -> tuple[float, float]:
        return (
            round(centre + distance * math.sin(angle), 1),
            round(centre - distance * math.cos(angle), 1),
        )

    links = {pid: 0 for pid in order}
    for connector in network.connectors:
        for pid in connector.partner_ids:
            links[pid] += 1
    wanted = []
    for index, connector in enumerate(network.connectors):
        if connector.partner_ids:
            # The circular mean of its partners' directions; a partner in many connectors
            # (the jobcenter) pulls each of them less, so they spread around the ring.
            weights = [(angles[pid], 1 / links[pid]) for pid in connector.partner_ids]
            angle = math.atan2(
                sum(w * math.sin(a) for a, w in weights), sum(w * math.cos(a) for a, w in weights)
            )
        else:
            angle = 2 * math.pi * index / len(network.connectors)
        wanted.append(point(angle, radius * (0.25 + 0.2 * (index % 3))))
    placed = _apart(
        wanted,
        [min(len(c.name), CONNECTOR_LABEL + 1) * CHARACTER_WIDTH + 14 for c in network.connectors],
        limit=(centre - radius * 0.8, centre + radius * 0.8),
    )
    connectors, edges = [], []
    for connector, (x, y) in zip(network.connectors, placed, strict=True):
        href = _HREFS.get(connector.kind, "").format(id=connector.id) or None
        connectors.append(
            Node(connector.kind, connector.name, href, x, y, links=len(connector.partner_ids))
        )
        for pid in connector.partner_ids:
            px, py = point(angles[pid], radius)
            edges.append(Edge(connector.kind, x, y, px, py))
    partners = []
    for pid in order:
        key, name, _ = network.partners[pid]
        angle = angles[pid]
        x, y = point(angle, radius)
        degrees = math.degrees(angle) - 90
        left = math.sin(angle) < 0
        partners.append(
            Node(
                "partner",
                name,
                f"/partners/{key}",
                x,
                y,
                rotate=round(degrees + 180 if left else degrees, 1),
                anchor="end" if left else "start",
                links=links[pid],
            )
        )
    return NetworkChart(round(2 * centre), partners, connectors, edges)


def _apart(
    wanted: list[tuple[float, float]], widths: list[float], limit: tuple[float, float]
) -> list[tuple[float, float]]:
    """Each connector near where it wants to be, its name clear of the names placed before:
    one that would overlap moves down (or, at the bottom of ``limit``, up) a line at a time.
    The marker starts 7 px left of the point and the name ends ``width`` right of it."""
    placed: list[tuple[float, float, float]] = []

    def clear(x: float, y: float, width: float) -> bool:
        return all(
            abs(y - other_y) >= LINE_HEIGHT
            or x + width <= other_x - 7
            or other_x + other_w <= x - 7
            for other_x, other_y, other_w in placed
        )

    for (x, y), width in zip(wanted, widths, strict=True):
        step, tries = LINE_HEIGHT, 0
        while not clear(x, y, width) and tries < 400:
            y += step
            if y > limit[1]:
                y, step = limit[1], -LINE_HEIGHT
            elif y < limit[0]:
                x, y, step = x + 40, limit[0], LINE_HEIGHT  # a full column: the next one
            tries += 1
        placed.append((x, y, width))
    return [(round(x, 1), round(y, 1)) for x, y, _ in placed]
