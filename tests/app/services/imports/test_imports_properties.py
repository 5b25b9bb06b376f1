"""Importing any file at all, into a real SQLite file: a report whose counts are exactly what
the database gained, or a clear refusal (InvalidInput and friends) that left every table as it
was. One database per test (SQLite, and PostgreSQL where the `ctx` fixture runs on both), shared by
its examples: each compares before with after."""

from __future__ import annotations

import lzma
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.adapters.csv_mapping import ColumnMapping, MappingError
from app.db.models import Base, Counter, Incident, TimelineEvent
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.imports.commands import import_csv, import_servicenow
from app.services.imports.writer import ImportReport
from tests.app.adapters.test_csv_mapping_properties import CELLS, HEADER, MAPPINGS
from tests.app.adapters.test_servicenow_log_properties import HEADER as LOG_HEADER
from tests.app.adapters.test_servicenow_log_properties import event_rows
from tests.properties import TRICKY_TEXT, assert_clear_refusal, csv_text

SHARED_DATABASE = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    max_examples=30,
)
LOG_FILES = (
    st.binary(max_size=400)
    | st.lists(event_rows(), max_size=8).map(lambda rows: csv_text([LOG_HEADER, *rows]).encode())
    | st.lists(st.lists(TRICKY_TEXT, max_size=4), max_size=4).map(lambda r: csv_text(r).encode())
)
BPI_MAPPING = {
    "fields": {
        "number": "id",
        "opened_at": "opened",
        "impact": {"column": "impact", "values": {"High": 1}},
        "status": {"column": "state", "default": "new"},
        "agent": "who",
        "team": "who",
        "caller": "who",
        "title": {"template": "{who}: {text}"},
        "category": "text",
    }
}


