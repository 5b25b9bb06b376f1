"""Fault injection, for real: the network to PostgreSQL cut by a TCP proxy the test controls,
and a call-logging process killed with SIGKILL. Counts prove that no acknowledged call, note or
checklist tick is lost or duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.adapters.outbox_store import OutboxStore
from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.db.models import Call, TimelineEvent
from app.domain.clock import ManualClock, SystemClock
from app.domain.errors import DatabaseUnavailable
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.offline.operations import AddNote, LogCall, TickItem
from app.services.offline.outbox import Kept, Outbox, Sent
from app.services.war_room.reads import WarRoomReads
from tests.app.services.war_room.war_room_support import Outage, declare_outage
from tests.fault_proxy import FaultProxy
from tests.helpers import CutLine, outcome_of

ROOT = Path(__file__).resolve().parents[4]


def count(db: Database, model: type, *where: object) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.mark.postgres
def test_calls_notes_and_ticks_made_during_a_network_cut_arrive_exactly_once(
    pg_through_proxy: CutLine, clock: ManualClock, tmp_path: Path
) -> None:
    line = pg_through_proxy
    db = open_database(line.url)
    ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice Admin"))
    outage: Outage = declare_outage(ctx)
    items = WarRoomReads(ctx).snapshot(outage.incident.id).checklist
    outbox = Outbox(ctx, OutboxStore(tmp_path / "outbox.sqlite3"))
    before = [LogCall(CallDraft(new_client_uuid(), caller_name=f"Early {n}")) for n in range(3)]
    assert all(isinstance(outbox.submit(change), Sent) for change in before)

    line.proxy.cut()
    calls = [LogCall(CallDraft(new_client_uuid(), caller_name=f"Caller {n}")) for n in range(25)]
    notes = [AddNote(outage.incident.id, f"Outage note {n}") for n in range(10)]
    ticks = [TickItem(item.id, True, item.text) for item in items]
    outcomes = [outbox.submit(change) for change in [*calls, *notes, *ticks]]

    assert all(isinstance(outcome, Kept) for outcome in outcomes)
    status = outbox.status()
    assert status.offline
    assert status.waiting == 25 + 10 + len(items)
    assert "Cannot reach PostgreSQL" in status.reason
    with pytest.raises(DatabaseUnavailable):
        outbox.reconnect()  # still cut: nothing is sent, nothing is dropped
    assert outbox.status().waiting == 25 + 10 + len(items)

    line.proxy.restore()
    report = outbox.reconnect()
    outbox.reconnect()  # a second replay finds nothing left to send

    assert len(report.sent) == 25 + 10 + len(items)
    assert report.conflicts == ()
    uuids = [change.op_id for change in [*before, *calls]]
    assert count(line.direct, Call, Call.client_uuid.in_(uuids)) == 28
    assert count(line.direct, Call) == 28
    for note in notes:
        assert count(line.direct, TimelineEvent, TimelineEvent.summary == note.text) == 1
    assert count(line.direct, TimelineEvent, TimelineEvent.kind == "checklist") == len(items)
    assert all(row.done for row in WarRoomReads(ctx).snapshot(outage.incident.id).checklist)
    assert line.proxy.connections >= 2  # it really went through the proxy, before and after
    db.dispose()


def _acknowledged_until_killed(
    url: str,
    outbox_file: Path,
    acks_before_cut: int,
    acks_after_cut: int,
    proxy: FaultProxy | None = None,
) -> list[tuple[str, str]]:
    """Run the call-logging process; cut the line after some acks; SIGKILL it after more."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.app.services.offline.outbox_driver", url, str(outbox_file)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    acks: list[tuple[str, str]] = []
    try:
        for text in process.stdout:
            if text.startswith("ACK "):
                _, uuid, where = text.split()
                acks.append((uuid, where))
                if len(acks) == acks_before_cut and proxy is not None:
                    proxy.cut()
                if len(acks) == acks_before_cut + acks_after_cut:
                    process.send_signal(signal.SIGKILL)  # no clean-up, no flush, no goodbye
                    break
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    return acks


@pytest.mark.postgres
def test_a_hard_kill_while_logging_calls_through_an_outage_loses_no_acknowledged_call(
    pg_through_proxy: CutLine, tmp_path: Path
) -> None:
    line = pg_through_proxy
    sign_in(line.direct, "admin.alice", "Alice")
    outbox_file = tmp_path / "outbox.sqlite3"

    acks = _acknowledged_until_killed(line.url, outbox_file, 40, 40, line.proxy)

    assert {where for _, where in acks[:40]} == {"database"}
    assert {where for _, where in acks[40:]} == {"outbox"}
    line.proxy.restore()
    db = open_database(line.url)
    ctx = ServiceContext(db=db, clock=SystemClock(), actor=sign_in(db, "admin.alice", "Alice"))
    restarted = Outbox(ctx, OutboxStore(outbox_file))
    assert restarted.status().waiting >= 40  # the killed process's outbox, read back
    restarted.reconnect()

    uuids = [uuid for uuid, _ in acks]
    arrived = count(line.direct, Call, Call.client_uuid.in_(uuids))
    assert arrived == 80  # every acknowledged call, once
    assert restarted.status().waiting == 0
    db.dispose()


def test_a_hard_kill_right_after_saving_to_a_local_file_loses_no_acknowledged_call(
    sqlite_url: str, tmp_path: Path
) -> None:
    db = open_database(sqlite_url)
    upgrade(db)
    sign_in(db, "admin.alice", "Alice")

    acks = _acknowledged_until_killed(sqlite_url, tmp_path / "outbox.sqlite3", 60, 0)

    assert {where for _, where in acks} == {"database"}
    uuids = [uuid for uuid, _ in acks]
    assert count(db, Call, Call.client_uuid.in_(uuids)) == 60
    db.dispose()


@pytest.mark.postgres
def test_a_silent_line_is_declared_offline_and_kept_changes_keep_the_time_they_were_made(
    pg_through_proxy: CutLine, clock: ManualClock, tmp_path: Path
) -> None:
    """Packets dropped, no reset: the pooled connection's ping and the reconnection both end at
    their deadlines, the change is kept (it was durable before it was sent), and it arrives
    later as of the moment it was made, not the moment the line came back."""
    line = pg_through_proxy
    db = open_database(line.url)
    ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice Admin"))
    outbox = Outbox(ctx, OutboxStore(tmp_path / "outbox.sqlite3"))
    assert isinstance(outbox.submit(LogCall(CallDraft(new_client_uuid(), "Before"))), Sent)

    line.proxy.silence()
    made_at = clock.now()
    draft = CallDraft(new_client_uuid(), caller_name="During the silence")
    kept = outbox.keep(LogCall(draft))
    assert [e.op_id for e in outbox.entries()] == [kept.op_id]  # durable before it is sent
    outcome = outcome_of(lambda: outbox.send(kept))

    assert isinstance(outcome, Kept)
    assert outcome.status.offline
    assert outcome.status.waiting == 1
    clock.advance(timedelta(minutes=20))
    assert isinstance(outbox.submit(LogCall(CallDraft(new_client_uuid(), "Later"))), Kept)

    line.proxy.restore()
    report = outbox.reconnect()

    assert len(report.sent) == 2
    with line.direct.read() as session:
        times = session.execute(
            select(Call.at, Call.made_at).where(Call.client_uuid == draft.client_uuid)
        ).one()
    # Recorded when the line came back, with the time the agent took it beside it.
    assert tuple(times) == (clock.now(), made_at)
    db.dispose()
