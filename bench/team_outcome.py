"""The team benchmark's figures from the workstations' logs and what was watched meanwhile:
propagation (and where it went: noticing the write, reading it), errors, lost writes, server
connections, and the machine's state (load, CPU of the simulator, the server and the pooler,
waits in the pooler), so a slow figure says why."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from bench.common import Result, ms, p95
from bench.team_station import StationLog, Write


@dataclass
class Spread:
    """Per write, seconds from its commit until every other workstation held the fresh row;
    writes some workstation never saw; and, over every (write, other workstation), how long the
    reader took to be asked (a wake, a timer) and then to read."""

    delays: list[float] = field(default_factory=list)
    unseen: int = 0
    noticing: list[float] = field(default_factory=list)
    reading: list[float] = field(default_factory=list)


def propagation(logs: list[StationLog]) -> tuple[list[float], int]:
    spread = spread_of(logs)
    return spread.delays, spread.unseen


def spread_of(logs: list[StationLog]) -> Spread:
    spread = Spread()
    for log in logs:
        for write in log.writes:
            slowest = 0.0
            for other in logs:
                if other.station == write.station:
                    continue
                read = _first_read(other, write)
                if read is None:
                    spread.unseen += 1
                    break
                seen, woke = read
                asked = max(woke, write.committed)
                spread.noticing.append(asked - write.committed)
                spread.reading.append(max(seen - asked, 0.0))
                slowest = max(slowest, seen - write.committed)
            else:
                spread.delays.append(max(slowest, 0.0))
    return spread


def _first_read(log: StationLog, write: Write) -> tuple[float, float] | None:
    index = 2 if write.field == "version" else 3
    for read in log.reads.get(write.incident, ()):
        if read[index] >= write.at_least:
            return read[0], read[1]
    return None


@dataclass(frozen=True)
class Watched:
    """What was measured around the workstations' writing time."""

    seconds: float
    peak: int
    idle_peak: int
    load: tuple[float, float]  # mean, peak of the 1-minute load average
    cores: dict[str, float]  # cores used: simulator, server, pooler; machine busy share
    pooler: str  # waits in the pooler, in words ("" when direct)
    holding: str  # what the server connections were doing, in words
    processes: int
    threads: int


def results(
    label: str,
    stations: int,
    through_pooler: bool,
    max_connections: int,
    logs: list[StationLog],
    lost: int,
    watched: Watched,
) -> list[Result]:
    spread = spread_of(logs)
    writes = [w for log in logs for w in log.writes]
    errors = [e for log in logs for e in log.errors]
    conflicts = sum(log.conflicts for log in logs)
    stale = sum(log.went_stale for log in logs)
    feed_reads = sum(log.feed_reads for log in logs)
    note = (
        f"{stations} workstations, {len(writes)} writes in {watched.seconds:g} s "
        f"({conflicts} edit conflicts), server max_connections={max_connections}"
    )
    if errors:
        note += f"; first error: {errors[0][:160]}"
    load_note = f"load average {watched.load[0]:.1f} (peak {watched.load[1]:.1f})"
    cores = watched.cores
    p = f"team {label}:"
    return [
        Result(f"{p} peak server connections", watched.peak, "connections", None,
               max_connections, note=f"{note}; {watched.holding}"),
        Result(f"{p} server connections per idle workstation",
               round(watched.idle_peak / stations, 2), "connections", None,
               None if through_pooler else 2, "info" if through_pooler else "max",
               f"{watched.idle_peak} for {stations} idle workstations"),
        Result(f"{p} propagation p95", ms(p95(spread.delays)) if spread.delays else -1, "ms",
               None, 1000 if through_pooler else None, "max" if through_pooler else "info",
               f"a write's commit to its row read on all {stations - 1} other workstations; "
               f"{spread.unseen} writes not seen everywhere; {load_note}"),
        Result(f"{p} propagation, noticing p95", _p95_ms(spread.noticing), "ms", None, None,
               "info", "per write and other workstation: commit to its reader being asked "
               "(the watcher's wake, a timer)"),
        Result(f"{p} propagation, reading p95", _p95_ms(spread.reading), "ms", None, None,
               "info", "then the change feed and the changed rows read"),
        Result(f"{p} write p95", _p95_ms([w.took for w in writes]), "ms", None, None, "info",
               f"a call logged or an edit saved, its wait for a server connection included; "
               f"{len(writes) / max(watched.seconds, 1e-9):.1f} writes a second"),
        Result(f"{p} errors", len(errors), "errors", None, 0, "equal",
               f"watchers that went stale: {stale}"),
        Result(f"{p} lost writes", lost, "writes", None, 0, "equal",
               "saved calls present once; versions and call counts add up"),
        Result(f"{p} load average", round(watched.load[0], 1), "", None, None, "info",
               f"1-minute load average while writing, peak {watched.load[1]:.1f}, on "
               f"{_cpus()} CPUs"),
        Result(f"{p} simulator CPU", round(cores["simulator"], 2), "cores", None, None, "info",
               f"{watched.processes} processes, {watched.threads} threads; server "
               f"{cores['server']:.2f} cores, pooler {cores['pooler']:.2f}, machine busy "
               f"{cores['machine busy']:.0%}; {feed_reads} change-feed reads"),
        *(
            [Result(f"{p} pooler waits", 0, "", None, None, "info", watched.pooler)]
            if watched.pooler
            else []
        ),
    ]  # fmt: skip


def _p95_ms(values: list[float]) -> float:
    return ms(p95(values)) if values else -1


def _cpus() -> int:
    return os.cpu_count() or 1
