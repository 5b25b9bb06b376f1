"""Every round trip to PostgreSQL has a deadline, so a silent network (Wi-Fi gone, a VPN or a
firewall dropping packets without a reset) is noticed in seconds instead of never.

Four layers, each for what the others cannot see:

- libpq's own parameters: `connect_timeout` for a new connection; TCP keepalives and
  `tcp_user_timeout` so the operating system gives up on a line that stopped acknowledging;
  `statement_timeout` and `idle_in_transaction_session_timeout` (sent as startup `options`) so
  the server ends a runaway statement and a transaction whose console vanished.
- A bounded ping when a pooled connection is taken from the pool (`PING_SECONDS`); a silent
  connection is thrown away and a fresh one tried, which `connect_timeout` bounds.
- A ceiling on every wait for the server's answer (`ROUND_TRIP_SECONDS`, a little more than the
  statement timeout), enforced on this side: a line silent at a layer the kernel still
  acknowledges (a proxy, a pooler, a stuck middlebox) cannot hold a worker thread for ever.

So a console whose line goes silent declares it offline within `SILENT_LINE_SECONDS`: the ping
and one failed reconnection. Values the user wrote in the URL's query (`?connect_timeout=10`,
`?options=...`) are kept: through a pooler that refuses startup options, `?options=%20` turns
ours off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.abc import PQGen
from sqlalchemy import Engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError

from app.db.libpq_deadlines import (
    CONNECT_TIMEOUT_SECONDS,
    STATEMENT_TIMEOUT_MS,
    libpq_deadlines,
)

PING_SECONDS = 3.0
ROUND_TRIP_SECONDS = STATEMENT_TIMEOUT_MS / 1000 + 5  # the server's own timeout answers first
# The longest a checkout on a silent line takes before it fails: the ping, then a reconnection.
SILENT_LINE_SECONDS = PING_SECONDS + CONNECT_TIMEOUT_SECONDS

NO_ANSWER = "timed out: no answer from the server within"  # engine.py explains this one

RV = TypeVar("RV")


def connect_args(url: URL) -> dict[str, Any]:
    """The libpq parameters above, except those the URL already sets."""
    return libpq_deadlines(url.query)


class DeadlineConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait for the server ends by a deadline. Past it the
    connection is closed (its protocol state is unknown) and OperationalError says so."""

    round_trip_seconds: float = ROUND_TRIP_SECONDS

    def wait(self, gen: PQGen[RV], interval: float = 0.1, timeout: float | None = None) -> RV:
        if timeout is not None:  # the caller's own, shorter limit (notifies): theirs to handle
            return super().wait(gen, interval, timeout)
        limit = self.round_trip_seconds
        try:
            return super().wait(gen, interval, limit)
        except pg_errors._WaitTimeout:
            self.pgconn.finish()
            raise psycopg.OperationalError(f"{NO_ANSWER} {limit:g} s") from None

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Waits inside the block end after `seconds` each."""
        before, self.round_trip_seconds = self.round_trip_seconds, seconds
        try:
            yield
        finally:
            self.round_trip_seconds = before

    def ping(self, seconds: float = PING_SECONDS) -> None:
        """One `SELECT 1` outside any transaction, answered within `seconds`, or an error."""
        with self.deadline(seconds):
            was = self.autocommit
            self.autocommit = True
            try:
                self.execute("SELECT 1")
            finally:
                if not self.closed:
                    self.autocommit = was


def install(engine: Engine) -> None:
    """Connections with deadlines, pinged (bounded) each time one leaves the pool."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, record: Any, cargs: Any, cparams: Any) -> DeadlineConnection:
        record.info["fresh"] = True  # just made: no need to ping it
        return DeadlineConnection.connect(*cargs, **cparams)

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.pop("fresh", False) or not isinstance(dbapi_connection, DeadlineConnection):
            return
        try:
            dbapi_connection.ping()
        except psycopg.Error as exc:
            # The pool throws this connection away and makes a new one (connect_timeout).
            raise DisconnectionError(str(exc)) from None
