"""What the team benchmark watches while the workstations run: the server's connections (5 times
a second), the machine's load average and busy CPU, the CPU the server and the pooler spend, and
how long clients waited in PgBouncer for a server connection (SHOW POOLS, SHOW STATS)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from bench.servers import PgBouncer, PrivateCluster

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Samples:
    counts: list[tuple[float, int]] = field(default_factory=list)  # (time, server connections)
    # (time, in a transaction waiting for its console, waiting for a lock) among them
    holding: list[tuple[float, int, int]] = field(default_factory=list)
    loads: list[tuple[float, float]] = field(default_factory=list)  # (time, 1-min load average)
    # (time, clients waiting for a server connection, the longest wait in seconds) per entry
    waits: dict[str, list[tuple[float, int, float]]] = field(default_factory=dict)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> int:
        return max((c for t, c in self.counts if since <= t <= until), default=0)

    def holding_note(self, since: float, until: float) -> str:
        """Of the server connections, how many on average sat in a transaction waiting for their
        console, and how many waited for a row lock."""
        rows = [(i, k) for t, i, k in self.holding if since <= t <= until] or [(0, 0)]
        idle = sum(i for i, _k in rows) / len(rows)
        locked = sum(k for _i, k in rows) / len(rows)
        return (
            f"on average {idle:.1f} server connections idle in a transaction (waiting for their "
            f"console) and {locked:.1f} waiting for a row lock"
        )

    def load(self, since: float, until: float) -> tuple[float, float]:
        """The load average's mean and peak between two times."""
        values = [v for t, v in self.loads if since <= t <= until] or [os.getloadavg()[0]]
        return sum(values) / len(values), max(values)

    def longest_wait(self, entry: str) -> tuple[int, float]:
        """The most clients seen waiting at once for `entry`, and the longest wait seen."""
        rows = self.waits.get(entry, [])
        return max((w for _t, w, _s in rows), default=0), max((s for *_r, s in rows), default=0.0)


@contextmanager
def sampling(cluster: PrivateCluster, bouncer: PgBouncer | None) -> Iterator[Samples]:
    samples = Samples()
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(cluster.admin_conninfo, autocommit=True) as admin:
            turn = 0
            while not stop.wait(0.2):
                row = admin.execute(
                    "SELECT count(*), "
                    "count(*) FILTER (WHERE state = 'idle in transaction'), "
                    "count(*) FILTER (WHERE wait_event_type = 'Lock') FROM pg_stat_activity "
                    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                now = time.time()
                total, idle, locked = (int(v) for v in row) if row else (0, 0, 0)
                samples.counts.append((now, total))
                samples.holding.append((now, idle, locked))
                turn += 1
                if turn % 5 == 0:
                    samples.loads.append((now, os.getloadavg()[0]))
                    if bouncer is not None:
                        _sample_pools(bouncer, now, samples)

    thread = threading.Thread(target=sample, name="bench-sampler", daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join(5)


def _sample_pools(bouncer: PgBouncer, now: float, samples: Samples) -> None:
    waiting: dict[str, int] = {}
    longest: dict[str, float] = {}
    for pool in pooler_show(bouncer, "POOLS"):
        entry = str(pool["database"])
        waiting[entry] = waiting.get(entry, 0) + int(pool["cl_waiting"])
        wait = float(pool["maxwait"]) + float(pool.get("maxwait_us", 0)) / 1e6
        longest[entry] = max(longest.get(entry, 0.0), wait)
    for entry, count in waiting.items():
        samples.waits.setdefault(entry, []).append((now, count, longest[entry]))


def pooler_show(bouncer: PgBouncer, what: str) -> list[dict[str, Any]]:
    """PgBouncer's admin console: SHOW POOLS, SHOW STATS... as dictionaries."""
    with psycopg.connect(
        f"host=127.0.0.1 port={bouncer.port} dbname=pgbouncer user=postgres",
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,  # the admin console speaks the simple protocol only
    ) as admin:
        cursor = admin.execute(f"SHOW {what}")
        names = [column.name for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class CpuMark:
    """Cumulative CPU seconds at one moment: the whole machine (busy, all), the server, the
    pooler."""

    at: float
    machine_busy: float
    machine_all: float
    server: float
    pooler: float

    def cores_since(self, earlier: CpuMark) -> dict[str, float]:
        """Cores used in between (CPU seconds per wall second), and the machine's busy share."""
        wall = max(self.at - earlier.at, 1e-9)
        all_ticks = max(self.machine_all - earlier.machine_all, 1e-9)
        return {
            "machine busy": (self.machine_busy - earlier.machine_busy) / all_ticks,
            "server": (self.server - earlier.server) / wall,
            "pooler": (self.pooler - earlier.pooler) / wall,
        }


def cpu_mark(cluster: PrivateCluster, bouncer: PgBouncer | None) -> CpuMark:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(value) for value in fields]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return CpuMark(
        time.time(),
        (sum(ticks) - idle) / TICK,
        sum(ticks) / TICK,
        _server_seconds(cluster),
        _process_seconds(bouncer.pid) if bouncer is not None else 0.0,
    )


def _stat(pid: int) -> list[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # the fields after the command's name


def _process_seconds(pid: int, children: bool = False) -> float:
    """utime + stime (and the reaped children's, when asked) of one process, in seconds."""
    try:
        stat = _stat(pid)
    except OSError:
        return 0.0
    used = int(stat[11]) + int(stat[12])  # utime, stime
    if children:
        used += int(stat[13]) + int(stat[14])  # cutime, cstime: children that have exited
    return used / TICK


def _server_seconds(cluster: PrivateCluster) -> float:
    """The postmaster, its children that have ended, and those still running."""
    postmaster = cluster.pid
    total = _process_seconds(postmaster, children=True)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = _stat(int(entry.name))
        except OSError:
            continue
        if int(stat[1]) == postmaster:  # ppid
            total += (int(stat[11]) + int(stat[12])) / TICK
    return total
