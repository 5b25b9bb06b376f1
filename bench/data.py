"""The benchmark data, made once per run in one temporary folder: the full ServiceNow log
imported through the real importer into a SQLite file, the generated 25k scale set in another
SQLite file, and throwaway PostgreSQL databases for the metrics that need a server."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.imports.commands import ImportReport, import_servicenow
from bench.scale_data import generate, generate_history

SERVICENOW = Path(__file__).resolve().parents[1] / "data" / "uci498_incident_event_log.csv.xz"
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
SCALE_ROWS = 25_000
HISTORY_ROWS = 1_000_000  # the scale metric: years of history behind a normal day's queue
HISTORY_OPEN_ROWS = 5_000
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Imported:
    url: str
    report: ImportReport


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def import_servicenow_into(url: str, source: Path = SERVICENOW) -> Imported:
    """Upgrade a fresh database and import the ServiceNow log with `calmdesk import`'s code."""
    db = open_database(url)
    try:
        upgrade(db)
        ctx = ServiceContext(db, ManualClock(datetime.now(UTC)), sign_in(db, "bench", "Bench"))
        return Imported(url, import_servicenow(ctx, source))
    finally:
        db.dispose()


def scale_set(url: str, rows: int = SCALE_ROWS) -> str:
    db = open_database(url)
    try:
        upgrade(db)
        generate(db, rows, NOW)
    finally:
        db.dispose()
    return url


def history_set(url: str, history: int = HISTORY_ROWS, open_rows: int = HISTORY_OPEN_ROWS) -> str:
    """`open_rows` open incidents with `history` resolved and closed ones behind them."""
    db = open_database(url)
    try:
        upgrade(db)
        generate(db, open_rows, NOW)
        generate_history(db, history, NOW)  # disposes of the engine: it needs the file alone
    finally:
        db.dispose()
    return url


def open_ctx(url: str, login: str = "bench") -> ServiceContext:
    db = open_database(url)
    return ServiceContext(db, ManualClock(NOW), sign_in(db, login, login.title()))


def postgres_available(admin: str = POSTGRES) -> bool:
    try:
        with psycopg.connect(admin, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def postgres_database(admin: str = POSTGRES) -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"calmdesk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrated(url: str) -> Database:
    db = open_database(url)
    upgrade(db)
    return db
