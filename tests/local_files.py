"""Real local SQLite files for the broken-file tests: a profile database with incidents, damage
written over it, and a lock held by another process."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from app.bootstrap import start
from app.db import engine
from app.services.admin.local_file_recovery import sqlite_file
from app.services.incidents.reads import IncidentReads
from app.settings import Settings, load_settings
from tests.helpers import open_incident

NOW = datetime(2026, 1, 5, 9, 0, 0)


def local_database(incidents: int) -> tuple[Settings, Path]:
    """The profile's own SQLite file, holding `incidents` incidents."""
    settings = load_settings()
    session = start(settings, login="admin.alice")
    for number in range(incidents):
        open_incident(session.ctx, title=f"Printer {number} jams")
    session.ctx.db.dispose()
    file = sqlite_file(settings.db_url)
    assert file is not None
    return settings, file


def count_incidents(settings: Settings) -> int:
    session = start(settings, login="admin.alice")
    try:
        return IncidentReads(session.ctx).count()
    finally:
        session.ctx.db.dispose()


def damage(file: Path) -> bytes:
    garbage = b"this is not a database, it was overwritten by a sync tool\n" * 200
    file.write_bytes(garbage)
    return garbage


class Locker:
    """Another process holding BEGIN EXCLUSIVE (with a write) on the file until told to stop."""

    def __init__(self, file: Path) -> None:
        script = (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA locking_mode = EXCLUSIVE')\n"
            "c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute('UPDATE alembic_version SET version_num = version_num')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.execute('ROLLBACK')\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, str(file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.returncode is None:
            self.process.communicate("\n", timeout=30)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait 0.3 s for a lock instead of 10 s, so the locked-file tests stay quick."""
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 300)
