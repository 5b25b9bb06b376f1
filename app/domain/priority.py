"""Impact, urgency and the priority matrix that derives priority from them (ITIL).

The matrix is data: the default below seeds the database, and an organisation may edit it.
Priority is never typed by a person; it is always looked up here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from app.domain.errors import RuleViolation


class Impact(IntEnum):
    HIGH = 1
    MEDIUM = 2
    LOW = 3

    @property
    def label(self) -> str:
        return f"{self.value} - {self.name.title()}"


class Urgency(IntEnum):
    HIGH = 1
    MEDIUM = 2
    LOW = 3

    @property
    def label(self) -> str:
        return f"{self.value} - {self.name.title()}"


class Priority(IntEnum):
    CRITICAL = 1
    HIGH = 2
    MODERATE = 3
    LOW = 4
    PLANNING = 5

    @property
    def label(self) -> str:
        return f"P{self.value} {self.name.title()}"

    @property
    def short(self) -> str:
        return f"P{self.value}"


DEFAULT_MATRIX: Mapping[tuple[int, int], int] = {
    (1, 1): 1,
    (1, 2): 2,
    (2, 1): 2,
    (1, 3): 3,
    (2, 2): 3,
    (3, 1): 3,
    (2, 3): 4,
    (3, 2): 4,
    (3, 3): 5,
}


@dataclass(frozen=True)
class PriorityMatrix:
    """Impact x urgency -> priority. Must cover all nine cells."""

    cells: Mapping[tuple[int, int], int] = field(default_factory=lambda: dict(DEFAULT_MATRIX))

    def __post_init__(self) -> None:
        missing = [
            (i.value, u.value)
            for i in Impact
            for u in Urgency
            if (i.value, u.value) not in self.cells
        ]
        if missing:
            raise RuleViolation(
                f"The priority matrix has no priority for impact/urgency {missing}."
            )
        bad = [p for p in self.cells.values() if p not in {p.value for p in Priority}]
        if bad:
            raise RuleViolation(f"The priority matrix holds unknown priorities {sorted(set(bad))}.")

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int]]) -> PriorityMatrix:
        return cls({(impact, urgency): priority for impact, urgency, priority in rows})

    def priority(self, impact: Impact | int, urgency: Urgency | int) -> Priority:
        return Priority(self.cells[(int(impact), int(urgency))])
