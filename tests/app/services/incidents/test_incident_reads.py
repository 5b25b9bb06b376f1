"""Reading incidents: queue rows (open ones, plus recently resolved), details, timelines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, text

from app.db.models import Incident
from app.domain.clock import ManualClock
from app.domain.lifecycle import HoldReason, Status
from app.domain.priority import Priority
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.dto import IncidentRow
from app.services.incidents.reads import IncidentReads, queue_query
from tests.helpers import add_agent, add_call, add_service, add_team, open_incident


def _walk(ctx: ServiceContext, title: str, *steps: Status) -> int:
    commands = IncidentCommands(ctx)
    incident = open_incident(ctx, title)
    for step in steps:
        incident = commands.transition(
            incident.id,
            incident.version,
            step,
            hold_reason=HoldReason.AWAITING_CALLER,
            resolution="Fixed.",
        )
    return incident.id


def test_queue_rows_hold_the_open_incidents_and_those_resolved_since(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    new = _walk(ctx, "new")
    working = _walk(ctx, "working", Status.IN_PROGRESS)
    held = _walk(ctx, "held", Status.IN_PROGRESS, Status.ON_HOLD)
    resolved_yesterday = _walk(ctx, "yesterday", Status.IN_PROGRESS, Status.RESOLVED)
    _walk(ctx, "cancelled", Status.CANCELLED)
    clock.advance(timedelta(days=1))
    today = clock.now()
    resolved_today = _walk(ctx, "today", Status.IN_PROGRESS, Status.RESOLVED)
    closed_today = _walk(ctx, "closed", Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED)
    reads = IncidentReads(ctx)
    assert {row.id for row in reads.queue_rows()} == {new, working, held}
    assert {row.id for row in reads.queue_rows(resolved_since=today)} == {
        new,
        working,
        held,
        resolved_today,
        closed_today,
    }
    assert resolved_yesterday not in {row.id for row in reads.queue_rows(today)}


def test_queue_rows_count_the_calls_linked_to_each_incident(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    busy = open_incident(ctx, "Email down")
    quiet = open_incident(ctx, "Printer jam")
    for minute in range(3):
        add_call(ctx.db, busy.id, clock.now() + timedelta(minutes=minute))
    add_call(ctx.db, None, clock.now())  # a call not linked to anything yet
    calls = {row.id: row.calls for row in IncidentReads(ctx).queue_rows()}
    assert calls == {busy.id: 3, quiet.id: 0}


def test_a_queue_row_carries_names_and_typed_values(ctx: ServiceContext) -> None:
    team = add_team(ctx.db, "Messaging")
    jon = add_agent(ctx.db, "jon", "Jon Eriksen", team_id=team)
    email = add_service(ctx.db, "Email")
    incident = IncidentCommands(ctx).open(
        IncidentDraft(
            title="Mail down", impact=1, urgency=1, service_id=email, assignee_id=jon.agent_id
        )
    )
    incident = IncidentCommands(ctx).transition(incident.id, incident.version, Status.IN_PROGRESS)
    incident = IncidentCommands(ctx).transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR
    )
    [row] = IncidentReads(ctx).queue_rows()
    assert (row.number, row.title, row.service, row.assignee, row.team, row.caller) == (
        "INC0000001",
        "Mail down",
        "Email",
        "Jon Eriksen",
        "Messaging",
        "",
    )
    assert row.status is Status.ON_HOLD
    assert row.hold_reason is HoldReason.AWAITING_VENDOR
    assert row.priority is Priority.CRITICAL
    assert row.major is False
    assert row.version == incident.version
    assert row.opened_at.tzinfo is not None


def test_rows_fetches_just_the_incidents_asked_for(ctx: ServiceContext) -> None:
    first = open_incident(ctx, "one")
    open_incident(ctx, "two")
    third = open_incident(ctx, "three")
    reads = IncidentReads(ctx)
    assert {row.title for row in reads.rows([first.id, third.id])} == {"one", "three"}
    assert reads.rows([]) == []


def test_find_by_number_forgives_case_and_spaces(ctx: ServiceContext) -> None:
    incident = open_incident(ctx, "Mail down")
    assert IncidentReads(ctx).find_by_number("  inc0000001 ").id == incident.id


def test_find_by_number_says_when_there_is_none(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound, match="There is no incident INC0000099"):
        IncidentReads(ctx).find_by_number("inc0000099")


def test_detail_of_a_missing_incident_says_so(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound):
        IncidentReads(ctx).detail(404)


def test_the_timeline_is_in_time_order_with_the_actor_named(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    commands = IncidentCommands(ctx)
    incident = open_incident(ctx)
    clock.advance(timedelta(minutes=1))
    commands.add_note(incident.id, "first note")
    clock.advance(timedelta(minutes=1))
    commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    timeline = IncidentReads(ctx).timeline(incident.id)
    assert [e.kind for e in timeline] == ["created", "note", "status"]
    assert [e.at for e in timeline] == sorted(e.at for e in timeline)
    assert {e.actor for e in timeline} == {"Alice Admin"}


def test_count_counts_every_incident(ctx: ServiceContext) -> None:
    for n in range(3):
        open_incident(ctx, f"incident {n}")
    assert IncidentReads(ctx).count() == 3


def test_queue_query_columns_are_the_row_fields_in_order() -> None:
    # Rows are built positionally from the query, so its columns must follow IncidentRow (but
    # its last field, the monitoring alert, attached after the read).
    columns = [column.name for column in queue_query(None).selected_columns]
    assert [*columns, "alert"] == list(IncidentRow._fields)


def test_the_queue_read_keeps_its_indexes_when_sqlite_has_statistics(
    sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    # Years of closed history and a few open incidents; then someone runs ANALYZE on the file.
    # With statistics, SQLite planned the old single `status IN (...) OR resolved_at >= ...`
    # as a scan of every incident ever held; each half of the queue read must keep an index.
    now = clock.now()
    history = [
        {
            "number": f"OLD{n:07d}",
            "title": "old",
            "impact": 3,
            "urgency": 3,
            "priority": 5,
            "status": "closed",
            "opened_at": now - timedelta(days=3 + n % 700),
            "resolved_at": now - timedelta(days=2 + n % 700),
            "updated_at": now - timedelta(days=2 + n % 700),
            "respond_by": now,
            "resolve_by": now,
        }
        for n in range(2000)
    ]
    with sqlite_ctx.db.write() as session:
        session.execute(insert(Incident), history)
    open_ids = {open_incident(sqlite_ctx, f"open {n}").id for n in range(5)}
    since = now - timedelta(days=1)
    query = queue_query(since).compile(
        dialect=sqlite_ctx.db.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with sqlite_ctx.db.write() as session:
        session.execute(text("ANALYZE"))
        plan = [row[3] for row in session.execute(text(f"EXPLAIN QUERY PLAN {query}"))]
    assert not [step for step in plan if step.startswith("SCAN incidents")], plan
    assert {row.id for row in IncidentReads(sqlite_ctx).queue_rows(since)} == open_ids
