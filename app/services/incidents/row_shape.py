"""A queue row from the values a read returns, in `IncidentRow`'s field order: the one place the
stored forms (status and priority codes, 0/1 flags) become the row's types.

Free of SQLAlchemy, so that the console's first screen (app/services/first_screen), read with
the database driver alone before SQLAlchemy is imported, builds its rows exactly as every other
queue read does (`reads.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from sys import intern
from typing import Any

from app.domain.lifecycle import HoldReason, Status
from app.domain.priority import Priority
from app.services.incidents.dto import IncidentRow
from app.services.intake.dto import AlertMark, alert_mark

_STATUSES = {s.value: s for s in Status}
_HOLD_REASONS = {r.value: r for r in HoldReason}
_PRIORITIES = {int(p): p for p in Priority}


def to_row(stored: Iterable[Any]) -> IncidentRow:
    """The row for one result row whose columns are IncidentRow's fields but the alert."""
    # Plain dict lookups instead of Enum(value) calls: this runs 25,000 times per queue load.
    values = list(stored)
    values[5] = _STATUSES[values[5]]
    values[6] = _HOLD_REASONS[values[6]] if values[6] else None
    values[7] = _PRIORITIES[values[7]]
    values[8] = bool(values[8])
    values[24] = bool(values[24])
    # Service, caller, assignee and team names repeat across thousands of rows: one string each
    # instead of one per row (the driver makes a new one every time; ~4 MB at 25,000 rows).
    values[3] = intern(values[3])
    values[4] = intern(values[4])
    values[11] = intern(values[11])
    values[13] = intern(values[13])
    values.append(None)  # the alert: attached after the read (with_alerts)
    return IncidentRow._make(values)


# A page row (reads.first_page_query): the row's columns, then its alert group's, NULL without one.
_ROW_COLUMNS = len(IncidentRow._fields) - 1


def page_row(stored: Sequence[Any]) -> IncidentRow:
    """A first page's row: the queue row, with the alert that opened its incident if any."""
    row = to_row(stored[:_ROW_COLUMNS])
    if stored[_ROW_COLUMNS] is None:
        return row
    return row._replace(alert=alert_mark(stored[_ROW_COLUMNS:]))


def with_alerts(rows: list[IncidentRow], marks: Mapping[int, AlertMark]) -> list[IncidentRow]:
    """The rows, with the monitoring alert attached to the few that monitoring opened. Read
    apart from the queue's query: a join there cost every one of 25,000 rows a lookup."""
    if not marks:
        return rows
    return [row._replace(alert=marks[row.id]) if row.id in marks else row for row in rows]
