"""The queue's first page is cut in SQL in exactly the order the queue model sorts by
(`default_order_key`), on SQLite and PostgreSQL, over data made to catch every part of the key."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from app.db.models import Incident
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import default_order_key, sla
from app.services.incidents.reads import IncidentReads

# Offsets from now for due and stop times: equal ones (ties on the time left), a microsecond
# apart (a float of days would round them together), zero left (due exactly now: not breached).
_OFFSETS = [
    timedelta(0),
    timedelta(microseconds=1),
    timedelta(microseconds=-1),
    timedelta(seconds=1),
    timedelta(minutes=-30),
    timedelta(hours=2, microseconds=999_999),
    timedelta(days=-3),
    timedelta(days=30, microseconds=1),
]
# Numbers that order differently by code point than in a locale's collation.
_PREFIXES = ["INC", "inc", "INC-", "INC_", "Inc", "INCÉ", "ZZ", "a"]


def _incident(n: int, now: datetime, since: datetime, pick: random.Random) -> dict[str, Any]:
    state = pick.choice(["new", "acknowledged", "on_hold", "resolved", "closed", "old"])
    due = now + pick.choice(_OFFSETS)
    stop = now + pick.choice(_OFFSETS)
    row: dict[str, Any] = {
        "number": f"{pick.choice(_PREFIXES)}{pick.randrange(30):03d}#{n}",
        "title": f"incident {n}",
        "impact": 2,
        "urgency": 2,
        "priority": pick.choice([1, 2, 2, 3, 5]),
        "major": pick.random() < 0.2,
        "status": {"new": "new", "acknowledged": "in_progress", "on_hold": "on_hold"}.get(
            state, "resolved" if state != "closed" else "closed"
        ),
        "opened_at": now - timedelta(days=4),
        "updated_at": now,
        "respond_by": due,
        "resolve_by": now + pick.choice(_OFFSETS),
    }
    if state != "new":
        row["acknowledged_at"] = now - timedelta(days=3)
    if state == "on_hold":
        row["on_hold_since"] = stop
    if state in ("resolved", "closed"):
        row["resolved_at"] = max(stop, since)  # resolved since yesterday: in the queue
    if state == "old":
        row["resolved_at"] = since - timedelta(microseconds=1)  # just before: not in it
    return row


def _awkward_queue(ctx: ServiceContext, since: datetime, count: int = 240) -> None:
    pick = random.Random(19)
    now = ctx.clock.now()
    rows = [_incident(n, now, since, pick) for n in range(count)]
    # Two with every part of the key equal but the number, and those differing only in case.
    twin = dict(rows[0], major=True, number="INC500", status="new", priority=1)
    twin.pop("acknowledged_at", None)
    rows += [twin, dict(twin, number="INC50"), dict(twin, number="inc500")]
    with ctx.db.write() as session:
        session.execute(insert(Incident), rows)


def _triage_order(rows: list[IncidentRow], now: datetime) -> list[str]:
    return [r.number for r in sorted(rows, key=lambda r: default_order_key(r, sla(r, now)))]


def test_the_first_page_is_the_queue_in_default_order_key_order(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    clock.advance(timedelta(microseconds=123_457))  # a now that is not a round second
    since = clock.now() - timedelta(days=1)
    _awkward_queue(ctx, since)
    reads = IncidentReads(ctx)
    everything = reads.queue_rows(resolved_since=since)
    expected = _triage_order(everything, clock.now())
    whole = reads.first_page(len(everything) + 10, resolved_since=since)
    assert [r.number for r in whole] == expected
    assert whole == sorted(everything, key=lambda r: expected.index(r.number))  # the same rows
    assert [r.number for r in reads.first_page(37, resolved_since=since)] == expected[:37]
    # Every branch of the SLA clock and both sides of "breached" were in play.
    readings = [sla(r, clock.now()) for r in everything]
    assert {r.state.value for r in readings} >= {"ok", "at_risk", "breached", "paused", "met"}
    assert {r.target.value for r in readings} == {"respond", "resolve"}


def test_the_first_page_follows_the_clock_and_leaves_out_what_is_not_in_the_queue(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    since = clock.now() - timedelta(days=1)
    _awkward_queue(ctx, since, count=120)
    reads = IncidentReads(ctx)
    clock.advance(timedelta(hours=2, microseconds=999_998))  # due times pass: breaches move up
    expected = _triage_order(reads.queue_rows(), clock.now())
    assert [r.number for r in reads.first_page(500)] == expected  # open ones only
    assert [r.number for r in reads.first_page(5)] == expected[:5]
