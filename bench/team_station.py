"""One simulated workstation of the team benchmark, and the process that runs a share of them.

A workstation is a console without its window: the engine and sign-in of `app.bootstrap.start`
(what the console runs), the live watcher the console starts (`watcher_for` with the settings'
mode), a reader that reads the change feed and the changed queue rows as the console's change
hub does (on every wake; besides, every 2 s while the watcher listens, and not at all on a timer
while the watcher polls: its once-a-second look is then the console's one loop), and a writer
that every few seconds logs a call on an incident or edits an incident's title with the version
its own queue shows (a stale one is an edit conflict, as on screen, counted apart), then asks its
reader to read at once, as the main window asks its hub after a save.

Reader and writer are threads that wait on events between turns (no busy waiting); several
workstations share a process.
"""

from __future__ import annotations

import gc
import os
import random
import resource
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.bootstrap import start
from app.db.live import watcher_for
from app.db.live_mode import LiveMode
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.errors import EditConflict
from app.services.feed.reads import ChangeFeed
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings

SAFETY_POLL_SECONDS = 2.0  # ui/live/change_hub.py's SAFETY_POLL_MS, while the watcher listens
DRAIN_SECONDS = 6.0  # after the last write: late readers catch up
GC_THRESHOLD = 50_000  # allocations between young collections in a station process (700)


@dataclass(frozen=True)
class Load:
    """What each workstation does: how long it writes, the pause between its writes, and how
    long its reads go on after the last write (late readers catch up)."""

    seconds: float
    write_every: tuple[float, float]
    drain: float = DRAIN_SECONDS


@dataclass
class Write:
    station: int
    incident: int
    field: str  # "version" (an edit) or "calls" (a call linked)
    at_least: int  # the row shows this or more once the write is seen
    committed: float  # time.time() when the service call returned
    client_uuid: str = ""
    took: float = 0.0  # seconds the service call took (waiting for a server connection too)


@dataclass
class StationLog:
    station: int
    writes: list[Write] = field(default_factory=list)
    # incident -> [(seen, woke, version, calls)]: every row this workstation read, when its
    # read ended and when the read was asked for (a wake, the safety timer, its own write)
    reads: dict[int, list[tuple[float, float, int, int]]] = field(default_factory=dict)
    feed_reads: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    went_stale: int = 0


