"""Writing records to CSV or JSON files. Times are written as ISO 8601 in UTC.

CSV text cells are made safe to open in a spreadsheet (app/adapters/spreadsheet_cells.py); JSON
stays exact.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from app.adapters.export_formats import FORMATS
from app.adapters.spreadsheet_cells import safe_cell

__all__ = ["FORMATS", "write_records"]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return safe_cell(value)
    return "" if value is None else value


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def write_records(
    records: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, out: Path
) -> int:
    """Write to `out` atomically (a half-written export never replaces a good one); returns rows."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            count = (
                _write_csv(records, columns, stream)
                if fmt == "csv"
                else _write_json(records, columns, stream)
            )
        os.replace(temp_name, out)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return count


def _write_csv(records: Iterable[dict[str, Any]], columns: Sequence[str], stream: IO[str]) -> int:
    writer = csv.writer(stream)
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([_cell(record.get(column)) for column in columns])
        count += 1
    return count


def _write_json(records: Iterable[dict[str, Any]], columns: Sequence[str], stream: IO[str]) -> int:
    # Streamed by hand so a large export never sits in memory as one list.
    stream.write("[\n")
    count = 0
    for record in records:
        if count:
            stream.write(",\n")
        stream.write(
            json.dumps({c: _json_value(record.get(c)) for c in columns}, ensure_ascii=False)
        )
        count += 1
    stream.write("\n]\n")
    return count
