"""What the importers hand to the bulk writer: plain incident records with their timeline events,
and the rows they had to reject. Independent of the file format they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

# SLA deadlines are computed forward from an imported incident's dates (days ahead, plus the
# time it spent on hold), so a date near the end of the calendar cannot be stored: reject it.
# No real history lies this far ahead; it is a typo or a placeholder such as 31/12/9999.
LAST_YEAR = 2999


# Column sizes in the database (app/db/models.py): the readers refuse a longer number, and free
# text is cut to size here, so the writer looks teams and callers up by the text it stored.
NUMBER_MAX = 20
_TEXT_MAX = {"title": 300, "category": 120, "team": 120, "agent": 200, "caller": 120}
PAUSED_MAX = 2**31 - 1  # an INTEGER column: longer than 68 years on hold is not history


def check_cells(values: list[str]) -> None:
    """A ValueError (its row is rejected) when a cell holds a NUL, which no database text
    column takes (PostgreSQL refuses it) and which only a damaged file contains."""
    if "\x00" in "".join(values):  # one scan in C, not one per cell
        raise ValueError("holds a NUL character: the file may be damaged")


def check_plausible(moment: datetime, column: str) -> datetime:
    """`moment`, or a ValueError (its row is rejected) when it lies after LAST_YEAR."""
    if moment.year > LAST_YEAR:
        raise ValueError(f"{column} {moment:%Y-%m-%d} is after the year {LAST_YEAR}")
    return moment


class ImportedEvent(NamedTuple):
    """One timeline event: a named tuple, immutable and cheap to make (a log has 150,000).
    `details` is the JSON text of an object exactly as `json.dumps` writes it, which the readers
    build from pieces kept per distinct value rather than from a dict per event."""

    at: datetime
    kind: str  # created | status | assigned | priority (the timeline's own kinds)
    summary: str
    details: str


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

    def __post_init__(self) -> None:
        for name, limit in _TEXT_MAX.items():
            value = getattr(self, name)
            if value is not None and len(value) > limit:
                setattr(self, name, value[:limit])


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
