"""The console's outbox on disk: changes made while the database could not be reached, kept in a
small SQLite file of their own until they are replayed (app/services/offline/outbox.py).

Durability, and why these settings: an entry is "saved" for the agent the moment `add` returns,
so the write must survive the process being killed and the machine losing power right after.
WAL journal with `synchronous = FULL` fsyncs the log on every commit (NORMAL would only survive
a process crash). Writes are a few hundred bytes, so the fsync costs a few milliseconds: nothing
beside a phone call. Entries keep their order (`seq`), their id made by the console (`op_id`)
and the moment the agent acted (`recorded_at`), so a replay applies each once, in order, as of
when it happened.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.domain.errors import CalmdeskError

WAITING = "waiting"
CONFLICT = "conflict"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id TEXT NOT NULL UNIQUE,
    database TEXT NOT NULL,
    agent_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    summary TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'waiting',
    attempts INTEGER NOT NULL DEFAULT 0,
    problem TEXT NOT NULL DEFAULT ''
)
"""


class OutboxUnavailable(CalmdeskError):
    """The outbox file cannot be written: the change is not saved anywhere."""


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    op_id: str
    database: str  # which database it is for (its description, never a password)
    agent_id: int
    kind: str
    payload: dict[str, Any]
    summary: str  # what the agent sees in the outbox list
    recorded_at: datetime
    state: str  # waiting | conflict
    attempts: int
    problem: str  # why it could not be applied (a conflict), for the agent


class OutboxStore:
    """One SQLite file, safe to use from several threads (one connection per call)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as db:
                db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutboxUnavailable(
                f"The offline outbox {path} cannot be opened ({exc}); changes made while the "
                "database is unreachable cannot be kept. Check the folder is writable."
            ) from None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with self._lock, closing(sqlite3.connect(self.path, timeout=10)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")  # see the module docstring
            with db:  # one transaction: commits, or rolls back on an error
                yield db

    def add(
        self,
        *,
        op_id: str,
        database: str,
        agent_id: int,
        kind: str,
        payload: dict[str, Any],
        summary: str,
        recorded_at: datetime,
    ) -> None:
        """Keep a change; durable on disk when this returns. Adding the same op_id twice keeps
        the first (a double Enter while offline saves once)."""
        try:
            with self._connection() as db:
                db.execute(
                    "INSERT OR IGNORE INTO outbox "
                    "(op_id, database, agent_id, kind, payload, summary, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        op_id,
                        database,
                        agent_id,
                        kind,
                        json.dumps(payload, sort_keys=True),
                        summary,
                        recorded_at.astimezone(UTC).isoformat(),
                    ),
                )
        except sqlite3.Error as exc:
            raise OutboxUnavailable(
                f"Could not keep the change in the offline outbox {self.path} ({exc}). "
                "It is not saved: copy what you typed somewhere safe."
            ) from None

    def entries(self, database: str, *, state: str | None = None) -> list[OutboxEntry]:
        """In the order they were made."""
        query = "SELECT * FROM outbox WHERE database = ?"
        args: tuple[Any, ...] = (database,)
        if state is not None:
            query += " AND state = ?"
            args += (state,)
        with self._connection() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(query + " ORDER BY seq", args).fetchall()
        return [_entry(row) for row in rows]

    def count(self, database: str, state: str = WAITING) -> int:
        with self._connection() as db:
            row = db.execute(
                "SELECT count(*) FROM outbox WHERE database = ? AND state = ?", (database, state)
            ).fetchone()
        return int(row[0])

    def remove(self, op_id: str) -> None:
        """The change reached the database (or the agent discarded it)."""
        with self._connection() as db:
            db.execute("DELETE FROM outbox WHERE op_id = ?", (op_id,))

    def mark_conflict(self, op_id: str, problem: str) -> None:
        with self._connection() as db:
            db.execute(
                "UPDATE outbox SET state = ?, problem = ?, attempts = attempts + 1 WHERE op_id = ?",
                (CONFLICT, problem, op_id),
            )

    def mark_attempt(self, op_id: str) -> None:
        with self._connection() as db:
            db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE op_id = ?", (op_id,))

    def retry(self, op_id: str) -> None:
        """Put a conflicting change back in line, after the agent fixed what it depended on."""
        with self._connection() as db:
            db.execute(
                "UPDATE outbox SET state = ?, problem = '' WHERE op_id = ?", (WAITING, op_id)
            )


def _entry(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        seq=row["seq"],
        op_id=row["op_id"],
        database=row["database"],
        agent_id=row["agent_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        summary=row["summary"],
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        state=row["state"],
        attempts=row["attempts"],
        problem=row["problem"],
    )
