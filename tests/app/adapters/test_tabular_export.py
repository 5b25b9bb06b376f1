"""Writing records to CSV or JSON: atomic, UTC ISO times, readable booleans and blanks."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from app.adapters.tabular_export import FORMATS, write_records

COLUMNS = ("name", "when", "flag", "missing", "count")
RECORDS: list[dict[str, Any]] = [
    {
        "name": 'Émilie, "quoted"',
        "when": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        "flag": True,
        "missing": None,
        "count": 3,
        "ignored": "not a column",
    },
    {
        "name": "Bob",
        "when": datetime(2026, 1, 5, 10, 0, tzinfo=timezone(timedelta(hours=2))),
        "flag": False,
        "count": 0,
    },
]


def test_csv_has_a_header_and_readable_cells(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert write_records(RECORDS, COLUMNS, "csv", out) == 2
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows == [
        list(COLUMNS),
        ['Émilie, "quoted"', "2026-01-05T09:00:00+00:00", "yes", "", "3"],
        ["Bob", "2026-01-05T10:00:00+02:00", "no", "", "0"],
    ]


def test_json_is_a_list_of_objects_with_only_the_columns(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert write_records(RECORDS, COLUMNS, "json", out) == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data[0] == {
        "name": 'Émilie, "quoted"',
        "when": "2026-01-05T09:00:00+00:00",
        "flag": True,
        "missing": None,
        "count": 3,
    }
    assert data[1]["missing"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_records_still_make_a_valid_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"empty.{fmt}"
    assert write_records([], COLUMNS, fmt, out) == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text) == []
    else:
        assert text.strip() == ",".join(COLUMNS)


def test_the_output_folder_is_created(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "today" / "out.csv"
    write_records(RECORDS, COLUMNS, "csv", out)
    assert out.is_file()


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Unknown format 'xlsx'; use one of csv, json"):
        write_records(RECORDS, COLUMNS, "xlsx", tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_failed_export_never_replaces_a_good_one(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    write_records(RECORDS, COLUMNS, fmt, out)
    good = out.read_bytes()

    def failing() -> Iterator[dict[str, Any]]:
        yield RECORDS[0]
        raise OSError("the database went away")

    with pytest.raises(OSError, match="went away"):
        write_records(failing(), COLUMNS, fmt, out)
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind
