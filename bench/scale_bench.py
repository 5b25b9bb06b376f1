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
from ui.queue.queue_day import local_midnight_utc


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


def startups(
    base: Path,
    history: Path,
    home: Path,
    repeat: int,
    server_history: str | None = None,
    *,
    warm_up: bool = True,
) -> dict[str, list[startup.Run]]:
    """`calmdesk --exit-when-ready` on each file (and on the history set on a team server, when
    given) and the bare window, interleaved, after one warm-up each (unless `warm_up` is
    False): the runs of "base", "history", "server history" and "bare"."""
    commands = {
        "bare": startup.bare(),
        "base": startup.calmdesk(sqlite_url(base)),
        "history": startup.calmdesk(sqlite_url(history)),
    }
    if server_history is not None:
        commands["server history"] = startup.calmdesk(server_history)
    return startup.interleaved(commands, home, repeat, warm_up=warm_up)


def run(
    base: Path,
    history: Path,
    home: Path,
    made_seconds: float,
    repeat: int,
    server_history: tuple[str, float] | None = None,
    *,
    warm_up: bool = True,
) -> list[Result]:
    """`server_history`: the same history set on PostgreSQL (its URL) and the seconds it took
    to make, for the start-up there too."""
    base_load, history_load = queue_loads(base, history)
    server_url = server_history[0] if server_history else None
    runs = startups(base, history, home, repeat, server_url, warm_up=warm_up)
    base_start, history_start, bare = (
        startup.medians(runs[name]) for name in ("base", "history", "bare")
    )
    label = f"{HISTORY_ROWS:,} history + {HISTORY_OPEN_ROWS:,} open"
    return [
        *_on_the_server(runs, label, server_history, repeat),
        Result(
            f"scale: start-up, spawn to first line ({label})",
            round(history_start.wall_ms),
            "ms",
            round(bare.wall_ms),
            3.0,
            "ratio",
            f"baseline: the bare window; median of {repeat}, spread "
            f"{startup.spread(runs['history'])}, bare {startup.spread(runs['bare'])}",
        ),
        Result(
            f"scale: start-up vs the 25k open set ({label})",
            round(history_start.wall_ms),
            "ms",
            round(base_start.wall_ms),
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


def _on_the_server(
    runs: dict[str, list[startup.Run]],
    label: str,
    server_history: tuple[str, float] | None,
    repeat: int,
) -> list[Result]:
    if server_history is None:
        return []
    start, bare = (startup.medians(runs[name]) for name in ("server history", "bare"))
    return [
        Result(
            f"scale: start-up, spawn to first line ({label}, PostgreSQL)",
            round(start.wall_ms),
            "ms",
            round(bare.wall_ms),
            3.0,
            "ratio",
            f"baseline: the bare window; median of {repeat}, spread "
            f"{startup.spread(runs['server history'])}; {start.rows} incidents in the queue",
        ),
        Result(
            "scale: generating the history set (PostgreSQL)",
            round(server_history[1], 1),
            "s",
            None,
            None,
            "info",
            f"{HISTORY_ROWS:,} incidents and their calls by COPY in one transaction, then "
            "VACUUM ANALYZE",
        ),
    ]
