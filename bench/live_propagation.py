"""Live propagation between two processes: this process logs calls linked to incidents; a child
process (`python -m bench.live_propagation URL`) watches the database the way the console does
(app.db.live's watcher, then the change feed, then fresh rows) and prints when each incident's
change reached it. The figure is from just before the write to the moment the reader holds the
fresh row. time.monotonic is system-wide on Linux, so the two processes' clocks agree."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from app.db.engine import open_database
from app.db.live import watcher_for
from app.db.models import Incident
from app.domain.clock import ManualClock
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.feed.reads import ChangeFeed
from app.services.incidents.reads import IncidentReads
from bench.common import Result, ms, p95

ROOT = Path(__file__).resolve().parents[1]


def reader(url: str) -> None:
    """The child: print 'live', then 'seen <incident id> <monotonic>' for every change."""
    db = open_database(url)
    ctx = ServiceContext(db, ManualClock(datetime.now(UTC)), sign_in(db, "reader", "Reader"))
    feed, reads = ChangeFeed(db), IncidentReads(ctx)
    cursor = feed.head()
    woken = threading.Event()
    watcher = watcher_for(db)
    assert watcher is not None
    watcher.start(woken.set, lambda live, _m: print("live", flush=True) if live else None)
    while True:
        woken.wait()
        woken.clear()
        batch = feed.since(cursor)
        cursor = batch.cursor
        for row in reads.rows(batch.incident_ids):
            print(f"seen {row.id} {time.monotonic()}", flush=True)


def measure(url: str, label: str, writes: int = 40, target_ms: float = 250) -> Result:
    db = open_database(url)
    ctx = ServiceContext(db, ManualClock(datetime.now(UTC)), sign_in(db, "writer", "Writer"))
    with db.read() as session:
        ids = list(session.scalars(select(Incident.id).limit(writes)))
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.live_propagation", url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    try:
        while child.stdout.readline().strip() != "live":
            pass
        time.sleep(0.3)
        commands, delays = CallCommands(ctx), []
        for incident_id in ids:
            started = time.monotonic()
            commands.log_call(CallDraft(str(uuid.uuid4()), "Bench caller", incident_id=incident_id))
            while True:
                parts = child.stdout.readline().split()
                if parts and parts[0] == "seen" and int(parts[1]) == incident_id:
                    delays.append(float(parts[2]) - started)
                    break
            time.sleep(0.05)  # writes spaced like people, not a burst
    finally:
        child.terminate()
        child.wait(10)
        db.dispose()
    return Result(
        f"live propagation p95 ({label})",
        ms(p95(delays)),
        "ms",
        None,
        target_ms,
        note=f"{len(delays)} writes, write start to fresh row in the other process",
    )


if __name__ == "__main__":
    reader(sys.argv[1])
