"""Generic CSV import: one incident per row, columns read as a saved mapping says.

A mapping is JSON (or TOML, read only), for example:

    {"name": "BPI 2014",
     "date_format": "%Y-%m-%d %H:%M:%S",
     "missing": ["", "#N/B"],
     "fields": {
        "number": {"column": "incident_id"},
        "title": {"template": "{category}: {ci_name_aff}"},
        "opened_at": {"column": "open_time"},
        "impact": {"column": "impact", "values": {"2": 1, "3": 2, "4": 3, "5": 3}},
        "status": {"column": "status", "values": {"Closed": "closed"}, "default": "new"}}}

Each field takes a `column`, or a `template` over several columns, or only a `default`; a
`values` table translates source values (an unlisted value is kept as it is). Dates use the
mapping's `date_format` (or a field's own `format`), else ISO 8601; a date without a zone is UTC.
"""

from __future__ import annotations

import json
import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.adapters.import_records import (
    ImportedEvent,
    ImportedIncident,
    RejectedRow,
    check_cells,
    check_plausible,
)
from app.adapters.spreadsheet_cells import restore_cell
from app.domain.errors import CalmdeskError

TARGETS: dict[str, str] = {
    "number": "incident number (required)",
    "title": "title",
    "opened_at": "opened at (required)",
    "impact": "impact 1-3",
    "urgency": "urgency 1-3",
    "priority": "priority 1-5 (blank: derived from impact and urgency)",
    "status": "status (new, in_progress, on_hold, resolved, closed, cancelled)",
    "hold_reason": "hold reason",
    "category": "category",
    "channel": "channel",
    "team": "team",
    "agent": "assigned agent",
    "caller": "caller",
    "acknowledged_at": "acknowledged at",
    "resolved_at": "resolved at",
    "closed_at": "closed at",
    "resolution": "resolution",
}
REQUIRED = ("number", "opened_at")
DATES = ("opened_at", "acknowledged_at", "resolved_at", "closed_at")
STATUSES = ("new", "in_progress", "on_hold", "resolved", "closed", "cancelled")
HOLD_REASONS = ("awaiting_caller", "awaiting_vendor", "awaiting_change")
CHANNELS = ("phone", "email", "walk_in", "chat", "self_service", "monitoring")


class MappingError(CalmdeskError):
    """The mapping is incomplete or does not fit the file's columns."""


