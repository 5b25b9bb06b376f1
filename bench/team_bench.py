"""The team benchmark: N workstations sharing one PostgreSQL server, on a private cluster started
for the run (its own folder, a free port, `max_connections` of our choosing; the machine's own
server is never touched), directly or through a PgBouncer set up as the shipped sample says.

The workstations (bench/team_station.py: each a console without its window, with its own engine,
watcher, feed reader and queue reads) run in a few processes, as many as the machine has CPUs.
It reports the peak of server connections, the server connections per idle workstation (after
start-up, before any write), propagation p95 (from a write's commit to the moment the last other
workstation holds the fresh row) and where it went, errors, lost writes (bench/team_desk.py),
and what the machine was doing meanwhile (bench/team_watch.py), in bench/team_outcome.py.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.db.live_mode import LiveMode
from bench.common import Result
from bench.servers import PgBouncer, PrivateCluster
from bench.team_desk import DATABASE, READ_ALIAS, lost_writes, prepare, shipped_pooler
from bench.team_outcome import Watched, results
from bench.team_station import DRAIN_SECONDS, Load, ProcessReport, StationLog, station_process
from bench.team_watch import Samples, cpu_mark, pooler_show, sampling

SETTLE_SECONDS = 4.0  # after every workstation is up: the idle sample


@dataclass(frozen=True)
class Plan:
    label: str
    stations: int
    through_pooler: bool
    seconds: float = 60.0
    write_every: tuple[float, float] = (3.0, 9.0)  # a workstation's pause between writes
    incidents: int = 200
    processes: int = max(2, os.cpu_count() or 2)
    max_connections: int = 100
    settle_seconds: float = SETTLE_SECONDS  # every workstation up and idle, before the writes
    drain_seconds: float = DRAIN_SECONDS  # reads after the last write


def run(plan: Plan, folder: Path) -> list[Result]:
    cluster = PrivateCluster(max_connections=plan.max_connections)
    bouncer: PgBouncer | None = None
    try:
        logins, initial = prepare(cluster, plan.stations, plan.incidents)
        port = cluster.port
        if plan.through_pooler:
            bouncer = shipped_pooler(cluster, plan.stations)
            port = bouncer.port
        stations = [
            (
                n,
                f"postgresql+psycopg://{login}@127.0.0.1:{port}/{DATABASE}",
                f"postgresql+psycopg://{login}@127.0.0.1:{port}/{READ_ALIAS}" if bouncer else None,
            )
            for n, login in enumerate(logins)
        ]
        # The shipped site settings say "poll" behind the pooler; directly, the default.
        mode = LiveMode.POLL if bouncer else LiveMode.AUTO
        with sampling(cluster, bouncer) as samples:
            logs, watched = _run_stations(stations, mode, plan, folder, samples, cluster, bouncer)
        lost = lost_writes(cluster, logs, initial)
        return results(
            plan.label,
            plan.stations,
            plan.through_pooler,
            cluster.max_connections,
            logs,
            lost,
            watched,
        )
    finally:
        if bouncer is not None:
            if bouncer.log.exists():  # kept with the run's data (--keep), for a look afterwards
                shutil.copy(bouncer.log, folder / f"pgbouncer-{plan.stations}.log")
            bouncer.stop()
        cluster.stop()


def _run_stations(
    stations: list[tuple[int, str, str | None]],
    mode: LiveMode,
    plan: Plan,
    folder: Path,
    samples: Samples,
    cluster: PrivateCluster,
    bouncer: PgBouncer | None,
) -> tuple[list[StationLog], Watched]:
    """Start every workstation, let them sit idle, then write for plan.seconds."""
    load = Load(plan.seconds, plan.write_every, plan.drain_seconds)
    chunks = [stations[n :: plan.processes] for n in range(plan.processes)]
    context = multiprocessing.get_context("spawn")
    ready: Any = context.Queue()
    go = context.Event()
    start_at = context.Value("d", 0.0)
    reports: Any = context.Queue()
    processes = [
        context.Process(
            target=station_process,
            args=(chunk, mode, load, str(folder), ready, go, start_at, reports),
        )
        for chunk in chunks
        if chunk
    ]
    for process in processes:
        process.start()
    try:
        for _ in processes:
            problem = ready.get(timeout=600)
            if problem:
                raise RuntimeError(f"a workstation did not start: {problem}")
        idle_from = time.time()
        time.sleep(plan.settle_seconds)
        idle_peak = samples.peak(idle_from, time.time())
        before_stats = _pooler_stats(bouncer)
        before = cpu_mark(cluster, bouncer)
        start_at.value = time.time()
        go.set()
        got: list[ProcessReport] = [
            reports.get(timeout=plan.seconds + plan.drain_seconds + 600) for _ in processes
        ]
        after = cpu_mark(cluster, bouncer)
        after_stats = _pooler_stats(bouncer)
    finally:
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.terminate()
    cores = after.cores_since(before)
    cores["simulator"] = sum(r.cpu_seconds for r in got) / max(after.at - before.at, 1e-9)
    writing_until = start_at.value + plan.seconds
    watched = Watched(
        seconds=plan.seconds,
        peak=samples.peak(),
        idle_peak=idle_peak,
        load=samples.load(start_at.value, writing_until),
        cores=cores,
        pooler=_pooler_note(samples, before_stats, after_stats),
        holding=samples.holding_note(start_at.value, writing_until),
        processes=len(processes),
        threads=sum(r.threads for r in got),
    )
    return [log for report in got for log in report.logs], watched


def _pooler_stats(bouncer: PgBouncer | None) -> dict[str, tuple[int, int]]:
    """Per PgBouncer entry: (transactions, microseconds clients waited for a server,
    microseconds transactions held one)."""
    if bouncer is None:
        return {}
    return {
        str(row["database"]): (
            int(row["total_xact_count"]),
            int(row["total_wait_time"]),
            int(row["total_xact_time"]),
        )
        for row in pooler_show(bouncer, "STATS")
    }


def _pooler_note(
    samples: Samples,
    before: dict[str, tuple[int, int, int]],
    after: dict[str, tuple[int, int, int]],
) -> str:
    parts = []
    for entry in (DATABASE, READ_ALIAS):
        if entry not in after:
            continue
        xacts, waited, held = (
            now - then for now, then in zip(after[entry], before.get(entry, (0, 0, 0)), strict=True)
        )
        most, longest = samples.longest_wait(entry)
        parts.append(
            f"{entry}: {xacts} transactions, each waited {waited / 1e3 / max(xacts, 1):.1f} ms "
            f"for a server connection and held it {held / 1e3 / max(xacts, 1):.1f} ms; up to "
            f"{most} clients waiting at once, the longest {longest:.1f} s"
        )
    return "; ".join(parts)


PLANS = (
    Plan("300 via PgBouncer", 300, through_pooler=True),
    Plan("40 direct", 40, through_pooler=False),
)


def run_all(folder: Path, seconds: float = 60.0) -> list[Result]:
    found: list[Result] = []
    for plan in PLANS:
        print(f"... team: {plan.label}", flush=True)
        started = time.time()
        found.extend(run(replace(plan, seconds=seconds), folder))
        print(f"    ({time.time() - started:.0f} s)", flush=True)
    return found
