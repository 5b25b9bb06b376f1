"""Knowing *when* to read the change feed: PostgreSQL's LISTEN/NOTIFY, or a cheap look at a shared
SQLite file's `PRAGMA data_version`.

Behind a connection pooler in transaction mode (PgBouncer) LISTEN does not survive: the server
connection that listened goes back to the pool after each statement. There the PostgreSQL
watcher instead asks, once a second, which transactions have written to the change log since it
last looked: one small query on an index, in autocommit, on its one connection, and wakes the
reader only when one is new. It is then the console's one poll loop (`polling`): the change hub
runs no timer of its own beside it (ui/live/change_hub.py). It notices the pooler by itself (see
`behind_pooler`), or is told (`LiveMode.POLL`, from the team settings).

A watcher never says *what* changed, only "poll now": the change log stays the one source of
truth, so a missed, doubled or late wake-up costs a poll, never a change. A watcher runs on its
own thread with its own connection, and reports through two callbacks called on that thread:
`wake()` and `state(live, message)`. After every (re)connection it wakes its reader, which then
catches up from its cursor: whatever was committed while the watcher was down is read then.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, Protocol

from app.db.engine import Database, describe
from app.db.live_mode import LiveMode

log = logging.getLogger(__name__)

CHANNEL = "calmdesk_changes"
POLL_SECONDS = 1.0  # behind a pooler: one small indexed query a second, at most
Wake = Callable[[], None]
State = Callable[[bool, str], None]


class ChangeWatcher(Protocol):
    # True while it reads the change log on a timer of its own (behind a pooler): its reader
    # then needs no timer of its own, the watcher's is the console's one poll loop.
    polling: bool

    def start(self, wake: Wake, state: State) -> None: ...

    def stop(self) -> None: ...


def watcher_for(db: Database, mode: LiveMode = LiveMode.AUTO) -> ChangeWatcher | None:
    """The watcher that suits the database, or None (an in-memory SQLite has no other writer)."""
    if db.backend == "postgresql":
        return PostgresListener(db, mode=mode)
    path = db.engine.url.database
    if path and path != ":memory:":
        return SqliteFileWatcher(path)
    return None


class _Thread:
    """The start/stop plumbing both watchers share, with a back-off between reconnections."""

    name = "calmdesk-watcher"
    polling = False

    def __init__(self, retry_seconds: float, max_retry_seconds: float) -> None:
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._retry = retry_seconds
        self._max_retry = max_retry_seconds
        self._wake: Wake = _nothing
        self._state: State = _nothing_state

    def start(self, wake: Wake, state: State) -> None:
        if self._thread is not None:
            raise RuntimeError("this watcher is already running")
        self._wake, self._state = wake, state
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        delay = self._retry
        while not self._stopping.is_set():
            try:
                self._watch()  # returns when stopping; raises when the connection is lost
                return
            except Exception as exc:  # any failure: say so, wait, reconnect
                message = self._describe_failure(exc)
                log.warning("Live updates interrupted: %s (%s)", message, type(exc).__name__)
                log.debug("Watcher failure", exc_info=True)
                self._state(False, message)
            self._stopping.wait(delay)
            delay = min(delay * 2, self._max_retry)

    def _connected(self) -> None:
        self._state(True, "")
        self._wake()  # catch up on whatever was committed while we were not listening

    def _watch(self) -> None:
        raise NotImplementedError

    def _describe_failure(self, exc: Exception) -> str:
        raise NotImplementedError


class PostgresListener(_Thread):
    """LISTEN calmdesk_changes on a connection of its own; every notification wakes the reader.
    A quiet connection is pinged every `ping_seconds`, so a silently dropped link is noticed.

    Behind a pooler (noticed, or `mode=POLL`) the same connection instead reads which
    transactions wrote to the change log, every `poll_seconds`, and wakes the reader when one is
    new. `polling` says which of the two it is doing."""

    name = "calmdesk-pg-listener"

    def __init__(
        self,
        db: Database,
        *,
        mode: LiveMode = LiveMode.AUTO,
        retry_seconds: float = 0.5,
        max_retry_seconds: float = 10.0,
        ping_seconds: float = 5.0,
        wait_seconds: float = 0.25,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__(retry_seconds, max_retry_seconds)
        self._db = db
        self._mode = mode
        self._ping = ping_seconds
        self._wait = wait_seconds
        self._poll = poll_seconds
        self.backend_pid: int | None = None  # the listening server process, for diagnostics

    def _watch(self) -> None:
        # A connection from the engine's own pool, detached from it: same server, user, SSL
        # settings, password (which the engine keeps out of its URL) and application_name.
        pooled = self._db.reading_engine.raw_connection()
        connection: Any = pooled.driver_connection
        pooled.detach()
        try:
            connection.rollback()
            connection.autocommit = True
            polling = self._mode == LiveMode.POLL
            if self._mode == LiveMode.AUTO and behind_pooler(connection):
                log.info("A connection pooler is in between: reading changes every second")
                polling = True
            self.polling = polling
            if polling:
                self._read_changes(connection)
            else:
                self._listen(connection)
        finally:
            self.backend_pid = None
            connection.close()

    def _listen(self, connection: Any) -> None:
        connection.execute(f"LISTEN {CHANNEL}")
        self.backend_pid = int(connection.info.backend_pid)
        self._connected()
        quiet = 0.0
        while not self._stopping.is_set():
            woke = False
            for _notice in connection.notifies(timeout=self._wait):
                woke = True
                break  # one wake covers a burst: the reader reads everything at once
            if woke:
                quiet = 0.0
                self._wake()
                continue
            quiet += self._wait
            if quiet >= self._ping:
                quiet = 0.0
                ping(connection)

    def _read_changes(self, connection: Any) -> None:
        """Wake the reader whenever a transaction it has not seen wrote to the change log.

        Like the change feed (app/services/feed/reads.py), by transaction: every transaction
        older than the snapshot's xmin has ended, so only those from xmin on can still appear;
        the ones among them already seen are remembered. One statement, one snapshot."""
        since, seen = _transactions(connection, None)
        self._connected()
        while not self._stopping.wait(self._poll):
            horizon, visible = _transactions(connection, since)
            if visible - seen:
                self._wake()
            since, seen = horizon, {xid for xid in visible if xid >= horizon}

    def _describe_failure(self, exc: Exception) -> str:
        where = describe(self._db.engine.url)
        return f"lost the connection to {where}; reconnecting"


_TRANSACTIONS = (
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
    "ARRAY(SELECT DISTINCT xid FROM change_log WHERE xid >= "
    "COALESCE(%s, pg_snapshot_xmin(pg_current_snapshot())::text::bigint))"
)


def _transactions(connection: Any, since: int | None) -> tuple[int, set[int]]:
    """(this snapshot's xmin, the transactions from `since` on that wrote to the change log)."""
    horizon, xids = connection.execute(_TRANSACTIONS, (since,)).fetchone()
    return int(horizon), {int(xid) for xid in xids if xid is not None}


def behind_pooler(connection: Any) -> bool:
    """True when a pooler (PgBouncer, Pgpool-II, a cloud proxy) sits between us and the server.

    A pooler answers the connection itself and makes up the process id it gives the client
    (it needs its own key to route a cancel request); the server's real one differs. A plain
    TCP proxy passes the server's through unchanged."""
    row = connection.execute("SELECT pg_backend_pid()").fetchone()
    return int(row[0]) != int(connection.info.backend_pid)


class SqliteFileWatcher(_Thread):
    """Polls `PRAGMA data_version` on a connection of its own: the number changes when any other
    connection (another process, another workstation on the share) commits to the file."""

    name = "calmdesk-sqlite-watcher"

    def __init__(
        self, path: str, *, interval_seconds: float = 0.1, retry_seconds: float = 1.0
    ) -> None:
        super().__init__(retry_seconds, 10.0)
        self._path = path
        self._interval = interval_seconds

    def _watch(self) -> None:
        connection = sqlite3.connect(self._path, timeout=5, check_same_thread=False)
        try:
            version = connection.execute("PRAGMA data_version").fetchone()[0]
            self._connected()
            while not self._stopping.wait(self._interval):
                current = connection.execute("PRAGMA data_version").fetchone()[0]
                if current != version:
                    version = current
                    self._wake()
        finally:
            connection.close()

    def _describe_failure(self, exc: Exception) -> str:
        return f"cannot read the database file {self._path}; retrying"


def ping(connection: Any) -> None:
    """A bounded `SELECT 1` on a PostgreSQL connection (app/db/deadlines.py)."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("SELECT 1")
        return
    from app.db.deadlines import DeadlineConnection  # psycopg: never loaded for a SQLite file

    if isinstance(connection, DeadlineConnection):
        connection.ping()
    else:
        connection.execute("SELECT 1")


def _nothing() -> None:
    return None


def _nothing_state(_live: bool, _message: str) -> None:
    return None
