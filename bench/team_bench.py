"""The team benchmark: N workstations sharing one PostgreSQL server, on a private cluster started
for the run (its own folder, a free port, `max_connections` of our choosing; the machine's own
server is never touched).

Each workstation is a console without its window: the engine and sign-in of `app.bootstrap.start`
(what the console runs), the live watcher the console starts (`watcher_for` with the settings'
mode: through PgBouncer it notices the pooler and reads the change log every second), a reader
that on every wake, and every 2 s besides (the console's safety poll), reads the change feed and
the changed queue rows, and a writer that every few seconds logs a call on an incident or edits
an incident's title, with the version its own queue shows (a stale one is an edit conflict, as on
screen, counted apart). Workstations run in a few processes, several threads each.

It reports the peak of server connections (sampled 5 times a second), the server connections
per idle workstation (after start-up, before any write), propagation p95 (from a write's commit
to the moment the last other workstation holds the fresh row), errors, and lost writes (every
call that was saved is there once; every incident's version and call count add up).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import func, select, text

from app.bootstrap import start
from app.db.engine import Database, open_database
from app.db.live import watcher_for
from app.db.models import Call, Incident
from app.domain.clock import SystemClock
from app.domain.roles import Role
from app.services.admin import team_setup
from app.services.admin.identity import identify
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.errors import EditConflict
from app.services.feed.reads import ChangeFeed
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from bench.common import Result, ms, p95
from bench.servers import PgBouncer, PoolLimits, PrivateCluster

DATABASE = "calmdesk"
READ_ALIAS = "calmdesk_read"  # PgBouncer's entry that logs in as READER
READER = "calmdesk_reader"
SAFETY_POLL_SECONDS = 2.0  # ui/live/change_hub.py's SAFETY_POLL_MS
SETTLE_SECONDS = 4.0  # after every workstation is up: the idle sample
DRAIN_SECONDS = 6.0  # after the last write: late readers catch up


@dataclass(frozen=True)
class Plan:
    label: str
    stations: int
    through_pooler: bool
    seconds: float = 60.0
    write_every: tuple[float, float] = (3.0, 9.0)  # a workstation's pause between writes
    incidents: int = 200
    processes: int = 6
    max_connections: int = 100
    pooler_write_connections: int = 40  # PgBouncer: the agents' own logins, all together
    pooler_read_connections: int = 40  # PgBouncer: the shared read-only pool


@dataclass
class Write:
    station: int
    incident: int
    field: str  # "version" (an edit) or "calls" (a call linked)
    at_least: int  # the row shows this or more once the write is seen
    committed: float  # time.time()
    client_uuid: str = ""


@dataclass
class StationLog:
    station: int
    writes: list[Write] = field(default_factory=list)
    # incident -> [(time.time(), version, calls)] of every row this workstation read
    reads: dict[int, list[tuple[float, int, int]]] = field(default_factory=dict)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    went_stale: int = 0


def run(plan: Plan, folder: Path) -> list[Result]:
    cluster = PrivateCluster(max_connections=plan.max_connections)
    bouncer: PgBouncer | None = None
    try:
        logins, initial = _prepare(cluster, plan)
        port = cluster.port
        if plan.through_pooler:
            server = f"host=127.0.0.1 port={cluster.port} dbname={DATABASE}"
            bouncer = PgBouncer(
                "127.0.0.1",
                cluster.port,
                limits=PoolLimits(
                    pool_size=1,
                    max_client_conn=plan.stations * 5 + 50,
                    server_idle_timeout=5,
                    databases=(
                        f"{DATABASE} = {server} max_db_connections={plan.pooler_write_connections}",
                        f"{READ_ALIAS} = {server} user={READER} "
                        f"pool_size={plan.pooler_read_connections} "
                        f"max_db_connections={plan.pooler_read_connections}",
                    ),
                ),
            )
            port = bouncer.port
        urls = [f"postgresql+psycopg://{login}@127.0.0.1:{port}/{DATABASE}" for login in logins]
        read_urls: list[str | None] = [
            f"postgresql+psycopg://{login}@127.0.0.1:{port}/{READ_ALIAS}" if bouncer else None
            for login in logins
        ]
        with _sampling(cluster) as samples:
            logs, idle = _run_stations(
                list(zip(urls, read_urls, strict=True)), plan, folder, samples
            )
        lost = _lost_writes(cluster, logs, initial)
        return _results(plan, logs, samples, idle, lost, cluster.max_connections)
    finally:
        if bouncer is not None:
            bouncer.stop()
        cluster.stop()


def _prepare(cluster: PrivateCluster, plan: Plan) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """The team database, one login per workstation, the incidents; their (version, calls)."""
    with psycopg.connect(cluster.admin_conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    owner_db = open_database(cluster.url(DATABASE))
    try:
        team_setup.init_postgres(owner_db)
        owner = ServiceContext(owner_db, SystemClock(), identify(owner_db, "postgres"))
        logins = [f"ws{n:03d}" for n in range(plan.stations)]
        for n, login in enumerate(logins):
            team_setup.add_agent(owner, login, f"Workstation {n}", Role.AGENT)
        with owner_db.write() as session:  # the shared read-only role (README.md)
            for statement in (
                f"CREATE ROLE {READER} LOGIN",
                f"GRANT USAGE ON SCHEMA public TO {READER}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}",
            ):
                session.execute(text(statement))
        commands = IncidentCommands(owner)
        for n in range(plan.incidents):
            commands.open(IncidentDraft(title=f"Shared incident {n}", impact=2, urgency=2))
        initial = _versions_and_calls(owner_db)
    finally:
        owner_db.dispose()
    return logins, initial


@dataclass
class Samples:
    counts: list[tuple[float, int]] = field(default_factory=list)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> int:
        return max((c for t, c in self.counts if since <= t <= until), default=0)


@contextmanager
def _sampling(cluster: PrivateCluster) -> Iterator[Samples]:
    """Server connections (client backends, this sampler's own excepted), 5 times a second."""
    samples = Samples()
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(cluster.admin_conninfo, autocommit=True) as admin:
            while not stop.wait(0.2):
                row = admin.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                samples.counts.append((time.time(), int(row[0]) if row else 0))

    thread = threading.Thread(target=sample, name="bench-sampler", daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join(5)


def _run_stations(
    urls: list[tuple[str, str | None]], plan: Plan, folder: Path, samples: Samples
) -> tuple[list[StationLog], tuple[int, float, float]]:
    """Start every workstation, let them sit idle, then write for plan.seconds. Returns the logs
    and the idle sample (peak connections, from, to)."""
    chunks = [list(range(n, len(urls), plan.processes)) for n in range(plan.processes)]
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    start_at = context.Value("d", 0.0)
    results = context.Queue()
    processes = [
        context.Process(
            target=_station_process,
            args=([(n, urls[n]) for n in chunk], plan, str(folder), ready, start_at, results),
        )
        for chunk in chunks
        if chunk
    ]
    for process in processes:
        process.start()
    for _ in processes:
        problem = ready.get(timeout=600)
        if problem:
            for process in processes:
                process.terminate()
            raise RuntimeError(f"a workstation did not start: {problem}")
    idle_from = time.time()
    time.sleep(SETTLE_SECONDS)
    idle_to = time.time()
    idle = (samples.peak(idle_from, idle_to), idle_from, idle_to)
    start_at.value = time.time()
    logs: list[StationLog] = []
    for _ in processes:
        logs.extend(results.get(timeout=plan.seconds + 600))
    for process in processes:
        process.join(30)
    return logs, idle


def _station_process(
    stations: list[tuple[int, tuple[str, str | None]]],
    plan: Plan,
    folder: str,
    ready: Any,
    start_at: Any,
    results: Any,
) -> None:
    os.environ["CALMDESK_HOME"] = str(Path(folder) / f"home-{os.getpid()}")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    built: list[Workstation] = []
    try:
        for number, (url, read_url) in stations:
            built.append(Workstation(number, url, read_url, plan))
    except Exception as exc:
        ready.put(f"{type(exc).__name__}: {exc}")
        return
    ready.put("")
    while start_at.value == 0.0:
        time.sleep(0.05)
    until = start_at.value + plan.seconds
    for station in built:
        station.go(until)
    for station in built:
        station.join(until + DRAIN_SECONDS)
    results.put([station.log for station in built])
    for station in built:
        station.close()


class Workstation:
    """One console: its engine, watcher, reader and writer."""

    def __init__(self, number: int, url: str, read_url: str | None, plan: Plan) -> None:
        self.log = StationLog(number)
        self._plan = plan
        self._random = random.Random(number)
        settings = replace(load_settings(db_url=url), read_db_url=read_url)
        self._session = start(settings, password="")  # the console's engine and sign-in
        ctx = self._session.ctx
        self._feed, self._reads = ChangeFeed(ctx.db), IncidentReads(ctx)
        self._calls, self._commands = CallCommands(ctx), IncidentCommands(ctx)
        self._cursor = self._feed.head()
        self._rows = {row.id: row for row in self._reads.queue_rows()}
        self._woken = threading.Event()
        self._live = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        watcher = watcher_for(ctx.db, settings.live_updates)
        assert watcher is not None
        self._watcher = watcher
        watcher.start(self._woken.set, self._on_state)
        if not self._live.wait(30):
            raise RuntimeError(f"workstation {number}'s watcher never went live")
        self._threads: list[threading.Thread] = []

    def _on_state(self, live: bool, _message: str) -> None:
        if live:
            self._live.set()
        elif self._live.is_set():
            self.log.went_stale += 1

    def go(self, until: float) -> None:
        self._threads = [
            threading.Thread(target=self._read_loop, args=(until + DRAIN_SECONDS,), daemon=True),
            threading.Thread(target=self._write_loop, args=(until,), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def join(self, until: float) -> None:
        for thread in self._threads:
            thread.join(max(0.0, until - time.time()) + 30)

    def close(self) -> None:
        self._watcher.stop()
        self._session.ctx.db.dispose()

    def _read_loop(self, until: float) -> None:
        while time.time() < until:
            self._woken.wait(SAFETY_POLL_SECONDS)
            self._woken.clear()
            try:
                batch = self._feed.since(self._cursor)
                self._cursor = batch.cursor
                rows = self._reads.rows(batch.incident_ids) if batch.incident_ids else []
            except Exception as exc:
                self.log.errors.append(f"read: {type(exc).__name__}: {exc}")
                continue
            seen = time.time()
            with self._lock:
                for row in rows:
                    self._rows[row.id] = row
                    self.log.reads.setdefault(row.id, []).append((seen, row.version, row.calls))

    def _write_loop(self, until: float) -> None:
        low, high = self._plan.write_every
        self._stop.wait(self._random.uniform(0, high))  # the desk does not write in step
        while time.time() < until:
            with self._lock:
                incident = self._random.choice(list(self._rows.values()))
            try:
                if self._random.random() < 0.5:
                    self._log_call(incident.id)
                else:
                    self._edit(incident.id, incident.version)
            except EditConflict:
                self.log.conflicts += 1
            except Exception as exc:
                self.log.errors.append(f"write: {type(exc).__name__}: {exc}")
            self._stop.wait(self._random.uniform(low, high))

    def _log_call(self, incident: int) -> None:
        draft = CallDraft(
            client_uuid=str(uuid.uuid4()),
            caller_name=f"Caller of workstation {self.log.station}",
            symptom="Cannot sign in",
            incident_id=incident,
        )
        logged = self._calls.log_call(draft)
        self.log.writes.append(
            Write(
                self.log.station,
                incident,
                "calls",
                int(logged.incident_calls or 0),
                time.time(),
                draft.client_uuid,
            )
        )

    def _edit(self, incident: int, version: int) -> None:
        title = f"Edited by workstation {self.log.station} at {time.time():.3f}"
        detail = self._commands.edit(incident, version, {"title": title})
        self.log.writes.append(
            Write(self.log.station, incident, "version", detail.version, time.time())
        )


def _lost_writes(
    cluster: PrivateCluster, logs: list[StationLog], initial: dict[int, tuple[int, int]]
) -> int:
    """Saved calls missing (or doubled), and incidents whose version or call count does not add
    up to the writes that were reported saved."""
    writes = [w for log in logs for w in log.writes]
    uuids = [w.client_uuid for w in writes if w.field == "calls"]
    edits: dict[int, int] = defaultdict(int)
    calls: dict[int, int] = defaultdict(int)
    for w in writes:
        (edits if w.field == "version" else calls)[w.incident] += 1
    db = open_database(cluster.url(DATABASE))
    try:
        with db.read() as session:
            found = (
                session.scalar(select(func.count(Call.id)).where(Call.client_uuid.in_(uuids)))
                if uuids
                else 0
            )
        final = _versions_and_calls(db)
    finally:
        db.dispose()
    lost = abs(len(uuids) - int(found or 0))
    for incident, (version, linked) in initial.items():
        now_version, now_calls = final.get(incident, (0, 0))
        lost += abs(version + edits[incident] - now_version)
        lost += abs(linked + calls[incident] - now_calls)
    return lost


def _versions_and_calls(db: Database) -> dict[int, tuple[int, int]]:
    """Every incident's (version, linked calls)."""
    with db.read() as session:
        counts = select(Call.incident_id, func.count(Call.id)).group_by(Call.incident_id)
        linked = {incident: int(count) for incident, count in session.execute(counts)}
        return {
            int(i): (int(v), int(linked.get(i, 0)))
            for i, v in session.execute(select(Incident.id, Incident.version))
        }


def propagation(logs: list[StationLog]) -> tuple[list[float], int]:
    """Per write, seconds from its commit until every other workstation held the fresh row;
    and how many writes some workstation never saw."""
    delays: list[float] = []
    unseen = 0
    for log in logs:
        for write in log.writes:
            slowest = 0.0
            for other in logs:
                if other.station == write.station:
                    continue
                when = _first_read(other, write)
                if when is None:
                    unseen += 1
                    break
                slowest = max(slowest, when - write.committed)
            else:
                delays.append(max(slowest, 0.0))
    return delays, unseen


def _first_read(log: StationLog, write: Write) -> float | None:
    index = 1 if write.field == "version" else 2
    for read in log.reads.get(write.incident, ()):
        if read[index] >= write.at_least:
            return read[0]
    return None


def _results(
    plan: Plan,
    logs: list[StationLog],
    samples: Samples,
    idle: tuple[int, float, float],
    lost: int,
    max_connections: int,
) -> list[Result]:
    delays, unseen = propagation(logs)
    writes = sum(len(log.writes) for log in logs)
    errors = [e for log in logs for e in log.errors]
    conflicts = sum(log.conflicts for log in logs)
    stale = sum(log.went_stale for log in logs)
    label = plan.label
    note = (
        f"{plan.stations} workstations, {writes} writes in {plan.seconds:g} s "
        f"({conflicts} edit conflicts), server max_connections={max_connections}"
    )
    if errors:
        note += f"; first error: {errors[0][:160]}"
    idle_peak = idle[0]
    results = [
        Result(
            f"team {label}: peak server connections",
            samples.peak(),
            "connections",
            None,
            max_connections,
            note=note,
        ),
        Result(
            f"team {label}: server connections per idle workstation",
            round(idle_peak / plan.stations, 2),
            "connections",
            None,
            None if plan.through_pooler else 2,
            "info" if plan.through_pooler else "max",
            f"{idle_peak} for {plan.stations} idle workstations",
        ),
        Result(
            f"team {label}: propagation p95",
            ms(p95(delays)) if delays else -1,
            "ms",
            None,
            1000 if plan.through_pooler else None,
            "max" if plan.through_pooler else "info",
            f"a write's commit to its row read on all {plan.stations - 1} other workstations; "
            f"{unseen} writes not seen everywhere",
        ),
        Result(
            f"team {label}: errors",
            len(errors),
            "errors",
            None,
            0,
            "equal",
            f"watchers that went stale: {stale}",
        ),
        Result(
            f"team {label}: lost writes",
            lost,
            "writes",
            None,
            0,
            "equal",
            "saved calls present once; versions and call counts add up",
        ),
    ]
    return results


PLANS = (
    Plan("300 via PgBouncer", 300, through_pooler=True),
    Plan("40 direct", 40, through_pooler=False),
)


def run_all(folder: Path, seconds: float = 60.0) -> list[Result]:
    results: list[Result] = []
    for plan in PLANS:
        print(f"... team: {plan.label}", flush=True)
        started = time.time()
        results.extend(run(replace(plan, seconds=seconds), folder))
        print(f"    ({time.time() - started:.0f} s)", flush=True)
    return results
