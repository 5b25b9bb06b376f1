"""The console's outbox on disk: changes made while the database could not be reached, kept in a
small SQLite file of their own until they are replayed (app/services/offline/outbox.py).

Durability, and why these settings: an entry is "saved" for the agent the moment `add` returns,
so the write must survive the process being killed and the machine losing power right after.
WAL journal with `synchronous = FULL` fsyncs the log on every commit (NORMAL would only survive
a process crash). Writes are a few hundred bytes, so the fsync costs a few milliseconds: nothing
beside a phone call. Entries keep their order (`seq`), their id made by the console (`op_id`)
and the moment the agent acted (`recorded_at`), so a replay applies each once, in order, as of
when it happened.

Which database an entry is for: its identity (the id stored in the database itself,
app/db/identity.py), never the spelling of the address. An entry made before the console knew
the identity of the database at its address (`place`) has none yet; it is tied to the identity
the first time a console reaches that place (`adopt`). The file remembers which identity it last
found at each place, so a console that starts offline keeps its changes under the right one.
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
_PLACES = """
CREATE TABLE IF NOT EXISTS places (
    place TEXT PRIMARY KEY,
    database TEXT NOT NULL
)
"""
# For this database: by identity, or (identity not known yet) by the place it was made at.
_MINE = "(database = :database OR (database = '' AND place = :place))"


@dataclass(frozen=True)
class Destination:
    """The database a console sends to: its identity ('' until the console has learned it) and
    where it reaches it (the database's description, never a password)."""

    database: str
    place: str

    def args(self) -> dict[str, str]:
        # An unknown identity matches no entry by identity: only by place.
        return {"database": self.database or "\x00", "place": self.place}


class OutboxUnavailable(CalmdeskError):
    """The outbox file cannot be written: the change is not saved anywhere."""


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    op_id: str
    database: str  # the identity of the database it is for; '' until it was learned
    place: str  # where the console reached that database when it kept it (its description)
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
                db.execute(_PLACES)
                _add_place_column(db)
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
        destination: Destination,
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
                    "(op_id, database, place, agent_id, kind, payload, summary, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        op_id,
                        destination.database,
                        destination.place,
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

    def entries(self, destination: Destination, *, state: str | None = None) -> list[OutboxEntry]:
        """The entries for that database, in the order they were made."""
        query = f"SELECT * FROM outbox WHERE {_MINE}"
        args: dict[str, str] = destination.args()
        if state is not None:
            query += " AND state = :state"
            args["state"] = state
        return self._select(query + " ORDER BY seq", args)

    def elsewhere(self, destination: Destination) -> list[OutboxEntry]:
        """Entries kept for other databases (another team's, or one this console used before)."""
        return self._select(
            f"SELECT * FROM outbox WHERE NOT {_MINE} ORDER BY seq", destination.args()
        )

    def get(self, op_id: str) -> OutboxEntry | None:
        found = self._select("SELECT * FROM outbox WHERE op_id = :op_id", {"op_id": op_id})
        return found[0] if found else None

    def count(self, destination: Destination, state: str = WAITING) -> int:
        with self._connection() as db:
            row = db.execute(
                f"SELECT count(*) FROM outbox WHERE {_MINE} AND state = :state",
                {**destination.args(), "state": state},
            ).fetchone()
        return int(row[0])

    def count_elsewhere(self, destination: Destination) -> int:
        with self._connection() as db:
            row = db.execute(
                f"SELECT count(*) FROM outbox WHERE NOT {_MINE}", destination.args()
            ).fetchone()
        return int(row[0])

    def known(self, place: str) -> str:
        """The identity last found at `place`; '' if none was."""
        with self._connection() as db:
            row = db.execute("SELECT database FROM places WHERE place = ?", (place,)).fetchone()
        return str(row[0]) if row else ""

    def adopt(self, destination: Destination) -> None:
        """The database at `destination.place` is `destination.database`: remember it, and tie
        the entries made there without an identity to it."""
        with self._connection() as db:
            db.execute(
                "INSERT INTO places (place, database) VALUES (?, ?) "
                "ON CONFLICT (place) DO UPDATE SET database = excluded.database",
                (destination.place, destination.database),
            )
            db.execute(
                "UPDATE outbox SET database = ? WHERE database = '' AND place = ?",
                (destination.database, destination.place),
            )

    def _select(self, query: str, args: dict[str, str]) -> list[OutboxEntry]:
        with self._connection() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(query, args).fetchall()
        return [_entry(row) for row in rows]

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


def _add_place_column(db: sqlite3.Connection) -> None:
    """An outbox file from before identities: its `database` column held the place."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
    if "place" not in columns:
        db.execute("ALTER TABLE outbox ADD COLUMN place TEXT NOT NULL DEFAULT ''")
        db.execute("UPDATE outbox SET place = database, database = ''")


def _entry(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        seq=row["seq"],
        op_id=row["op_id"],
        database=row["database"],
        place=row["place"],
        agent_id=row["agent_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        summary=row["summary"],
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        state=row["state"],
        attempts=row["attempts"],
        problem=row["problem"],
    )
