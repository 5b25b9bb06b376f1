"""Exports: the queue as shown, the call log, and one incident's timeline, to CSV and JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.adapters.tabular_export import write_records
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.incidents.reads import IncidentReads
from app.services.reports.record_exports import (
    CALL_COLUMNS,
    QUEUE_COLUMNS,
    TIMELINE_COLUMNS,
    call_records,
    queue_records,
    timeline_records,
)
from tests.helpers import MONDAY_MORNING, add_call, open_incident


def test_the_visible_queue_rows_export_in_their_order(ctx: ServiceContext, tmp_path: Path) -> None:
    first, second = open_incident(ctx, "VPN down"), open_incident(ctx, "Printer jams")
    rows = IncidentReads(ctx).rows([first.id, second.id])
    shown = [r for r in rows if r.title == "Printer jams"]  # the window's filter
    out = tmp_path / "queue.json"
    assert write_records(queue_records(shown, ctx.clock.now()), QUEUE_COLUMNS, "json", out) == 1
    (record,) = json.loads(out.read_text(encoding="utf-8"))
    assert record["number"] == second.number
    assert record["status"] == "New"
    assert record["sla"] == "ok"


def test_calls_and_a_timeline_export_to_csv(ctx: ServiceContext, tmp_path: Path) -> None:
    incident = open_incident(ctx, "Email down")
    add_call(ctx.db, incident.id, MONDAY_MORNING, caller="Ann Lee")
    calls = tmp_path / "calls.csv"
    assert write_records(call_records(ctx), CALL_COLUMNS, "csv", calls) == 1
    with calls.open(encoding="utf-8") as stream:
        (call,) = list(csv.DictReader(stream))
    assert (call["caller"], call["incident"]) == ("Ann Lee", incident.number)
    timeline = tmp_path / "timeline.csv"
    records = timeline_records(ctx, incident.number.lower())
    assert write_records(records, TIMELINE_COLUMNS, "csv", timeline) == 1
    with timeline.open(encoding="utf-8") as stream:
        (event,) = list(csv.DictReader(stream))
    assert event["kind"] == "created"
    assert event["actor"] == "Alice Admin"


def test_an_unknown_incident_has_no_timeline(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound, match="INC9999999"):
        list(timeline_records(ctx, "INC9999999"))


def test_a_timeline_is_found_by_its_number_typed_short(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    assert incident.number == "INC0000001"
    for typed in ("1", "inc1", " INC 0000001 "):
        (event,) = list(timeline_records(ctx, typed))
        assert event["kind"] == "created"
