"""Reading the cells of a ServiceNow incident event log, each distinct cell once.

The log repeats the same few values down its 141,712 rows (the same minutes, a handful of
levels, a few hundred names), so each reader here works a distinct cell out once and looks it up
after that; each bounds its memory whatever the file. `app/adapters/servicenow_log.py` reads rows
and folds them into incidents with these.
"""

from __future__ import annotations

from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii
from typing import Any

from app.adapters.import_records import check_plausible

MISSING = "?"
# How the timeline's summaries name the statuses and the hold reasons.
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


class Dates(dict[str, "datetime | None"]):
    """Day-first `D/M/YYYY HH:MM` cells read once each: the log repeats the same minutes a lot,
    so each distinct cell is parsed (with a fixed format, no general date parser) and checked
    once, and looked up in the dict after that. None for a missing cell (`?` or empty). A cell
    that is not a date is not kept: `dates[cell]` raises KeyError for it (the rows' quick path
    then reads the row carefully), `read` a ValueError naming the column."""

    def read(self, text: str, column: str) -> datetime | None:
        try:
            return self[text]
        except KeyError:
            return self._parse(text.strip(), column)  # not a date: raises, naming the column

    def __missing__(self, text: str) -> datetime | None:
        try:
            found = self._parse(text.strip(), "")
        except ValueError:
            raise KeyError(text) from None
        if len(self) > 500_000:  # bounded memory, whatever the file
            self.clear()
        self[text] = found
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


class Levels:
    """`2 - Medium` -> 2, each distinct cell read once (a handful of values in a whole log)."""

    def __init__(self, column: str, highest: int) -> None:
        self._column = column
        self._highest = highest
        self.known: dict[str, int] = {}

    def read(self, text: str) -> int:
        try:
            return self.known[text]
        except KeyError:
            pass
        head = text.split("-", 1)[0].strip()
        if not head.isdigit() or not 1 <= int(head) <= self._highest:
            raise ValueError(
                f"{self._column} {text!r} is not one of 1-{self._highest} (like '2 - Medium')"
            )
        if len(self.known) > 10_000:
            self.known.clear()
        self.known[text] = int(head)
        return int(head)


def optional_cell(value: str) -> str | None:
    if value == MISSING or not value:  # the usual cells, without a strip
        return None
    value = value.strip()
    return None if not value or value == MISSING else value


class OptionalCells(dict[str, "str | None"]):
    """An optional cell's value (None when missing), worked out once per distinct cell: a name
    column holds a few hundred distinct values over a whole log."""

    def __missing__(self, text: str) -> str | None:
        if len(self) > 100_000:  # bounded memory, whatever the file
            self.clear()
        found = self[text] = optional_cell(text)
        return found


class JsonText(dict[Any, str]):
    """A name's or a missing value's JSON text (`"Group 56"`, `null`), made once per value."""

    def __missing__(self, value: str | None) -> str:
        if len(self) > 100_000:
            self.clear()
        found = self[value] = "null" if value is None else encode_basestring_ascii(value)
        return found


class Pieces:
    """The timeline's summaries and the tails of their details' JSON, made once per distinct
    change (a status move, a (team, assignee) pair, a priority move) instead of once per event."""

    def __init__(self, json_text: JsonText) -> None:
        self._json = json_text
        self._status: dict[tuple[str, str, str | None], tuple[str, str]] = {}
        self._assigned: dict[tuple[str | None, str | None], tuple[str, str]] = {}
        self._priority: dict[tuple[int, int], tuple[str, str]] = {}

    def status(self, before: str, status: str, hold: str | None) -> tuple[str, str]:
        key = (before, status, hold)
        try:
            return self._status[key]
        except KeyError:
            reason = f" ({_HOLD_LABELS[hold]})" if hold else ""
            found = self._status[key] = (
                f"{_LABELS[before]} → {_LABELS[status]}{reason}",
                f', "from": "{before}", "to": "{status}", "hold": {self._json[hold]}}}',
            )
            return found

    def assigned(self, team: str | None, agent: str | None) -> tuple[str, str]:
        key = (team, agent)
        try:
            return self._assigned[key]
        except KeyError:
            if len(self._assigned) > 100_000:  # bounded memory, whatever the file
                self._assigned.clear()
            in_team = f" ({team})" if team else ""
            found = self._assigned[key] = (
                f"Assigned to {agent or 'nobody'}{in_team}",
                f', "agent": {self._json[agent]}, "team": {self._json[team]}}}',
            )
            return found

    def priority(self, before: int, after: int) -> tuple[str, str]:
        key = (before, after)
        try:
            return self._priority[key]
        except KeyError:
            found = self._priority[key] = (
                f"Priority P{before} → P{after}",
                f', "from": {before}, "to": {after}}}',
            )
            return found
