"""Import speed: the full ServiceNow incident event log (141,712 rows, 24,918 incidents) into a
fresh SQLite file and, when reachable, a fresh PostgreSQL database; then a re-import (updates).

Run: python -m bench.import_bench [FILE] [--postgres URL]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from app.db.engine import open_database
from app.db.migrate import upgrade
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.imports.commands import import_servicenow

DATA = Path(__file__).resolve().parents[1] / "data" / "uci498_incident_event_log.csv.xz"


def _run(url: str, path: Path, label: str) -> None:
    db = open_database(url)
    upgrade(db)
    ctx = ServiceContext(db, ManualClock(datetime.now(UTC)), sign_in(db, "bench", "Bench"))
    for attempt in ("first import", "re-import"):
        report = import_servicenow(ctx, path)
        print(f"{label} {attempt}: {report.summary}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=DATA)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _run(f"sqlite:///{folder}/bench.sqlite3", args.file, "SQLite")
    name = f"calmdesk_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {exc}")
    else:
        base = args.postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        try:
            _run(f"{base}/{name}", args.file, "PostgreSQL")
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    main()
