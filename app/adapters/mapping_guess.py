"""A first guess at a column mapping from a CSV's header and a sample of its values, so that a
person only corrects what the guess got wrong: which column holds each field, how the source's
values translate (`Closed` -> `closed`, a 1-5 impact scale -> 1-3), and how its dates are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from app.adapters.csv_mapping import (
    CHANNELS,
    DATES,
    HOLD_REASONS,
    STATUSES,
    TARGETS,
    ColumnMapping,
    FieldRule,
)

# Header names (normalised: lower case, runs of other characters as "_") each field is found
# under in common help desks' exports, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("number", "incident_number", "incident_id", "incident", "ticket_id", "ticket",
               "ticket_number", "case_id", "case_number", "case", "case_concept_name", "id",
               "key", "issue_key", "reference"),
    "title": ("title", "short_description", "summary", "subject", "description", "name"),
    "opened_at": ("opened_at", "open_time", "opened", "open_date", "opened_on", "created_at",
                  "created", "created_on", "creation_date", "sys_created_on", "reported_at",
                  "date_opened", "submit_date", "time_timestamp", "complete_timestamp"),
    "impact": ("impact", "severity"),
    "urgency": ("urgency",),
    "priority": ("priority", "prio"),
    "status": ("status", "incident_state", "state", "ticket_status"),
    "hold_reason": ("hold_reason", "on_hold_reason", "pending_reason"),
    "category": ("category", "incident_category", "type", "issue_type"),
    "channel": ("channel", "contact_type", "source", "origin", "reported_via"),
    "team": ("team", "assignment_group", "assigned_group", "support_group", "group",
             "org_group", "workgroup", "queue"),
    "agent": ("agent", "assigned_to", "assignee", "owner", "resolver", "technician",
              "org_resource"),
    "caller": ("caller", "caller_id", "requester", "requested_by", "reported_by", "customer",
               "contact", "user"),
    "acknowledged_at": ("acknowledged_at", "acknowledged", "responded_at", "first_response"),
    "resolved_at": ("resolved_at", "resolved_time", "resolved", "resolved_on", "resolution_date",
                    "resolve_time", "solved_at"),
    "closed_at": ("closed_at", "close_time", "closed", "closed_on", "close_date", "closed_time"),
    "resolution": ("resolution", "closure_code", "close_code", "closed_code", "resolution_code",
                   "close_notes", "resolution_notes"),
}  # fmt: skip

# Date layouts tried on a date column's sample values, most common first; None is ISO 8601.
DATE_FORMATS: tuple[str | None, ...] = (
    None,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
)

_WORDS: dict[str, dict[str, str]] = {
    "status": {
        "new": "new", "open": "new", "opened": "new", "logged": "new", "registered": "new",
        "active": "in_progress", "in_progress": "in_progress", "in_process": "in_progress",
        "assigned": "in_progress", "work_in_progress": "in_progress", "wip": "in_progress",
        "accepted": "in_progress", "queued": "new",
        "on_hold": "on_hold", "hold": "on_hold", "pending": "on_hold", "waiting": "on_hold",
        "resolved": "resolved", "solved": "resolved", "fixed": "resolved", "completed": "resolved",
        "closed": "closed", "done": "closed",
        "cancelled": "cancelled", "canceled": "cancelled", "rejected": "cancelled",
    },
    "channel": {
        "phone": "phone", "telephone": "phone", "call": "phone", "ivr": "phone",
        "email": "email", "e_mail": "email", "mail": "email",
        "walk_in": "walk_in", "walkin": "walk_in", "direct_opening": "walk_in",
        "chat": "chat", "self_service": "self_service", "portal": "self_service",
        "web": "self_service", "monitoring": "monitoring", "event": "monitoring",
        "alert": "monitoring",
    },
    "impact": {
        "critical": "1", "major": "1", "high": "1", "extensive": "1", "widespread": "1",
        "medium": "2", "moderate": "2", "significant": "2",
        "low": "3", "minor": "3", "planning": "3",
    },
    "priority": {
        "critical": "1", "high": "2", "medium": "3", "moderate": "3", "low": "4",
        "planning": "5",
    },
}  # fmt: skip
_LEVELS = {"impact": 3, "urgency": 3, "priority": 5}


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def guess_columns(header: Sequence[str]) -> dict[str, str]:
    """Each field's likeliest column; a column is given to one field at most."""
    names = {normalise(column): column for column in reversed(header)}  # first one wins
    taken: set[str] = set()
    found: dict[str, str] = {}
    for target in TARGETS:
        for synonym in SYNONYMS.get(target, ()):
            column = names.get(synonym)
            if column is not None and column not in taken:
                found[target] = column
                taken.add(column)
                break
    return found


def guess_values(target: str, seen: Iterable[str]) -> dict[str, str]:
    """A translation for the source values a field cannot take as they are."""
    values = sorted({v for v in seen if v})
    if target in ("status", "channel", "hold_reason"):
        allowed = {"status": STATUSES, "channel": CHANNELS, "hold_reason": HOLD_REASONS}[target]
        words = _WORDS.get(target, {})
        table = {}
        for value in values:
            key = normalise(value)
            if value in allowed:
                continue
            if key in allowed:
                table[value] = key
            elif key in words:
                table[value] = words[key]
            elif target == "status" and key.startswith(("awaiting", "wait")):
                table[value] = "on_hold"
        return table
    if target in _LEVELS:
        return _level_values(values, _LEVELS[target])
    return {}


def _level_values(values: list[str], highest: int) -> dict[str, str]:
    digits = [int(v) for v in values if v.isdigit()]
    table: dict[str, str] = {}
    if digits and max(digits) > highest and highest == 3 and max(digits) <= 5:
        # A 1-5 scale (BPI 2014, many ITSM tools) read onto 1-3: 1-2 high, 3 medium, 4-5 low.
        table = {str(n): str({1: 1, 2: 1, 3: 2, 4: 3, 5: 3}[n]) for n in digits if n >= 1}
    words = _WORDS["priority" if highest == 5 else "impact"]
    for value in values:
        word = words.get(normalise(value))
        if word is not None:
            table[value] = word
    return table


def guess_date_format(samples: Iterable[str]) -> str | None:
    """The first layout that reads every sample; None (ISO 8601) when none or ISO does."""
    texts = [s for s in samples if s][:200]
    for fmt in DATE_FORMATS:
        if texts and all(_parses(text, fmt) for text in texts):
            return fmt
    return None


def _parses(text: str, fmt: str | None) -> bool:
    try:
        datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def guess_mapping(
    header: Sequence[str], samples: Mapping[str, Sequence[str]], name: str = ""
) -> ColumnMapping:
    """A whole mapping: columns by name, value tables and the date layout by the sample values
    (`samples`: column -> the values seen in the first rows)."""
    columns = guess_columns(header)
    rules = {
        target: FieldRule(column=column, values=guess_values(target, samples.get(column, ())))
        for target, column in columns.items()
    }
    date_column = next((columns[t] for t in DATES if t in columns), None)
    date_format = guess_date_format(samples.get(date_column, ())) if date_column else None
    return ColumnMapping(fields=rules, name=name, date_format=date_format)
