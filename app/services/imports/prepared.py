"""A batch of imported incidents made into the rows the database takes, by the reading process
(`app/services/imports/read_in_child.py`) while the writing one sends the batch before it.

The incidents' values with their SLA due times and the timeline events' rows are built here, in
the database's own form (`BulkRows.form`); what only the database knows (the ids of incidents,
teams, agents and callers) the writer adds as it sends them, one tuple joined per row. So the
writer keeps the database busy instead of building rows while the server waits. A batch is
plain values only (`packed`), so it goes from the reading process to the writing one quickly
(`app/services/imports/read_in_child.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Table

from app.adapters.import_records import ImportedIncident
from app.db.bulk_rows import BulkRows
from app.domain.incident_numbers import number_value
from app.domain.priority import Priority, PriorityMatrix
from app.domain.sla import SlaPolicy, due_times

# What an import sets on an incident (written on every import), in the order `PreparedBatch`
# holds them; the writer adds the people's ids (PEOPLE_COLUMNS) after them.
INCIDENT_COLUMNS = (
    "number",
    "title",
    "category",
    "channel",
    "impact",
    "urgency",
    "priority",
    "status",
    "hold_reason",
    "opened_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "respond_by",
    "resolve_by",
    "on_hold_since",
    "paused_seconds",
    "resolution",
)
MOMENT_COLUMNS = INCIDENT_COLUMNS[9:17]  # the datetimes, in the database's form already
PEOPLE_COLUMNS = ("caller_id", "assignee_id", "team_id")
# A timeline event's row; the writer adds the incident's id (last) as it sends it.
EVENT_COLUMNS = ("at", "actor_id", "kind", "summary", "details", "pinned", "incident_id")

_PRIORITIES = {int(p): p for p in Priority}  # Priority(n) is a slow call, once per incident


# Per incident, what the writer looks up (or adds) in the database: its number, caller, assignee
# and team, as the file names them.
Names = tuple[str, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    names: list[Names]
    values: list[tuple[Any, ...]]  # per incident, its INCIDENT_COLUMNS
    events: list[list[tuple[Any, ...]]]  # per incident, its events' EVENT_COLUMNS but the last
    highest: int  # the highest incident number (INC...) in the batch, 0 if none

    def packed(self) -> tuple[Any, ...]:
        """The batch as a plain tuple (what `marshal` takes), for `unpacked`."""
        return (self.names, self.values, self.events, self.highest)

    @classmethod
    def unpacked(cls, packed: tuple[Any, ...]) -> PreparedBatch:
        names, values, events, highest = packed
        return cls(names, values, events, highest)


def _same(value: Any) -> Any:
    return value


class BatchPreparer:
    """Makes `PreparedBatch`es: reads only what it was given, so any thread may call it."""

    def __init__(
        self,
        matrix: PriorityMatrix,
        policies: dict[Priority, SlaPolicy],
        bulk: BulkRows,
        incidents: Table,
        events: Table,
    ) -> None:
        self._matrix = matrix
        self._policies = policies
        # Every datetime column takes the same form (one per column type, `BulkRows.form`).
        self._moment = bulk.form(incidents, MOMENT_COLUMNS[0]) or _same
        self._at = bulk.form(events, "at") or _same
        self._unpinned = (bulk.form(events, "pinned") or _same)(False)

    def __call__(self, chunk: list[ImportedIncident]) -> PreparedBatch:
        at = self._at
        unpinned = self._unpinned
        highest = 0
        for incident in chunk:
            value = number_value(incident.number)
            if value is not None:
                highest = max(highest, value)
        return PreparedBatch(
            names=[(i.number, i.caller, i.agent, i.team) for i in chunk],
            values=[self._values(i) for i in chunk],
            events=[
                [
                    (at(moment), None, kind, summary, details, unpinned)
                    for moment, kind, summary, details in i.events
                ]
                for i in chunk
            ],
            highest=highest,
        )

    def _values(self, i: ImportedIncident) -> tuple[Any, ...]:
        """The incident's INCIDENT_COLUMNS."""
        priority = (
            _PRIORITIES[i.priority]
            if i.priority is not None
            else self._matrix.priority(i.impact, i.urgency)
        )
        due = due_times(i.opened_at, self._policies[priority], timedelta(seconds=i.paused_seconds))
        moment: Callable[[Any], Any] = self._moment
        return (
            i.number,
            i.title[:300],
            i.category,
            i.channel,
            i.impact,
            i.urgency,
            int(priority),
            i.status,
            i.hold_reason,
            moment(i.opened_at),
            moment(i.acknowledged_at),
            moment(i.resolved_at),
            moment(i.closed_at),
            moment(i.updated_at),
            moment(due.respond_by),
            moment(due.resolve_by),
            moment(i.on_hold_since),
            i.paused_seconds,
            i.resolution,
        )
