"""docs/schema.md stays true to the schema: every table and column is described, and the example
queries run on both backends and find what they promise."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Row, text

from app.db.models import Base
from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from tests.helpers import add_call, open_incident

SCHEMA_DOC = Path(__file__).resolve().parents[3] / "docs" / "schema.md"
LONG_AGO = datetime(2001, 2, 3, 4, 5, tzinfo=UTC)  # so the examples' CURRENT_TIMESTAMP is later


def _sections() -> dict[str, str]:
    parts = re.split(r"^### (\w+)\n", SCHEMA_DOC.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _examples() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", SCHEMA_DOC.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("table", sorted(Base.metadata.tables))
def test_every_table_and_column_is_described(table: str) -> None:
    sections = _sections()
    assert table in sections, f"docs/schema.md has no '### {table}' section"
    described = set(re.findall(r"^\| (\w+) \|", sections[table], flags=re.M))
    missing = {c.name for c in Base.metadata.tables[table].columns} - described
    assert not missing, f"{table}: columns not described: {sorted(missing)}"


def test_the_examples_find_what_they_promise(ctx: ServiceContext, clock: ManualClock) -> None:
    clock.set(LONG_AGO)
    commands = IncidentCommands(ctx)
    p1 = open_incident(ctx, "Email down", impact=1, urgency=1)
    p1 = commands.declare_major(p1.id, p1.version, commander_id=ctx.actor.agent_id)
    quiet = open_incident(ctx, "Printer jam", impact=3, urgency=3)
    quiet = commands.transition(quiet.id, quiet.version, Status.IN_PROGRESS)
    commands.transition(quiet.id, quiet.version, Status.RESOLVED, resolution="Cleared it.")
    for _ in range(2):
        add_call(ctx.db, p1.id, clock.now())
    open_p1s, breached, calls, overdue, timeline = _examples()
    with ctx.db.read() as session:

        def run(sql: str) -> list[Row[Any]]:
            return list(session.execute(text(sql)).all())

        assert [row[0] for row in run(open_p1s)] == ["INC0000001"]
        assert [(row[0], row[4]) for row in run(breached)] == [("INC0000001", "respond")]
        assert [(row[0], row[3]) for row in run(calls)] == [("INC0000001", 2)]
        assert [(row[0], row[2]) for row in run(overdue)] == [("INC0000001", "Alice Admin")]
        assert run(timeline) == []  # the example asks about the sample's INC0000201
        assert run(timeline.replace("INC0000201", "INC0000002"))[-1][2:] == (
            "status",
            "In progress → Resolved",
        )
