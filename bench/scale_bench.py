"""Scale: a database holding 1,000,000 resolved and closed incidents behind 5,000 open ones,
against the 25k open-incident set. The queue reads open incidents and those resolved since
yesterday, so with the right indexes years of history cost next to nothing: start-up and the
queue load must stay within 1.5x of the 25k case.

Run alone: python -m bench --only scale
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.services.incidents.reads import IncidentReads
from bench import startup
from bench.common import Result, median, ms, timed
from bench.data import HISTORY_OPEN_ROWS, HISTORY_ROWS, NOW, open_ctx, sqlite_url
from ui.queue.queue_controller import local_midnight_utc


def queue_loads(base: Path, history: Path, repeat: int = 7) -> tuple[list[float], list[float]]:
    """Seconds per queue load on each file, interleaved: the console's own read (open, and
    resolved since yesterday's local midnight)."""
    since = local_midnight_utc(NOW) - timedelta(days=1)
    contexts = [open_ctx(sqlite_url(path)) for path in (base, history)]
    try:
        reads = [IncidentReads(ctx) for ctx in contexts]
        for read in reads:
            read.queue_rows(since)  # warm the file cache
        times: tuple[list[float], list[float]] = ([], [])
        for _ in range(repeat):
            for read, out in zip(reads, times, strict=True):
                out.extend(timed(lambda read=read: read.queue_rows(since), 1))
        return times
    finally:
        for ctx in contexts:
            ctx.db.dispose()


def startups(base: Path, history: Path, home: Path, repeat: int) -> tuple[startup.Run, ...]:
    """`calmdesk --exit-when-ready` on each file, interleaved, after one warm-up each."""
    commands = [startup.calmdesk(sqlite_url(path)) for path in (base, history)]
    for command in commands:
        startup.run_rss(command, home)
    runs: tuple[list[startup.Run], list[startup.Run]] = ([], [])
    for _ in range(repeat):
        for command, out in zip(commands, runs, strict=True):
            out.append(startup.run_rss(command, home))
    return tuple(startup.medians(r) for r in runs)


def run(base: Path, history: Path, home: Path, made_seconds: float, repeat: int) -> list[Result]:
    base_load, history_load = queue_loads(base, history)
    base_start, history_start = startups(base, history, home, repeat)
    label = f"{HISTORY_ROWS:,} history + {HISTORY_OPEN_ROWS:,} open"
    return [
        Result(
            f"scale: start-up, ready in ({label})",
            history_start.reported_ms,
            "ms",
            base_start.reported_ms,
            1.5,
            "ratio",
            f"baseline: the 25k open set; {history_start.rows} incidents in the queue",
        ),
        Result(
            f"scale: queue load ({label})",
            ms(median(history_load)),
            "ms",
            ms(median(base_load)),
            1.5,
            "ratio",
            "IncidentReads.queue_rows (open + resolved since yesterday) vs the 25k open set",
        ),
        Result(
            "scale: generating the history set",
            round(made_seconds, 1),
            "s",
            None,
            None,
            "info",
            f"{HISTORY_ROWS:,} incidents and their calls, sqlite3 executemany in one transaction",
        ),
    ]