class Workstation:
    """One console: its engine, watcher, reader and writer."""

    def __init__(self, number: int, url: str, read_url: str | None, mode: LiveMode) -> None:
        self.log = StationLog(number)
        self._random = random.Random(number)
        settings = replace(load_settings(db_url=url), read_db_url=read_url, live_updates=mode)
        self._session = start(settings, password="")  # the console's engine and sign-in
        ctx = self._session.ctx
        self._feed, self._reads = ChangeFeed(ctx.db), IncidentReads(ctx)
        self._calls, self._commands = CallCommands(ctx), IncidentCommands(ctx)
        self._cursor = self._feed.head()
        self._rows = {row.id: row for row in self._reads.queue_rows()}
        self._woken = threading.Event()
        self._woke_at = 0.0
        self._live = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        watcher = watcher_for(ctx.db, settings.live_updates)
        assert watcher is not None
        self._watcher = watcher
        watcher.start(self._wake, self._on_state)
        if not self._live.wait(60):
            raise RuntimeError(f"workstation {number}'s watcher never went live")
        self._threads: list[threading.Thread] = []

    def _wake(self) -> None:
        if not self._woken.is_set():
            self._woke_at = time.time()
            self._woken.set()

    def _on_state(self, live: bool, _message: str) -> None:
        if live:
            self._live.set()
        elif self._live.is_set():
            self.log.went_stale += 1

    def go(self, load: Load, until: float) -> None:
        self._threads = [
            threading.Thread(target=self._read_loop, args=(until + load.drain,), daemon=True),
            threading.Thread(target=self._write_loop, args=(load, until), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def join(self, until: float) -> None:
        for thread in self._threads:
            thread.join(max(0.0, until - time.time()) + 30)

    def close(self) -> None:
        self._stop.set()
        self._watcher.stop()
        self._session.ctx.db.dispose()

    def _read_loop(self, until: float) -> None:
        while (left := until - time.time()) > 0:
            # The hub's safety timer runs only while the watcher listens (ui/live/change_hub.py).
            timeout = left if self._watcher.polling else min(left, SAFETY_POLL_SECONDS)
            if self._woken.wait(timeout):
                woke = self._woke_at
            elif self._watcher.polling:
                continue  # the run is over
            else:
                woke = time.time()  # the safety timer
            self._woken.clear()
            try:
                batch = self._feed.since(self._cursor)
                self._cursor = batch.cursor
                rows = self._reads.rows(batch.incident_ids) if batch.incident_ids else []
            except Exception as exc:
                self.log.errors.append(f"read: {_described(exc)}")
                continue
            seen = time.time()
            with self._lock:
                self.log.feed_reads += 1
                for row in rows:
                    self._rows[row.id] = row
                    self.log.reads.setdefault(row.id, []).append(
                        (seen, woke, row.version, row.calls)
                    )

    def _write_loop(self, load: Load, until: float) -> None:
        low, high = load.write_every
        self._stop.wait(self._random.uniform(0, high))  # the desk does not write in step
        while time.time() < until and not self._stop.is_set():
            with self._lock:
                incident = self._random.choice(list(self._rows.values()))
            began = time.time()
            try:
                if self._random.random() < 0.5:
                    self._log_call(incident.id, began)
                else:
                    self._edit(incident.id, incident.version, began)
                self._wake()  # the main window asks its hub to read after a save
            except EditConflict:
                self.log.conflicts += 1
            except Exception as exc:
                self.log.errors.append(f"write: {_described(exc)}")
            self._stop.wait(self._random.uniform(low, high))

    def _log_call(self, incident: int, began: float) -> None:
        draft = CallDraft(
            client_uuid=str(uuid.uuid4()),
            caller_name=f"Caller of workstation {self.log.station}",
            symptom="Cannot sign in",
            incident_id=incident,
        )
        logged = self._calls.log_call(draft)
        now = time.time()
        count = int(logged.incident_calls or 0)
        self.log.writes.append(
            Write(self.log.station, incident, "calls", count, now, draft.client_uuid, now - began)
        )

    def _edit(self, incident: int, version: int, began: float) -> None:
        title = f"Edited by workstation {self.log.station} at {time.time():.3f}"
        detail = self._commands.edit(incident, version, {"title": title})
        now = time.time()
        self.log.writes.append(
            Write(self.log.station, incident, "version", detail.version, now, took=now - began)
        )


@dataclass
class ProcessReport:
    logs: list[StationLog]
    cpu_seconds: float  # this process's user + system time while its workstations wrote
    threads: int


def station_process(
    stations: list[tuple[int, str, str | None]],
    mode: LiveMode,
    load: Load,
    folder: str,
    ready: Any,
    go: Any,
    start_at: Any,
    results: Any,
) -> None:
    """Build these workstations, say so on `ready`, wait for `go`, run them, report."""
    os.environ["CALMDESK_HOME"] = str(Path(folder) / f"home-{os.getpid()}")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    built: list[Workstation] = []
    try:
        for number, url, read_url in stations:
            built.append(Workstation(number, url, read_url, mode))
    except Exception as exc:
        ready.put(f"{type(exc).__name__}: {exc}")
        return
    # A console's heap is one workstation's; this process holds a hundred or more, so Python's
    # collector would scan a hundred times as many objects, again and again, on the CPU the
    # workstations need. What start-up built stays (frozen out of the scans), and young
    # collections come less often; what a workstation makes while it runs is still collected.
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    ready.put("")
    go.wait()
    until = start_at.value + load.seconds
    before = _cpu_seconds()
    for station in built:
        station.go(load, until)
    threads = threading.active_count()
    for station in built:
        station.join(until + load.drain)
    report = ProcessReport([station.log for station in built], _cpu_seconds() - before, threads)
    results.put(report)
    for station in built:
        station.close()


def _described(exc: BaseException) -> str:
    """The error and the one it came from (the driver's, under the console's own sentence)."""
    cause = exc.__cause__ or exc.__context__
    text = f"{type(exc).__name__}: {exc}"
    if cause is not None:
        text += f" (from {type(cause).__name__}: {str(cause).strip()[:200]})"
    return text


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
