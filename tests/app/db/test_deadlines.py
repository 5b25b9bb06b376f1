"""Every round trip to PostgreSQL has a deadline: a line that goes silent (packets dropped, no
reset) is declared unreachable within seconds, for real, through a proxy that stops forwarding
without closing anything. Timeouts the server enforces are checked on the server itself."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import make_url, text

from app.db import deadlines, libpq_deadlines
from app.db.engine import check_connection, open_database
from app.domain.errors import DatabaseUnavailable
from tests.helpers import CutLine, outcome_of


def test_the_deadlines_add_up_to_an_offline_verdict_within_ten_seconds() -> None:
    assert deadlines.SILENT_LINE_SECONDS <= 10
    assert deadlines.PING_SECONDS < deadlines.ROUND_TRIP_SECONDS
    assert deadlines.STATEMENT_TIMEOUT_MS / 1000 < deadlines.ROUND_TRIP_SECONDS


def test_libpq_gets_timeouts_and_keepalives_unless_the_url_sets_its_own() -> None:
    args = deadlines.connect_args(make_url("postgresql+psycopg://a@h/d"))
    assert args["connect_timeout"] == deadlines.CONNECT_TIMEOUT_SECONDS
    assert args["keepalives"] == 1
    assert args["tcp_user_timeout"] == libpq_deadlines.TCP_USER_TIMEOUT_MS
    assert "statement_timeout=" in args["options"]
    assert "idle_in_transaction_session_timeout=" in args["options"]
    own = deadlines.connect_args(
        make_url("postgresql+psycopg://a@h/d?connect_timeout=9&options=%20")
    )
    assert "connect_timeout" not in own  # the URL's 9 s stands
    assert "options" not in own  # a blank one: a pooler that refuses startup options


@pytest.mark.postgres
def test_the_server_enforces_the_statement_and_idle_transaction_timeouts(
    pg_through_proxy: CutLine,
) -> None:
    db = open_database(pg_through_proxy.url)
    setting = text("SELECT setting FROM pg_settings WHERE name = :name")
    with db.read() as session:
        statement = session.scalar(setting, {"name": "statement_timeout"})
        idle = session.scalar(setting, {"name": "idle_in_transaction_session_timeout"})
        libpq = session.connection().connection.driver_connection.info.get_parameters()
    assert statement == str(deadlines.STATEMENT_TIMEOUT_MS)
    assert idle == str(libpq_deadlines.IDLE_IN_TRANSACTION_TIMEOUT_MS)
    assert libpq["tcp_user_timeout"] == str(libpq_deadlines.TCP_USER_TIMEOUT_MS)
    assert libpq["keepalives_idle"] == str(libpq_deadlines.KEEPALIVES["keepalives_idle"])
    db.dispose()


@pytest.mark.postgres
def test_a_pooled_connection_on_a_silent_line_fails_fast_instead_of_hanging(
    pg_through_proxy: CutLine,
) -> None:
    line = pg_through_proxy
    db = open_database(line.url)
    with db.read() as session:  # a connection now waits in the pool
        assert session.scalar(text("SELECT 1")) == 1

    line.proxy.silence()

    def read() -> Any:
        with db.read() as session:
            return session.scalar(text("SELECT 1"))

    failure = outcome_of(read)
    assert isinstance(failure, DatabaseUnavailable)
    assert "Cannot reach PostgreSQL" in str(failure) or "stopped answering" in str(failure)

    # The next readers do not wait out the same silence again: no new attempt reaches the line.
    attempts = line.proxy.connections
    again = outcome_of(read)
    assert isinstance(again, DatabaseUnavailable)
    assert line.proxy.connections == attempts

    line.proxy.restore()
    check_connection(db)  # "try now" goes to the network at once, and finds it back
    assert line.proxy.connections == attempts + 1
    assert read() == 1
    db.dispose()


@pytest.mark.postgres
def test_a_statement_waiting_on_a_silent_line_ends_at_its_deadline(
    pg_through_proxy: CutLine,
) -> None:
    line = pg_through_proxy
    db = open_database(line.url)
    raw = db.engine.raw_connection()
    connection = raw.driver_connection
    assert isinstance(connection, deadlines.DeadlineConnection)
    line.proxy.silence()

    def ask() -> Any:
        with connection.deadline(1.0):
            return connection.execute("SELECT 1").fetchone()

    failure = outcome_of(ask)
    assert "no answer from the server within 1 s" in str(failure)
    assert connection.closed  # its state is unknown: never handed out again
    raw.invalidate()
    line.proxy.restore()
    db.dispose()