@dataclass(frozen=True)
class FieldRule:
    column: str | None = None
    template: str | None = None
    default: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    format: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("column", "template", "default", "format"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.values:
            out["values"] = dict(self.values)
        return out


@dataclass(frozen=True)
class ColumnMapping:
    fields: Mapping[str, FieldRule]
    name: str = ""
    date_format: str | None = None
    missing: tuple[str, ...] = ("", "?")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "date_format": self.date_format,
            "missing": list(self.missing),
            "fields": {k: v.to_json() for k, v in self.fields.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColumnMapping:
        raw = data.get("fields")
        if not isinstance(raw, Mapping):
            raise MappingError("A mapping needs a 'fields' table.")
        unknown = sorted(set(raw) - set(TARGETS))
        if unknown:
            names = ", ".join(u if u.isprintable() and u.strip() == u else repr(u) for u in unknown)
            raise MappingError(f"Unknown fields in the mapping: {names}.")
        rules: dict[str, FieldRule] = {}
        for target, spec in raw.items():
            if isinstance(spec, str):
                spec = {"column": spec}
            if not isinstance(spec, Mapping):
                raise MappingError(f"The rule for {target} must be a table.")
            texts = [k for k in ("column", "template", "format") if k in spec]
            if any(not isinstance(spec[k], str) for k in texts):
                raise MappingError(f"In the rule for {target}, {', '.join(texts)} must be text.")
            if not isinstance(spec.get("values") or {}, Mapping):
                raise MappingError(f"The values of {target} must be a table of old = new.")
            rules[target] = FieldRule(
                column=spec.get("column"),
                template=spec.get("template"),
                default=None if spec.get("default") is None else str(spec["default"]),
                values={str(k): v for k, v in dict(spec.get("values") or {}).items()},
                format=spec.get("format"),
            )
        date_format = data.get("date_format")
        if date_format is not None and not isinstance(date_format, str):
            raise MappingError('The date_format must be text, like "%d/%m/%Y %H:%M".')
        missing = data.get("missing", ("", "?"))
        if not isinstance(missing, list | tuple) or any(
            isinstance(m, list | dict) for m in missing
        ):
            raise MappingError('"missing" must be a list of the values that mean no value.')
        return cls(
            fields=rules,
            name=str(data.get("name") or ""),
            date_format=date_format,
            missing=tuple(str(m) for m in missing),
        )


def load_mapping(path: Path) -> ColumnMapping:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except FileNotFoundError:
        raise MappingError(f"There is no mapping file {path}.") from None
    except IsADirectoryError:
        raise MappingError(f"{path} is a folder: choose a mapping file (.json, .toml).") from None
    except (OSError, ValueError) as exc:
        raise MappingError(f"Cannot read the mapping {path.name}: {exc}") from exc
    except RecursionError:  # both parsers recurse once per nested list or table
        raise MappingError(f"Cannot read the mapping {path.name}: it nests too deeply.") from None
    if not isinstance(data, Mapping):
        raise MappingError(f"The mapping {path.name} is not a table.")
    try:
        return ColumnMapping.from_json(data)
    except MappingError as exc:
        raise MappingError(f"The mapping {path.name} is not usable: {exc}") from exc
    except (TypeError, ValueError) as exc:  # e.g. "missing": 3
        raise MappingError(f"The mapping {path.name} is not usable: {exc}.") from exc


def save_mapping(mapping: ColumnMapping, path: Path) -> None:
    path.write_text(json.dumps(mapping.to_json(), indent=2) + "\n", encoding="utf-8")


class MappedReader:
    """Turns CSV rows into incidents through a mapping. Feed it the header first."""

    def __init__(self, mapping: ColumnMapping, header: list[str]) -> None:
        missing = [t for t in REQUIRED if t not in mapping.fields]
        if missing:
            raise MappingError(f"Map a column to {' and '.join(missing)}.")
        self._index = {name: n for n, name in enumerate(header)}
        for target, rule in mapping.fields.items():
            columns = [rule.column] if rule.column else []
            if rule.template:
                columns += _checked_template(rule.template, target)
            absent = [c for c in columns if c not in self._index]
            if absent:
                raise MappingError(
                    f"The file has no column {absent[0]!r} (mapped to {target}). "
                    f"Its columns are: {', '.join(header)}."
                )
        self._mapping = mapping
        self._width = len(header)
        self._missing = set(mapping.missing)
        self.rejected: list[RejectedRow] = []
        self.rows_read = 0

    def _value(self, row: list[str], target: str) -> Any:
        rule = self._mapping.fields.get(target)
        if rule is None:
            return None
        raw: str | None
        if rule.template:
            raw = rule.template.format_map(
                {c: self._cell(row, c) or "" for c in template_columns(rule.template)}
            ).strip()
        elif rule.column:
            raw = self._cell(row, rule.column)
        else:
            raw = None
        if not raw:
            raw = rule.default
        if raw is None:
            return None
        if target in DATES:
            moment = read_date(raw, rule.format or self._mapping.date_format)
            return check_plausible(moment, target)
        return rule.values.get(raw, raw)

    def _cell(self, row: list[str], column: str) -> str | None:
        value = restore_cell(row[self._index[column]]).strip()
        return None if value in self._missing else value

    def incidents(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[ImportedIncident]:
        seen: set[str] = set()
        for line, row in rows:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            self.rows_read += 1
            try:
                incident = self.read_row(row)
                if incident.number in seen:
                    raise ValueError(f"{incident.number} appears twice in the file")
                seen.add(incident.number)
            except (ValueError, TypeError) as exc:
                self.rejected.append(RejectedRow(line, str(exc)))
                continue
            yield incident

    def read_row(self, row: list[str]) -> ImportedIncident:
        """One row as an incident; ValueError says why the row would be rejected."""
        if len(row) != self._width:
            raise ValueError(f"has {len(row)} fields, the header has {self._width}")
        check_cells(row)
        number = self._value(row, "number")
        if not number:
            raise ValueError("the incident number is missing")
        number = str(number).strip().upper()[:20]
        opened = self._value(row, "opened_at")
        if opened is None:
            raise ValueError(f"{number}: opened_at is missing")
        status = str(self._value(row, "status") or "new")
        if status not in STATUSES:
            raise ValueError(f"{number}: status {status!r} is not one of {', '.join(STATUSES)}")
        hold = self._value(row, "hold_reason")
        if hold is not None and hold not in HOLD_REASONS:
            raise ValueError(f"{number}: hold reason {hold!r} is not one of {HOLD_REASONS}")
        if status == "on_hold" and hold is None:
            hold = "awaiting_caller"
        channel = str(self._value(row, "channel") or "phone")
        if channel not in CHANNELS:
            raise ValueError(f"{number}: channel {channel!r} is not one of {', '.join(CHANNELS)}")
        resolved = self._value(row, "resolved_at")
        closed = self._value(row, "closed_at")
        acknowledged = self._value(row, "acknowledged_at")
        for moment, what in ((acknowledged, "acknowledged"), (resolved, "resolved"),
                             (closed, "closed")):  # fmt: skip
            if moment is not None and moment < opened:
                raise ValueError(
                    f"{number}: {what} at {moment:%Y-%m-%d %H:%M} is before it was opened "
                    f"({opened:%Y-%m-%d %H:%M})"
                )
        if resolved is None and status in ("resolved", "closed"):
            # A help desk that records only the closing: that is when it was resolved too, so
            # the reports count it (they key on resolved_at).
            resolved = closed
        incident = ImportedIncident(
            number=number,
            title=str(self._value(row, "title") or f"Imported {number}"),
            opened_at=opened,
            updated_at=max(d for d in (opened, acknowledged, resolved, closed) if d is not None),
            impact=_level(self._value(row, "impact"), "impact", 3, number),
            urgency=_level(self._value(row, "urgency"), "urgency", 3, number),
            priority=(
                None
                if self._value(row, "priority") is None
                else _level(self._value(row, "priority"), "priority", 5, number)
            ),
            status=status,
            hold_reason=hold if status == "on_hold" else None,
            category=_text(self._value(row, "category")),
            channel=channel,
            team=_text(self._value(row, "team")),
            agent=_text(self._value(row, "agent")),
            caller=_text(self._value(row, "caller")),
            acknowledged_at=acknowledged,
            resolved_at=resolved,
            closed_at=closed,
            resolution=str(self._value(row, "resolution") or ""),
        )
        details = json.dumps({"source": "csv"})
        incident.events.append(
            ImportedEvent(opened, "created", f"Opened {number} (imported)", details)
        )
        if resolved is not None:
            incident.events.append(ImportedEvent(resolved, "status", "→ Resolved", details))
        if closed is not None:
            incident.events.append(ImportedEvent(closed, "status", "→ Closed", details))
        return incident


def template_columns(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _checked_template(template: str, target: str) -> list[str]:
    """The columns a template names, or a MappingError if rows could not be put through it: a
    stray brace, a positional {} or {0}, {a.b} or {a[0]} (Python would look inside the value),
    a nested {a:{b}}, or a format the text of a cell cannot take."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
        if any(not name or name.isdigit() or "." in name or "[" in name for name in names):
            problem = "it names something other than a column"
        else:
            template.format_map(dict.fromkeys(names, ""))
            return names
    except ValueError as exc:
        problem = str(exc)
    except (KeyError, IndexError, AttributeError):
        problem = "it names something other than a column"
    raise MappingError(
        f"The template for {target} cannot be used ({problem}): name columns in braces, "
        "like {category}: {ci_name}, and write a brace itself as {{ or }}."
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _level(value: Any, name: str, highest: int, number: str) -> int:
    if value is None:
        return 2 if highest == 3 else 3
    text = str(value).split("-", 1)[0].strip()
    if not text.isdigit() or not 1 <= int(text) <= highest:
        raise ValueError(f"{number}: {name} {value!r} is not one of 1-{highest}")
    return int(text)


def read_date(text: str, fmt: str | None) -> datetime:
    try:
        parsed = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like {fmt or 'YYYY-MM-DD HH:MM:SS'}") from None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC
        raise ValueError(f"{text!r} is out of the range of dates Calmdesk can store") from None
