"""What the importers hand to the bulk writer: plain incident records with their timeline events,
and the rows they had to reject. Independent of the file format they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# SLA deadlines are computed forward from an imported incident's dates (days ahead, plus the
# time it spent on hold), so a date near the end of the calendar cannot be stored: reject it.
# No real history lies this far ahead; it is a typo or a placeholder such as 31/12/9999.
LAST_YEAR = 2999


def check_plausible(moment: datetime, column: str) -> datetime:
    """`moment`, or a ValueError (its row is rejected) when it lies after LAST_YEAR."""
    if moment.year > LAST_YEAR:
        raise ValueError(f"{column} {moment:%Y-%m-%d} is after the year {LAST_YEAR}")
    return moment


@dataclass(frozen=True, slots=True)
class ImportedEvent:
    at: datetime
    kind: str  # created | status | assigned | priority (the timeline's own kinds)
    summary: str
    details: dict[str, object]


@dataclass(slots=True)
class ImportedIncident:
    """One incident as the source system last saw it, plus what happened to it on the way."""

    number: str
    title: str
    opened_at: datetime
    updated_at: datetime
    impact: int
    urgency: int
    priority: int | None  # None: derive it from the matrix
    status: str
    hold_reason: str | None = None
    category: str | None = None
    channel: str = "phone"
    team: str | None = None
    agent: str | None = None
    caller: str | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    on_hold_since: datetime | None = None
    paused_seconds: int = 0
    resolution: str = ""
    events: list[ImportedEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int  # the physical line in the file (the header is line 1)
    reason: str

    def __post_init__(self) -> None:
        # Reasons quote the file's own text; a line break or control character in it would
        # break the one-line-per-row listing, so such characters are shown escaped.
        if not self.reason.isprintable():
            shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.reason)
            object.__setattr__(self, "reason", shown)

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"
