"""Trying a column mapping on the first rows of a CSV before importing it: what is wrong with the
mapping itself (a required field with no column, a column the file does not have), and which
preview rows the import would reject and why. Also the small pieces a mapping editor needs:
short field names, value tables as text, and where saved mappings go by default.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.adapters.csv_mapping import (
    REQUIRED,
    TARGETS,
    ColumnMapping,
    MappedReader,
    MappingError,
    read_date,
    template_columns,
)
from app.adapters.import_files import CsvSource, ImportFileError
from app.adapters.servicenow_log import NotAServiceNowLog, ServiceNowReader

LABELS: dict[str, str] = {
    "number": "Incident number",
    "title": "Short description",
    "opened_at": "Opened at",
    "impact": "Impact",
    "urgency": "Urgency",
    "priority": "Priority",
    "status": "Status",
    "hold_reason": "Hold reason",
    "category": "Category",
    "channel": "Channel",
    "team": "Team",
    "agent": "Assigned agent",
    "caller": "Caller",
    "acknowledged_at": "Acknowledged at",
    "resolved_at": "Resolved at",
    "closed_at": "Closed at",
    "resolution": "Resolution",
}
assert set(LABELS) == set(TARGETS)
MAPPINGS_FOLDER = "import-mappings"


@dataclass(frozen=True)
class FilePreview:
    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (physical line, cells), the first rows
    samples: Mapping[str, tuple[str, ...]]  # column -> distinct values in the sampled rows
    servicenow: bool  # the header is a ServiceNow incident event log's


def read_preview(path: Path, shown: int = 50, sampled: int = 2000) -> FilePreview:
    """The header, the first `shown` rows, and the distinct values of the first `sampled` rows
    (for guessing value tables). ImportFileError when the file cannot be read as a CSV."""
    with CsvSource(path) as source:
        header = source.header()
        rows: list[tuple[int, tuple[str, ...]]] = []
        seen: list[dict[str, None]] = [{} for _ in header]
        for count, row in enumerate(source.rows()):
            if count >= sampled:
                break
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # the importer skips blank lines too
            if len(rows) < shown:
                rows.append((source.line, tuple(row)))
            for n, value in enumerate(row[: len(header)]):
                if len(seen[n]) < 50:
                    seen[n].setdefault(value.strip(), None)
    try:
        ServiceNowReader(header)
        servicenow = True
    except NotAServiceNowLog:
        servicenow = False
    return FilePreview(
        name=path.name,
        header=tuple(header),
        rows=tuple(rows),
        samples={column: tuple(seen[n]) for n, column in enumerate(header)},
        servicenow=servicenow,
    )


def is_servicenow_log(path: Path) -> bool | None:
    """Whether the file's header is a ServiceNow incident event log's (reads the header only);
    None when the file cannot be read as a CSV at all."""
    try:
        with CsvSource(path) as source:
            ServiceNowReader(source.header())
    except ImportFileError:
        return None
    except NotAServiceNowLog:
        return False
    return True


@dataclass(frozen=True)
class Problem:
    target: str | None  # the field it is about, if one
    message: str


@dataclass(frozen=True)
class RowCheck:
    line: int
    number: str | None
    reason: str | None  # None: the row imports

    @property
    def accepted(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class MappingCheck:
    problems: tuple[Problem, ...]  # any of these stops the import
    rows: tuple[RowCheck, ...]  # empty while there are problems

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def rejected(self) -> int:
        return sum(1 for row in self.rows if not row.accepted)

    def reasons(self) -> list[tuple[str, int]]:
        """Why preview rows would be rejected, the commonest first, with how many."""
        counts = Counter(row.reason for row in self.rows if row.reason is not None)
        return counts.most_common()


def check_mapping(mapping: ColumnMapping, preview: FilePreview) -> MappingCheck:
    problems: list[Problem] = []
    for target in REQUIRED:
        rule = mapping.fields.get(target)
        if rule is None or not (rule.column or rule.template or rule.default):
            problems.append(
                Problem(target, f"{LABELS[target]} is required: choose the column that holds it.")
            )
    for target, rule in mapping.fields.items():
        try:
            named = template_columns(rule.template or "")
        except ValueError as exc:
            problems.append(Problem(target, f"The template for {target} cannot be used: {exc}."))
            continue
        for column in ([rule.column] if rule.column else []) + named:
            if column not in preview.header:
                problems.append(
                    Problem(target, f"{LABELS[target]}: the file has no column {column!r}.")
                )
    if problems:
        return MappingCheck(tuple(problems), ())
    try:
        reader = MappedReader(mapping, list(preview.header))
    except MappingError as exc:  # e.g. a loaded template with a stray brace
        return MappingCheck((Problem(None, str(exc)),), ())
    checks: list[RowCheck] = []
    seen: set[str] = set()
    for line, cells in preview.rows:
        try:
            number = reader.read_row(list(cells)).number
        except (ValueError, TypeError) as exc:
            checks.append(RowCheck(line, *_split_reason(str(exc))))
            continue
        # An event log (one row per event) looks like this: say what the import expects.
        twice = "an earlier row has this number: one row per incident" if number in seen else None
        seen.add(number)
        checks.append(RowCheck(line, number, twice))
    return MappingCheck((), tuple(checks))


def _split_reason(text: str) -> tuple[str | None, str]:
    """`IM0000013: impact '4' is not one of 1-3` -> the number and the reason alone."""
    found = re.match(r"^(\S+): (.*)$", text, re.DOTALL)
    return (found.group(1), found.group(2)) if found else (None, text)


def format_values(values: Mapping[str, object]) -> str:
    return "; ".join(f"{old} = {new}" for old, new in values.items())


def parse_values(text: str) -> dict[str, str]:
    """`Closed = closed; Active = in_progress` -> a value table. MappingError if malformed."""
    table: dict[str, str] = {}
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        old, equals, new = part.partition("=")
        if not equals or not old.strip():
            raise MappingError(f"Write each value as old = new, separated by ';' (not {part!r}).")
        table[old.strip()] = new.strip()
    return table


def mappings_folder(config_dir: Path) -> Path:
    """Where saved mappings go unless the user chooses elsewhere (the Calmdesk config folder)."""
    return config_dir / MAPPINGS_FOLDER


def save_mapping_file(mapping: ColumnMapping, path: Path) -> Path:
    """Save as JSON (the format every Calmdesk reads back); returns the file written."""
    if path.suffix.lower() != ".json":
        path = path.with_name(path.name.removesuffix(path.suffix) + ".json")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(mapping.to_json(), indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"Cannot save the mapping to {path}: {exc.strerror or exc}.") from exc
    return path


def date_example(mapping: ColumnMapping, preview: FilePreview) -> str:
    """How the first row's opened-at value reads under the mapping's date format, so a person
    can see at once whether 03/04 is the 3rd of April or the 4th of March."""
    rule = mapping.fields.get("opened_at")
    if rule is None or rule.column not in preview.header or not preview.rows:
        return ""
    line, cells = preview.rows[0]
    index = preview.header.index(rule.column)
    text = cells[index].strip() if index < len(cells) else ""
    fmt = rule.format or mapping.date_format
    try:
        moment = read_date(text, fmt)
    except ValueError as exc:
        return f"Opened at on line {line}: {exc}."
    return f"Opened at on line {line}: {text!r} reads as {moment:%d %B %Y %H:%M} UTC."
