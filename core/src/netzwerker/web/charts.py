"""Charts as SVG drawn on the server: no script, readable by a screen reader through the
table beside each chart."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

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
