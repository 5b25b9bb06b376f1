"""Reading a ServiceNow incident event log (the UCI 498 export) into incident records.

The log has one row per change to an incident; the per-incident fields (opened_at, caller, the
final resolved_at...) are repeated on every row, and an incident's rows are contiguous. So rows
are folded per incident as they stream past: the row with the highest `sys_mod_count` gives the
incident's final state, and consecutive rows give the timeline (status changes, reassignments,
priority changes) at their original `sys_updated_at` times.

Quirks handled: `?` means missing; dates are day-first `D/M/YYYY HH:MM` without a zone (taken as
UTC); impact, urgency and priority carry a numeric prefix (`2 - Medium`); the junk state `-100`
and any other unreadable row is rejected with its line number and reason.

State mapping (ServiceNow -> Calmdesk): New -> New; Active -> In progress; Resolved -> Resolved;
Closed -> Closed; the "Awaiting ..." states -> On hold, with the reason:
Awaiting User Info -> awaiting caller; Awaiting Evidence -> awaiting caller (the evidence is asked
of the person who reported it); Awaiting Vendor -> awaiting vendor; Awaiting Problem -> awaiting
change (the fix waits on a problem record and the change that resolves it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from app.adapters.import_records import (
    NUMBER_MAX,
    PAUSED_MAX,
    ImportedEvent,
    ImportedIncident,
    RejectedRow,
    check_cells,
    check_plausible,
)

MISSING = "?"
REQUIRED = (
    "number",
    "incident_state",
    "sys_mod_count",
    "opened_at",
    "sys_updated_at",
    "impact",
    "urgency",
    "priority",
)
OPTIONAL = (
    "caller_id",
    "sys_updated_by",
    "contact_type",
    "category",
    "subcategory",
    "u_symptom",
    "assignment_group",
    "assigned_to",
    "resolved_at",
    "closed_at",
    "closed_code",
)

STATES: dict[str, tuple[str, str | None]] = {
    "New": ("new", None),
    "Active": ("in_progress", None),
    "Awaiting User Info": ("on_hold", "awaiting_caller"),
    "Awaiting Evidence": ("on_hold", "awaiting_caller"),
    "Awaiting Vendor": ("on_hold", "awaiting_vendor"),
    "Awaiting Problem": ("on_hold", "awaiting_change"),
    "Resolved": ("resolved", None),
    "Closed": ("closed", None),
}
CHANNELS = {
    "Phone": "phone",
    "IVR": "phone",
    "Email": "email",
    "Self service": "self_service",
    "Direct opening": "walk_in",
}
_LABELS = {
    "new": "New",
    "in_progress": "In progress",
    "on_hold": "On hold",
    "resolved": "Resolved",
    "closed": "Closed",
}
_HOLD_LABELS = {
    "awaiting_caller": "awaiting caller",
    "awaiting_vendor": "awaiting vendor",
    "awaiting_change": "awaiting change",
}


class NotAServiceNowLog(Exception):
    """The header lacks the columns every ServiceNow incident event log has."""


@dataclass(slots=True)
class _Row:
    line: int
    mod: int
    updated_at: datetime
    status: str
    hold: str | None
    raw_state: str
    impact: int
    urgency: int
    priority: int
    group: str | None
    agent: str | None
    by: str | None
    values: list[str]


class _Dates:
    """Day-first `D/M/YYYY HH:MM` cells read once each: the log repeats the same minutes a lot,
    so each distinct cell is parsed (with a fixed format, no general date parser) and checked
    once, and looked up in a dict after that. None for a missing cell (`?` or empty)."""

    def __init__(self) -> None:
        self._cache: dict[str, datetime | None] = {}

    def read(self, text: str, column: str) -> datetime | None:
        try:
            return self._cache[text]
        except KeyError:
            pass
        found = self._parse(text.strip(), column)
        if len(self._cache) > 500_000:  # bounded memory, whatever the file
            self._cache.clear()
        self._cache[text] = found
        return found

    @staticmethod
    def _parse(text: str, column: str) -> datetime | None:
        if not text or text == MISSING:
            return None
        try:
            day, month, rest = text.split("/")
            year, clock = rest.split(" ")
            hour, minute = clock.split(":")
            moment = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=UTC)
        except ValueError:
            raise ValueError(f"{column} {text!r} is not a D/M/YYYY HH:MM date") from None
        return check_plausible(moment, column)


class _Levels:
    """`2 - Medium` -> 2, each distinct cell read once (a handful of values in a whole log)."""

    def __init__(self, column: str, highest: int) -> None:
        self._column = column
        self._highest = highest
        self._cache: dict[str, int] = {}

    def read(self, text: str) -> int:
        try:
            return self._cache[text]
        except KeyError:
            pass
        head = text.split("-", 1)[0].strip()
        if not head.isdigit() or not 1 <= int(head) <= self._highest:
            raise ValueError(
                f"{self._column} {text!r} is not one of 1-{self._highest} (like '2 - Medium')"
            )
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[text] = int(head)
        return int(head)


def _opt(value: str) -> str | None:
    if value == MISSING or not value:  # the usual cells, without a strip
        return None
    value = value.strip()
    return None if not value or value == MISSING else value


class ServiceNowReader:
    """Streams (incident, rejected rows) out of CSV rows. Feed it the header first."""

    def __init__(self, header: list[str]) -> None:
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise NotAServiceNowLog(
                "This is not a ServiceNow incident event log: it has no "
                + ", ".join(missing)
                + " column"
                + ("s" if len(missing) > 1 else "")
                + "."
            )
        self._width = len(header)
        self._col = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
        self._dates = _Dates()
        self._impact = _Levels("impact", 3)
        self._urgency = _Levels("urgency", 3)
        self._priority = _Levels("priority", 5)
        # Where each column is, looked up once (None: an optional column the file lacks).
        self._at = {name: self._col.get(name) for name in (*REQUIRED, *OPTIONAL)}
        self.rejected: list[RejectedRow] = []
        self.rows_read = 0

    def _get(self, values: list[str], column: str) -> str | None:
        index = self._col.get(column)
        return None if index is None else _opt(values[index])

    def _date(self, values: list[str], column: str) -> datetime | None:
        index = self._col.get(column)
        return None if index is None else self._dates.read(values[index], column)

    def parse(self, line: int, values: list[str]) -> _Row | None:
        """One event row, or None (and a rejection) when it cannot be read."""
        self.rows_read += 1
        col = self._col
        at = self._at
        date = self._dates.read
        try:
            if len(values) != self._width:
                raise ValueError(f"has {len(values)} fields, the header has {self._width}")
            check_cells(values)
            if len(values[col["number"]].strip()) > NUMBER_MAX:
                raise ValueError(f"the number is longer than {NUMBER_MAX} characters")
            raw_state = values[col["incident_state"]].strip()
            if raw_state not in STATES:
                raise ValueError(f"unknown incident_state {raw_state!r}")
            status, hold = STATES[raw_state]
            mod_text = values[col["sys_mod_count"]].strip()
            if not mod_text.isdigit():
                raise ValueError(f"sys_mod_count {mod_text!r} is not a number")
            updated = date(values[col["sys_updated_at"]], "sys_updated_at")
            if updated is None:
                raise ValueError("sys_updated_at is missing")
            if date(values[col["opened_at"]], "opened_at") is None:
                raise ValueError("opened_at is missing")
            # Read here, not only when folding, so a bad one rejects its row instead of failing
            # the whole import: the row that ends up last gives the incident these dates.
            if (index := at["resolved_at"]) is not None:
                date(values[index], "resolved_at")
            if status == "closed" and (index := at["closed_at"]) is not None:
                date(values[index], "closed_at")
            group = None if (index := at["assignment_group"]) is None else _opt(values[index])
            agent = None if (index := at["assigned_to"]) is None else _opt(values[index])
            by = None if (index := at["sys_updated_by"]) is None else _opt(values[index])
            return _Row(
                line,
                int(mod_text),
                updated,
                status,
                hold,
                raw_state,
                self._impact.read(values[col["impact"]]),
                self._urgency.read(values[col["urgency"]]),
                self._priority.read(values[col["priority"]]),
                group,
                agent,
                by,
                values,
            )
        except ValueError as exc:
            index = col["number"]
            number = values[index].strip().upper() if index < len(values) else ""
            self.rejected.append(RejectedRow(line, f"{number or 'row'}: {exc}"))
            return None

    def incidents(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[ImportedIncident]:
        """Fold contiguous rows per incident number. A number that comes back after another
        incident's rows is rejected (the log is sorted by number; a repeat is a broken file)."""
        number_col = self._col["number"]
        done: set[str] = set()
        current: str | None = None
        group: list[_Row] = []
        for line, values in rows:
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank line
            number = values[number_col].strip().upper() if len(values) > number_col else ""
            if not number or number == MISSING:
                self.rows_read += 1
                self.rejected.append(RejectedRow(line, "the incident number is missing"))
                continue
            if number != current:
                if group:
                    yield self.fold(group)
                if current is not None:
                    done.add(current)
                group = []
                current = number
                if number in done:
                    self.rows_read += 1
                    self.rejected.append(
                        RejectedRow(line, f"{number}: its rows are not together in the file")
                    )
                    continue
            elif number in done:
                self.rows_read += 1
                self.rejected.append(
                    RejectedRow(line, f"{number}: its rows are not together in the file")
                )
                continue
            row = self.parse(line, values)
            if row is not None:
                group.append(row)
        if group:
            yield self.fold(group)

    def fold(self, group: list[_Row]) -> ImportedIncident:
        rows = sorted(group, key=lambda r: (r.mod, r.updated_at, r.line))
        last = rows[-1]
        values = last.values
        number = values[self._col["number"]].strip().upper()
        opened = self._date(values, "opened_at")
        assert opened is not None  # checked in parse
        title = " / ".join(
            v for v in (self._get(values, c) for c in ("category", "subcategory", "u_symptom")) if v
        )
        incident = ImportedIncident(
            number=number,
            title=title or "Imported from ServiceNow",
            opened_at=opened,
            updated_at=max(r.updated_at for r in rows),
            impact=last.impact,
            urgency=last.urgency,
            priority=last.priority,
            status=last.status,
            hold_reason=last.hold,
            category=self._get(values, "category"),
            channel=CHANNELS.get(self._get(values, "contact_type") or "", "phone"),
            team=last.group,
            agent=last.agent,
            caller=self._get(values, "caller_id"),
            resolved_at=self._date(values, "resolved_at"),
            closed_at=self._date(values, "closed_at") if last.status == "closed" else None,
            resolution=self._get(values, "closed_code") or "",
        )
        self._timeline(incident, rows)
        return incident

    def _timeline(self, incident: ImportedIncident, rows: list[_Row]) -> None:
        first = rows[0]
        events = incident.events
        events.append(
            ImportedEvent(
                incident.opened_at,
                "created",
                f"Opened {incident.number} in ServiceNow at P{first.priority} ({first.raw_state})",
                {"source": "servicenow", "line": first.line, "by": first.by},
            )
        )
        paused = 0.0
        hold_since: datetime | None = None
        previous: _Row | None = None
        for row in rows:
            details: dict[str, object] = {"source": "servicenow", "line": row.line, "by": row.by}
            before_status = previous.status if previous else "new"
            before_hold = previous.hold if previous else None
            if (row.status, row.hold) != (before_status, before_hold):
                reason = f" ({_HOLD_LABELS[row.hold]})" if row.hold else ""
                events.append(
                    ImportedEvent(
                        row.updated_at,
                        "status",
                        f"{_LABELS[before_status]} → {_LABELS[row.status]}{reason}",
                        {**details, "from": before_status, "to": row.status, "hold": row.hold},
                    )
                )
                if incident.acknowledged_at is None and row.status != "new":
                    incident.acknowledged_at = row.updated_at
                if hold_since is not None and row.status != "on_hold":
                    paused += max(0.0, (row.updated_at - hold_since).total_seconds())
                    hold_since = None
                if row.status == "on_hold" and hold_since is None:
                    hold_since = row.updated_at
            if (row.group, row.agent) != (
                (previous.group, previous.agent) if previous else (None, None)
            ) and (row.group or row.agent):
                who = row.agent or "nobody"
                team = f" ({row.group})" if row.group else ""
                events.append(
                    ImportedEvent(
                        row.updated_at,
                        "assigned",
                        f"Assigned to {who}{team}",
                        {**details, "agent": row.agent, "team": row.group},
                    )
                )
            if previous is not None and row.priority != previous.priority:
                events.append(
                    ImportedEvent(
                        row.updated_at,
                        "priority",
                        f"Priority P{previous.priority} → P{row.priority}",
                        {**details, "from": previous.priority, "to": row.priority},
                    )
                )
            previous = row
        incident.paused_seconds = min(int(paused), PAUSED_MAX)
        incident.on_hold_since = hold_since if incident.status == "on_hold" else None
