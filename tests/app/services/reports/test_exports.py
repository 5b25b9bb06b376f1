"""Exporting incidents: one flat row per incident, to CSV or JSON."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest

from app.adapters.tabular_export import write_records
from app.domain.lifecycle import Status
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.reports.incident_exports import INCIDENT_COLUMNS, incident_records
from tests.demo_sample import LoadDemo
from tests.helpers import add_call, open_incident

REQUIRED_COLUMNS = (
    "number",
    "title",
    "priority",
    "status",
    "service",
    "assignee",
    "team",
    "major",
    "parent",
    "calls",
    "opened_at",
    "resolved_at",
)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_export_has_the_columns_an_administrator_expects() -> None:
    assert set(REQUIRED_COLUMNS) <= set(INCIDENT_COLUMNS)


def test_csv_export_has_one_row_per_incident(
    ctx: ServiceContext, tmp_path: Path, demo: LoadDemo
) -> None:
    demo(ctx)
    out = tmp_path / "incidents.csv"
    assert write_records(incident_records(ctx), INCIDENT_COLUMNS, "csv", out) == 204
    rows = _read_csv(out)
    assert len(rows) == 204
    assert list(rows[0]) == list(INCIDENT_COLUMNS)
    assert len({row["number"] for row in rows}) == 204
    assert [row["number"] for row in rows] == sorted(row["number"] for row in rows)
    [major] = [row for row in rows if row["major"] == "yes"]
    assert (major["priority"], major["calls"], major["service"]) == ("P1", "30", "Email")
    children = [row for row in rows if row["parent"] == major["number"]]
    assert len(children) == 3


def test_csv_export_writes_readable_values(ctx: ServiceContext, tmp_path: Path) -> None:
    commands = IncidentCommands(ctx)
    parent = open_incident(ctx, "Email down", impact=1, urgency=1)
    child = open_incident(ctx, 'Outlook, "disconnected"\nagain')
    commands.link_to_parent(child.id, child.version, parent.id)
    parent = commands.transition(parent.id, parent.version, Status.IN_PROGRESS)
    commands.transition(parent.id, parent.version, Status.RESOLVED, resolution="Fixed.")
    add_call(ctx.db, parent.id, ctx.clock.now())
    out = tmp_path / "incidents.csv"
    write_records(incident_records(ctx), INCIDENT_COLUMNS, "csv", out)
    first, second = _read_csv(out)
    assert first["status"] == "Resolved"
    assert first["priority"] == "P1"
    assert first["major"] == "no"
    assert first["calls"] == "1"
    assert first["resolution"] == "Fixed."
    assert datetime.fromisoformat(first["resolved_at"]) == ctx.clock.now()
    assert first["resolved_at"].endswith("+00:00")
    assert second["title"] == 'Outlook, "disconnected" again'
    assert second["parent"] == "INC0000001"
    assert second["resolved_at"] == ""
    assert second["calls"] == "0"


def test_json_export_parses_and_keeps_types(ctx: ServiceContext, tmp_path: Path) -> None:
    first = open_incident(ctx, "Email down", impact=1, urgency=1)
    open_incident(ctx, "Printer jam")
    add_call(ctx.db, first.id, ctx.clock.now())
    out = tmp_path / "incidents.json"
    assert write_records(incident_records(ctx), INCIDENT_COLUMNS, "json", out) == 2
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["number"] for r in records] == ["INC0000001", "INC0000002"]
    assert set(records[0]) == set(INCIDENT_COLUMNS)
    assert (records[0]["major"], records[0]["calls"], records[0]["impact"]) == (False, 1, 1)
    assert records[0]["resolved_at"] is None
    assert datetime.fromisoformat(records[0]["opened_at"]) == ctx.clock.now()


def test_an_empty_database_exports_just_the_header(ctx: ServiceContext, tmp_path: Path) -> None:
    out = tmp_path / "empty.csv"
    assert write_records(incident_records(ctx), INCIDENT_COLUMNS, "csv", out) == 0
    assert out.read_text(encoding="utf-8").strip() == ",".join(INCIDENT_COLUMNS)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_exported_incidents_match_the_queue(ctx: ServiceContext, tmp_path: Path, fmt: str) -> None:
    for n in range(5):
        open_incident(ctx, f"incident {n}")
    out = tmp_path / f"incidents.{fmt}"
    write_records(incident_records(ctx), INCIDENT_COLUMNS, fmt, out)
    if fmt == "csv":
        numbers = [row["number"] for row in _read_csv(out)]
    else:
        numbers = [row["number"] for row in json.loads(out.read_text(encoding="utf-8"))]
    assert numbers == [f"INC{n:07d}" for n in range(1, 6)]