def _snapshot(ctx: ServiceContext) -> dict[str, Any]:
    """Every table's row count, and the counters new incident numbers come from."""
    with ctx.db.read() as session:
        counts: dict[str, Any] = {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        counts["counters"] = sorted(session.execute(select(Counter.name, Counter.value)).all())
    return counts


def _check_outcome(ctx: ServiceContext, before: dict[str, Any], attempt: Any) -> None:
    try:
        report = attempt()
    except (InvalidInput, MappingError) as refused:
        assert_clear_refusal(refused)
        assert _snapshot(ctx) == before, "a refused import changed the database"
        return
    assert isinstance(report, ImportReport)
    after = _snapshot(ctx)
    assert after[Incident.__tablename__] - before[Incident.__tablename__] == (
        report.incidents_created
    )
    assert after[TimelineEvent.__tablename__] - before[TimelineEvent.__tablename__] == (
        report.events_added
    )
    assert len(report.rejected) <= report.rows_read
    assert all(r.line >= 2 and r.reason.strip() and "\n" not in r.reason for r in report.rejected)
    assert "\n" not in report.summary


@SHARED_DATABASE
@given(content=LOG_FILES, compressed=st.booleans())
def test_any_servicenow_file_is_imported_or_refused_leaving_nothing_behind(
    ctx: ServiceContext, tmp_path: Path, content: bytes, compressed: bool
) -> None:
    path = tmp_path / ("log.csv.xz" if compressed else "log.csv")
    path.write_bytes(lzma.compress(content) if compressed and content[:1] != b"\xff" else content)
    before = _snapshot(ctx)
    _check_outcome(ctx, before, lambda: import_servicenow(ctx, path))


@SHARED_DATABASE
@given(rows=st.lists(CELLS, max_size=8), raw=st.binary(max_size=200), use_raw=st.booleans())
def test_any_csv_is_imported_through_a_mapping_or_refused(
    ctx: ServiceContext, tmp_path: Path, rows: list[list[str]], raw: bytes, use_raw: bool
) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(raw if use_raw else csv_text([HEADER, *rows]).encode())
    mapping = ColumnMapping.from_json(BPI_MAPPING)
    before = _snapshot(ctx)
    _check_outcome(ctx, before, lambda: import_csv(ctx, path, mapping))


@SHARED_DATABASE
@given(data=MAPPINGS, rows=st.lists(CELLS, min_size=1, max_size=4))
def test_any_mapping_imports_or_is_refused_leaving_nothing_behind(
    sqlite_ctx: ServiceContext, tmp_path: Path, data: dict[str, Any], rows: list[list[str]]
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(csv_text([HEADER, *rows]), encoding="utf-8")
    try:
        mapping = ColumnMapping.from_json(data)
    except MappingError as refused:
        assert_clear_refusal(refused)
        return
    before = _snapshot(sqlite_ctx)
    _check_outcome(sqlite_ctx, before, lambda: import_csv(sqlite_ctx, path, mapping))


@pytest.mark.parametrize(
    ("opened", "rejected"),
    [
        ("1/1/1 00:00", []),
        ("31/12/2999 23:59", []),
        ("31/12/9999 23:00", ["line 2: INC0000001: opened_at 9999-12-31 is after the year 2999"]),
    ],
)
def test_a_date_at_the_end_of_the_calendar_is_rejected_not_overflowed(
    sqlite_ctx: ServiceContext, tmp_path: Path, opened: str, rejected: list[str]
) -> None:
    values = dict.fromkeys(LOG_HEADER, "?") | {
        "number": "INC0000001",
        "incident_state": "Awaiting Vendor",
        "sys_mod_count": "0",
        "opened_at": opened,
        "sys_updated_at": "5/1/2026 09:00",
        "impact": "1 - High",
        "urgency": "1 - High",
        "priority": "1 - Critical",
    }
    path = tmp_path / "edge.csv"
    path.write_text(csv_text([LOG_HEADER, [values[c] for c in LOG_HEADER]]), encoding="utf-8")
    report = import_servicenow(sqlite_ctx, path)
    assert [str(r) for r in report.rejected] == rejected
    assert report.incidents_created == (0 if rejected else 1)


def test_a_csv_date_after_2999_is_rejected_with_its_row(
    sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    rows = [["A1", "2026-01-05", "", "", "", ""], ["A2", "9999-12-31 23:00", "", "", "", ""]]
    path.write_text(csv_text([HEADER, *rows]), encoding="utf-8")
    mapping = ColumnMapping.from_json({"fields": {"number": "id", "opened_at": "opened"}})
    report = import_csv(sqlite_ctx, path, mapping)
    assert report.incidents_created == 1
    assert [str(r) for r in report.rejected] == [
        "line 3: opened_at 9999-12-31 is after the year 2999"
    ]


def _log_row(**cells: str) -> list[str]:
    values = dict.fromkeys(LOG_HEADER, "?") | {
        "number": "INC0000001",
        "incident_state": "Active",
        "sys_mod_count": "0",
        "opened_at": "5/1/2026 09:00",
        "sys_updated_at": "5/1/2026 09:00",
        "impact": "2 - Medium",
        "urgency": "2 - Medium",
        "priority": "3 - Moderate",
    }
    return [(values | cells)[c] for c in LOG_HEADER]


def test_long_names_nuls_and_long_numbers_import_on_both_databases(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    long_name = "Service desk " + "x" * 200
    rows = [
        _log_row(assignment_group=long_name, caller_id=long_name, category=long_name),
        _log_row(number="INC0000002", caller_id="Ann\x00Lee"),
        _log_row(number="INC" + "1" * 30),
    ]
    path = tmp_path / "log.csv"
    path.write_text(csv_text([LOG_HEADER, *rows]), encoding="utf-8")
    first = import_servicenow(ctx, path)
    again = import_servicenow(ctx, path)  # the cut names are found again, not re-inserted
    assert (first.incidents_created, again.incidents_updated) == (1, 1)
    assert [str(r) for r in first.rejected] == [
        "line 3: INC0000002: holds a NUL character: the file may be damaged",
        f"line 4: INC{'1' * 30}: the number is longer than 20 characters",
    ]
    with ctx.db.read() as session:
        incident = session.scalars(select(Incident)).one()
    assert incident.category == long_name[:120]
    assert incident.team_id is not None
    assert incident.caller_id is not None
