"""A small connection pool for a console on a shared PostgreSQL server.

A console keeps at most one connection between uses, opens a second only while two pieces of
work overlap, and closes the one it keeps once it has been idle for `idle_seconds`. With the live
listener's own connection, an idle console holds at most two server connections and a busy one
at most three, so a server's `max_connections` is spent on people, not on parked connections.

The closing is done by a timer that exists only while a connection sits in the pool: an idle
console runs no thread for it. A connection closed this way leaves its place in the pool, which
reconnects on the next use.

It also remembers a connection attempt that timed out (app/db/silent_line.py), so that on a
silent line the console's readers fail at once instead of each waiting out `connect_timeout`.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy.pool import ConnectionPoolEntry, QueuePool
from sqlalchemy.util import queue as sqla_queue

from app.db.libpq_deadlines import CONNECT_TIMEOUT_SECONDS
from app.db.silent_line import SilentLine

KEPT = 1  # connections kept between uses
EXTRA = 1  # more, only while the kept one is in use
IDLE_SECONDS = 30.0
_RETURNED = "calmdesk_returned_at"


class IdleClosingPool(QueuePool):
    def __init__(
        self,
        creator: Any,
        *,
        idle_seconds: float = IDLE_SECONDS,
        silent_line: SilentLine | None = None,
        **kw: Any,
    ) -> None:
        kw.setdefault("pool_size", KEPT)
        kw.setdefault("max_overflow", EXTRA)
        super().__init__(creator, **kw)
        # A timed-out attempt is remembered for as long as one attempt may take.
        self.silent_line = silent_line or SilentLine(quiet_seconds=CONNECT_TIMEOUT_SECONDS)
        invoke = self._invoke_creator
        self._invoke_creator = lambda record: self.silent_line.connect(lambda: invoke(record))
        self._idle_seconds = idle_seconds
        self._timer: threading.Timer | None = None
        self._timer_lock = threading.Lock()

    @property
    def idle_seconds(self) -> float:
        return self._idle_seconds

    @idle_seconds.setter
    def idle_seconds(self, seconds: float) -> None:
        """A new idle time counts at once, for the connections already waiting too."""
        self._idle_seconds = seconds
        self._cancel_timer()
        self._schedule(0)

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED] = time.monotonic()
        super()._do_return_conn(record)
        self._schedule(self.idle_seconds)

    def close_idle(self) -> float | None:
        """Close the pooled connections idle for `idle_seconds` or more. Returns the seconds
        until the next one is due, or None when no open connection is left in the pool."""
        now = time.monotonic()
        taken: list[ConnectionPoolEntry] = []
        next_due: float | None = None
        # Take every waiting entry out (a checkout meanwhile makes a new connection, within the
        # limits), close the stale ones and put them all back.
        while True:
            try:
                taken.append(self._pool.get(False))
            except sqla_queue.Empty:
                break
        try:
            for record in taken:
                if record.dbapi_connection is None:
                    continue
                idle = now - float(record.info.get(_RETURNED, now))
                if idle >= self.idle_seconds:
                    record.close()
                else:
                    due = self.idle_seconds - idle
                    next_due = due if next_due is None else min(next_due, due)
        finally:
            for record in taken:
                super()._do_return_conn(record)
        return next_due

    def _schedule(self, seconds: float) -> None:
        with self._timer_lock:
            if self._timer is not None:
                return
            timer = threading.Timer(max(seconds, 0.01), self._on_timer)
            timer.daemon = True
            timer.name = "calmdesk-pool-idle"
            self._timer = timer
            timer.start()

    def _on_timer(self) -> None:
        with self._timer_lock:
            self._timer = None
        next_due = self.close_idle()
        if next_due is not None:
            self._schedule(next_due)

    def _cancel_timer(self) -> None:
        with self._timer_lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def dispose(self) -> None:
        self._cancel_timer()
        super().dispose()

    def recreate(self) -> IdleClosingPool:
        self.logger.info("Pool recreating")
        return self.__class__(
            self._creator,
            idle_seconds=self.idle_seconds,
            silent_line=self.silent_line,
            pool_size=self._pool.maxsize,
            max_overflow=self._max_overflow,
            pre_ping=self._pre_ping,
            use_lifo=self._pool.use_lifo,
            timeout=self._timeout,
            recycle=self._recycle,
            echo=self.echo,
            logging_name=self._orig_logging_name,
            reset_on_return=self._reset_on_return,
            _dispatch=self.dispatch,
            dialect=self._dialect,
        )
