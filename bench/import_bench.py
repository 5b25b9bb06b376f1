"""Import speed: the full ServiceNow log (141,712 event rows, 24,918 incidents) imported by
`calmdesk import servicenow`'s code into a fresh SQLite file and a throwaway PostgreSQL database,
then imported again (every incident updated, no event added). The baseline, measured just before
each import in the same run: a bare `csv.reader` pass over the same (`.xz`) file (the best of two),
the floor any importer reading that file has. Events/s are the file's rows per second.

Run: python -m bench.import_bench [FILE]   (or python -m bench --only import)
"""

from __future__ import annotations

import argparse
import csv
import lzma
import os
import resource
import tempfile
from pathlib import Path
from time import perf_counter

from bench.common import Result
from bench.data import (
    SERVICENOW,
    import_servicenow_into,
    postgres_available,
    postgres_database,
    sqlite_url,
)

SQLITE_RATIO = 5.0  # the import within 5x a bare csv.reader pass over the same file
POSTGRES_RATE = 25_000  # events/s at least


def csv_reader_seconds(path: Path) -> tuple[float, int]:
    """The best of two bare csv.reader passes over the file, and its rows (less the header)."""
    times = []
    rows = 0
    for _ in range(2):
        started = perf_counter()
        opener = lzma.open if path.suffix == ".xz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        times.append(perf_counter() - started)
    return min(times), rows


def measure(backend: str, url: str, source: Path = SERVICENOW) -> list[Result]:
    """First import and re-import of `source` into the fresh database at `url`."""
    results = []
    for attempt in ("", ", re-import"):
        raw_seconds, rows = csv_reader_seconds(source)
        report = import_servicenow_into(url, source).report
        if attempt:
            target, kind = None, "info"
        elif backend == "SQLite":
            target, kind = SQLITE_RATIO, "ratio"
        else:  # the time POSTGRES_RATE events/s would take
            target, kind = round(rows / POSTGRES_RATE, 2), "max"
        results.append(
            Result(
                f"import ServiceNow log ({backend}{attempt})",
                round(report.seconds, 3),
                "s",
                round(raw_seconds, 3),
                target,
                kind,
                f"{rows / report.seconds:,.0f} events/s, csv.reader {rows / raw_seconds:,.0f}/s "
                f"({rows:,} rows; {report.incidents_created:,} incidents created, "
                f"{report.incidents_updated:,} updated, {report.events_added:,} events added); "
                f"load average {os.getloadavg()[0]:.1f}",
            )
        )
    return results


def run(sqlite: str, source: Path = SERVICENOW) -> list[Result]:
    """SQLite at `sqlite` (a fresh file), and a throwaway PostgreSQL database when the server
    answers."""
    results = measure("SQLite", sqlite, source)
    if postgres_available():
        with postgres_database() as url:
            results += measure("PostgreSQL", url, source)
    else:
        print("PostgreSQL is not reachable at 127.0.0.1:5432: its import is skipped")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=SERVICENOW)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = run(sqlite_url(Path(folder) / "bench.sqlite3"), args.file)
    for result in results:
        ratio = f", {result.ratio:g}x csv.reader" if result.ratio else ""
        print(f"{result.name}: {result.value:g} s{ratio}; {result.note}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
