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
from datetime import datetime

from app.adapters.import_records import (
    NUMBER_MAX,
    PAUSED_MAX,
    ImportedEvent,
    ImportedIncident,
    RejectedRow,
    check_cells,
)
from app.adapters.servicenow_cells import (
    MISSING,
    Dates,
    JsonText,
    Levels,
    OptionalCells,
    Pieces,
)

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


class NotAServiceNowLog(Exception):
    """The header lacks the columns every ServiceNow incident event log has."""


# One accepted event row: (sys_mod_count, sys_updated_at, line, status, hold reason, the state as
# written, impact, urgency, priority, assignment group, assignee, updated by, the row's cells).
# A plain tuple, so an incident's rows sort in C by (mod, updated_at, line): lines are unique.
_Row = tuple[
    int, datetime, int, str, str | None, str, int, int, int, str | None, str | None, str | None,
    list[str],
]  # fmt: skip


# The accepted states as written, for the rows' quick path (a cell with spaces around it takes
# the careful path, which accepts it too).
_STATE_CELLS = {name: (status, hold, name) for name, (status, hold) in STATES.items()}


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
        self._dates = Dates()
        self._impact = Levels("impact", 3)
        self._urgency = Levels("urgency", 3)
        self._priority = Levels("priority", 5)
        # Where each column is, looked up once (None: an optional column the file lacks).
        self._at = {name: self._col.get(name) for name in (*REQUIRED, *OPTIONAL)}
        self._optional = OptionalCells()
        # The columns an incident's title is made of, those the file has.
        self._title_columns = [
            i for c in ("category", "subcategory", "u_symptom") if (i := self._at[c]) is not None
        ]
        self._json = JsonText()
        self._pieces = Pieces(self._json)
        self._mods: dict[str, int] = {}  # sys_mod_count cells accepted, as written
        self.rejected: list[RejectedRow] = []
        self.rows_read = 0

    def _get(self, values: list[str], column: str) -> str | None:
        index = self._at[column]
        return None if index is None else self._optional[values[index]]

    def _date(self, values: list[str], column: str) -> datetime | None:
        index = self._at[column]
        return None if index is None else self._dates.read(values[index], column)

    def _quick(self, line: int, values: list[str]) -> _Row:
        """The row, when every cell it needs reads at once (most rows of a log): dict look-ups
        of cells seen before (a new date cell is parsed and kept). A KeyError otherwise, and
        `parse` reads the row carefully, accepting it or rejecting it with its reason."""
        col = self._col
        at = self._at
        if len(values) != self._width or len(values[col["number"]]) > NUMBER_MAX:
            raise KeyError("careful")
        if "\x00" in "".join(values):
            raise KeyError("careful")
        status, hold, raw_state = _STATE_CELLS[values[col["incident_state"]]]
        mod = self._mods[values[col["sys_mod_count"]]]
        dates = self._dates  # a KeyError for a cell that is not a date
        updated = dates[values[col["sys_updated_at"]]]
        if updated is None or dates[values[col["opened_at"]]] is None:
            raise KeyError("careful")
        if (index := at["resolved_at"]) is not None:
            dates[values[index]]  # read for its check (a KeyError)
        if status == "closed" and (index := at["closed_at"]) is not None:
            dates[values[index]]
        optional = self._optional
        return (
            mod,
            updated,
            line,
            status,
            hold,
            raw_state,
            self._impact.known[values[col["impact"]]],
            self._urgency.known[values[col["urgency"]]],
            self._priority.known[values[col["priority"]]],
            None if (index := at["assignment_group"]) is None else optional[values[index]],
            None if (index := at["assigned_to"]) is None else optional[values[index]],
            None if (index := at["sys_updated_by"]) is None else optional[values[index]],
            values,
        )

    def parse(self, line: int, values: list[str]) -> _Row | None:
        """One event row, or None (and a rejection) when it cannot be read."""
        self.rows_read += 1
        try:
            return self._quick(line, values)
        except KeyError:
            pass
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
            mod_cell = values[col["sys_mod_count"]]
            mod_text = mod_cell.strip()
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
            mod = int(mod_text)  # "²" is a digit that int() refuses
            impact = self._impact.read(values[col["impact"]])
            urgency = self._urgency.read(values[col["urgency"]])
            priority = self._priority.read(values[col["priority"]])
        except ValueError as exc:
            index = col["number"]
            number = values[index].strip().upper() if index < len(values) else ""
            self.rejected.append(RejectedRow(line, f"{number or 'row'}: {exc}"))
            return None
        if len(self._mods) > 100_000:  # bounded memory, whatever the file
            self._mods.clear()
        self._mods[mod_cell] = mod
        return (
            mod,
            updated,
            line,
            status,
            hold,
            raw_state,
            impact,
            urgency,
            priority,
            self._get(values, "assignment_group"),
            self._get(values, "assigned_to"),
            self._get(values, "sys_updated_by"),
            values,
        )

    def incidents(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[ImportedIncident]:
        """Fold contiguous rows per incident number. A number that comes back after another
        incident's rows is rejected (the log is sorted by number; a repeat is a broken file)."""
        number_col = self._col["number"]
        done: set[str] = set()
        current: str | None = None
        group: list[_Row] = []
        # The number cell, as written, of the incident whose rows are being gathered: a row with
        # the very same cell belongs to it, without normalising the number again.
        gathering: str | None = None
        quick = self._quick
        for line, values in rows:
            if len(values) > number_col and values[number_col] == gathering:
                try:
                    group.append(quick(line, values))
                    self.rows_read += 1
                except KeyError:
                    row = self.parse(line, values)
                    if row is not None:
                        group.append(row)
                continue
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank line
            cell = values[number_col] if len(values) > number_col else ""
            number = cell.strip().upper()
            if not number or number == MISSING:
                self.rows_read += 1
                self.rejected.append(RejectedRow(line, "the incident number is missing"))
                continue
            gathering = None
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
            gathering = cell
            row = self.parse(line, values)
            if row is not None:
                group.append(row)
        if group:
            yield self.fold(group)

    def fold(self, group: list[_Row]) -> ImportedIncident:
        group.sort()  # by (mod, updated_at, line): the last row is the incident's final state
        last = group[-1]
        values = last[12]
        number = values[self._col["number"]].strip().upper()
        opened = self._date(values, "opened_at")
        assert opened is not None  # checked in parse
        optional = self._optional
        category = self._get(values, "category")
        title = " / ".join(
            [part for i in self._title_columns if (part := optional[values[i]]) is not None]
        )
        status = last[3]
        incident = ImportedIncident(
            number=number,
            title=title or "Imported from ServiceNow",
            opened_at=opened,
            updated_at=max([row[1] for row in group]),
            impact=last[6],
            urgency=last[7],
            priority=last[8],
            status=status,
            hold_reason=last[4],
            category=category,
            channel=CHANNELS.get(self._get(values, "contact_type") or "", "phone"),
            team=last[9],
            agent=last[10],
            caller=self._get(values, "caller_id"),
            resolved_at=self._date(values, "resolved_at"),
            closed_at=self._date(values, "closed_at") if status == "closed" else None,
            resolution=self._get(values, "closed_code") or "",
        )
        self._timeline(incident, group)
        return incident

    def _timeline(self, incident: ImportedIncident, rows: list[_Row]) -> None:
        """The incident's events, their details' JSON text made from per-row heads and tails
        kept per distinct change (what `json.dumps` would write for the same dict)."""
        json_text = self._json
        pieces = self._pieces
        first = rows[0]
        events = incident.events
        events.append(
            ImportedEvent(
                incident.opened_at,
                "created",
                f"Opened {incident.number} in ServiceNow at P{first[8]} ({first[5]})",
                f'{{"source": "servicenow", "line": {first[2]}, "by": {json_text[first[11]]}}}',
            )
        )
        paused = 0.0
        hold_since: datetime | None = None
        acknowledged: datetime | None = None
        before_status, before_hold = "new", None
        before_team: str | None = None
        before_agent: str | None = None
        before_priority = 0  # none before the first row
        for _, at, line, status, hold, _, _, _, priority, team, agent, by, _ in rows:
            head = ""
            if status != before_status or hold != before_hold:
                head = f'{{"source": "servicenow", "line": {line}, "by": {json_text[by]}'
                summary, tail = pieces.status(before_status, status, hold)
                events.append(ImportedEvent(at, "status", summary, head + tail))
                if acknowledged is None and status != "new":
                    acknowledged = at
                if hold_since is not None and status != "on_hold":
                    paused += max(0.0, (at - hold_since).total_seconds())
                    hold_since = None
                if status == "on_hold" and hold_since is None:
                    hold_since = at
                before_status, before_hold = status, hold
            if (team != before_team or agent != before_agent) and (team or agent):
                head = head or f'{{"source": "servicenow", "line": {line}, "by": {json_text[by]}'
                summary, tail = pieces.assigned(team, agent)
                events.append(ImportedEvent(at, "assigned", summary, head + tail))
            before_team, before_agent = team, agent
            if before_priority and priority != before_priority:
                head = head or f'{{"source": "servicenow", "line": {line}, "by": {json_text[by]}'
                summary, tail = pieces.priority(before_priority, priority)
                events.append(ImportedEvent(at, "priority", summary, head + tail))
            before_priority = priority
        incident.acknowledged_at = acknowledged
        incident.paused_seconds = min(int(paused), PAUSED_MAX)
        incident.on_hold_since = hold_since if incident.status == "on_hold" else None
