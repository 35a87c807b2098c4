"""Figures of a run: requests per second and latency percentiles, in milliseconds."""

from __future__ import annotations

import attrs


@attrs.frozen
class Figures:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    #: Answers that were not 2xx, and broken connections (both must be 0 for a valid run).
    failures: int = 0


def percentile(sorted_values: list[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    index = max(0, min(len(sorted_values) - 1, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def figures(latencies: list[float], elapsed: float) -> Figures:
    """From latencies in seconds, measured one after another over ``elapsed`` seconds."""
    ordered = sorted(latencies)
    return Figures(
        requests=len(ordered),
        rps=round(len(ordered) / elapsed, 1),
        p50_ms=round(percentile(ordered, 0.50) * 1000, 3),
        p99_ms=round(percentile(ordered, 0.99) * 1000, 3),
    )
