"""`make bench`: every metric against its same-run baseline; a table, and bench/results.json.

    python -m bench [--full] [--keep] [--only NAME ...]

--full runs the concurrent writers for 60 s instead of 15 s; --only runs some of the groups
(import, startup, queue, scale, reports, live, calls, incoming, intake, team). `team` starts a
private
PostgreSQL cluster (max_connections=100) and a PgBouncer of its own: 300 workstations through the
pooler, 40 direct, 60 s each (--team-seconds); about 5 minutes. `make bench ARGS="--only team"`.
Data is made once per run in a temporary folder (the ServiceNow import takes ~10 s, ~25 s more
into PostgreSQL for the reports, the 25k scale set ~2 s, the 1M history set ~40 s).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter

from bench import (
    calls_bench,
    import_bench,
    incoming_call_bench,
    intake_bench,
    live_propagation,
    queue_bench,
    reports_bench,
    scale_bench,
    startup,
    team_bench,
)
from bench.common import Result
from bench.data import (
    history_set,
    import_servicenow_into,
    postgres_available,
    postgres_database,
    scale_set,
    sqlite_url,
)
from bench.servers import ServerUnavailable

RESULTS = Path(__file__).resolve().parent / "results.json"
GROUPS = (
    "import",
    "startup",
    "queue",
    "scale",
    "reports",
    "live",
    "calls",
    "incoming",
    "intake",
    "team",
)


def _import(folder: Path, *, measured: bool) -> tuple[Path, list[Result]]:
    """The ServiceNow import other groups read (SQLite); when `measured`, its figures
    (bench/import_bench.py: SQLite and PostgreSQL, against csv.reader in the same run)."""
    path = folder / "servicenow.sqlite3"
    if not measured:
        import_servicenow_into(sqlite_url(path))
        return path, []
    return path, import_bench.run(sqlite_url(path))


def _startup_sets(servicenow: Path, scale: Path, stack: contextlib.ExitStack) -> dict[str, str]:
    """The data sets start-up is measured on: the two SQLite files, and the same two written
    into throwaway PostgreSQL databases when the server answers (~30 s)."""
    urls = {
        "ServiceNow import, SQLite": sqlite_url(servicenow),
        "25k open, SQLite": sqlite_url(scale),
    }
    if postgres_available():
        servicenow_pg = stack.enter_context(postgres_database())
        import_servicenow_into(servicenow_pg)
        scale_pg = stack.enter_context(postgres_database())
        scale_set(scale_pg)
        urls["ServiceNow import, PostgreSQL"] = servicenow_pg
        urls["25k open, PostgreSQL"] = scale_pg
    return urls


def _startup(
    urls: dict[str, str], home: Path, repeat: int, *, warm_up: bool = True
) -> list[Result]:
    """Spawn to first line, Calmdesk on each data set and the bare window, interleaved (after a
    warm-up of each unless `warm_up` is False); the memory figure from the "25k open, SQLite"
    runs."""
    commands = {"bare": startup.bare()} | {
        name: startup.calmdesk(url) for name, url in urls.items()
    }
    runs = startup.interleaved(commands, home, repeat, warm_up=warm_up)
    bare = startup.medians(runs["bare"])
    results = [
        Result(
            f"start-up, spawn to first line ({name})",
            round(ours.wall_ms),
            "ms",
            round(bare.wall_ms),
            3.0,
            "ratio",
            f"{ours.rows:,} incidents in the queue; median of {repeat}, spread "
            f"{startup.spread(runs[name])}, bare window {startup.spread(runs['bare'])}; "
            f"self-reported from main(): {ours.reported_ms:.0f} ms",
        )
        for name in urls
        for ours in [startup.medians(runs[name])]
    ]
    scaled = startup.medians(runs["25k open, SQLite"])
    results.append(
        Result(
            "memory (peak RSS), 25k open queue loaded",
            round(scaled.rss_mb, 1),
            "MB",
            round(bare.rss_mb, 1),
            150,
            note="calmdesk --exit-when-ready on SQLite, read once the whole queue is in (its "
            '"complete in" line), vs the bare window; medians',
        )
    )
    return results


def _server_history(stack: contextlib.ExitStack) -> tuple[str, float] | None:
    """The history set on a throwaway PostgreSQL database (dropped when `stack` closes) and the
    seconds it took to make; None when the server does not answer."""
    if not postgres_available():
        print("PostgreSQL is not reachable at 127.0.0.1:5432: the history set is on SQLite only")
        return None
    url = stack.enter_context(postgres_database())
    started = perf_counter()
    history_set(url)
    return url, perf_counter() - started


def _team(folder: Path, seconds: float) -> list[Result]:
    try:
        return team_bench.run_all(folder, seconds)
    except ServerUnavailable as exc:
        print(f"the team benchmark needs PostgreSQL 15's server programs and PgBouncer: {exc}")
        return []


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--full", action="store_true", help="60 s of concurrent writers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument("--repeat", type=int, default=5, help="start-up runs per process")
    parser.add_argument("--team-seconds", type=float, default=60.0,
                        help="how long the team benchmark's workstations write")  # fmt: skip
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=GROUPS, metavar="NAME",
                        help=f"run only these groups: {', '.join(GROUPS)}")  # fmt: skip
    args = parser.parse_args()
    only = set(args.only)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="calmdesk-bench-"))
    results: list[Result] = []

    def step(title: str, work: Callable[[], list[Result]]) -> None:
        print(f"... {title}", flush=True)
        results.extend(work())

    try:
        scale = folder / "scale.sqlite3"
        if only & {"import", "startup", "queue", "scale"}:
            scale_set(sqlite_url(scale))
        if only & {"import", "startup", "reports"}:
            servicenow, imported = _import(folder, measured="import" in only)
            results.extend(imported)
        if "startup" in only:
            with contextlib.ExitStack() as stack:
                urls = _startup_sets(servicenow, scale, stack)
                step("start-up and memory", lambda: _startup(urls, folder, args.repeat))
        if "queue" in only:
            step("queue load, search, sort", lambda: queue_bench.run(scale))
        if "scale" in only:
            with contextlib.ExitStack() as stack:
                history = folder / "history.sqlite3"
                started = perf_counter()
                history_set(sqlite_url(history))
                made = perf_counter() - started
                on_server = _server_history(stack)
                step(
                    "scale: 1M history",
                    lambda: scale_bench.run(
                        scale, history, folder, made, max(3, args.repeat // 2), on_server
                    ),
                )
        if "reports" in only:
            step(
                "reports (SQLite)",
                lambda: reports_bench.run(sqlite_url(servicenow), "SQLite", folder),
            )
        small = folder / "small.sqlite3"
        if only & {"live", "calls", "incoming"}:
            scale_set(sqlite_url(small), 200)
        if "live" in only:
            step(
                "live propagation (SQLite)",
                lambda: [
                    live_propagation.measure(sqlite_url(small), "SQLite file", target_ms=1000)
                ],
            )
        if "calls" in only:
            step(
                "call save (SQLite)",
                lambda: [calls_bench.save_latency(sqlite_url(small), "SQLite")],
            )
        if "incoming" in only:
            step(
                "incoming call (SQLite)",
                lambda: incoming_call_bench.measure(sqlite_url(small), "SQLite", folder),
            )
        wants_server = bool(only & {"reports", "live", "calls", "intake"})
        server = wants_server and postgres_available()
        if wants_server and not server:
            print("PostgreSQL is not reachable at 127.0.0.1:5432: its metrics are skipped")
        if server and "reports" in only:
            with postgres_database() as url:
                import_servicenow_into(url)
                step("reports (PostgreSQL)", lambda: reports_bench.run(url, "PostgreSQL", folder))
        if server and only & {"live", "calls"}:
            with postgres_database() as url:
                scale_set(url, 200)
                if "live" in only:
                    step(
                        "live propagation (PostgreSQL)",
                        lambda: [live_propagation.measure(url, "PostgreSQL", target_ms=250)],
                    )
                if "calls" in only:
                    step(
                        "call save (PostgreSQL)",
                        lambda: [calls_bench.save_latency(url, "PostgreSQL")],
                    )
                    step(
                        "concurrent writers (PostgreSQL)",
                        lambda: calls_bench.concurrent_writers(
                            url, seconds=60 if args.full else 15
                        ),
                    )
        if server and "intake" in only:
            with postgres_database() as url:
                step("alert intake (PostgreSQL)", lambda: intake_bench.run(url))
        if "team" in only:
            step("team: workstations on one server", lambda: _team(folder, args.team_seconds))
    finally:
        if args.keep:
            print(f"data kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    _print(results)
    write_results(results, RESULTS, partial=only != set(GROUPS))
    print(f"wrote {RESULTS}")


def write_results(results: list[Result], path: Path, *, partial: bool = False) -> None:
    """Write the metrics; a partial run (--only) replaces its own metrics and keeps the rest."""
    metrics = [r.as_dict() for r in results]
    if partial and path.exists():
        fresh = {m["name"] for m in metrics}
        kept = [m for m in json.loads(path.read_text())["metrics"] if m["name"] not in fresh]
        metrics = kept + metrics
    document = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()} {os.cpu_count()} cpus "
        f"{platform.system()} {platform.release()} Python {platform.python_version()}",
        "metrics": metrics,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _print(results: list[Result]) -> None:
    header = ("metric", "value", "unit", "baseline", "ratio", "target", "met")
    lines = [header]
    for r in results:
        target = (
            ""
            if r.target is None
            else (
                f"<= {r.target:g}x"
                if r.target_kind == "ratio"
                else f"= {r.target:g}"
                if r.target_kind == "equal"
                else f"<= {r.target:g}"
            )
        )
        met = {True: "yes", False: "NO", None: ""}[r.met]
        lines.append((r.name, _fmt(r.value), r.unit, _fmt(r.baseline), _fmt(r.ratio), target, met))
    widths = [max(len(line[n]) for line in lines) for n in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


if __name__ == "__main__":
    main()
