"""What every benchmark shares: timing helpers and the result record."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass
from time import perf_counter
from typing import Any


@dataclass
class Result:
    """One metric. `target_kind` says what the target bounds: the value ("max"), the ratio to
    the baseline ("ratio"), or nothing ("info": reported only)."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    target: float | None = None
    target_kind: str = "max"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return round(self.value / self.baseline, 2)  # type: ignore[operator]

    @property
    def met(self) -> bool | None:
        if self.target is None or self.target_kind == "info":
            return None
        if self.target_kind == "ratio":
            return self.ratio is not None and self.ratio <= self.target
        if self.target_kind == "equal":
            return self.value == self.target
        return self.value <= self.target

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio, "met": self.met}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(len(ordered) * 0.95) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(work: Callable[[], object], repeat: int) -> list[float]:
    """Seconds per call of `work`, `repeat` times."""
    times = []
    for _ in range(repeat):
        started = perf_counter()
        work()
        times.append(perf_counter() - started)
    return times
