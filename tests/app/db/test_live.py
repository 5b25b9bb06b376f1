"""Watchers wake a second console when the first one commits: LISTEN/NOTIFY on PostgreSQL, the data
version of a shared SQLite file. A listener whose connection is killed reconnects and, reading the
change feed from its cursor, misses nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from app.db.engine import Database, open_database
from app.db.live import (
    ChangeWatcher,
    LiveMode,
    PostgresListener,
    SqliteFileWatcher,
    behind_pooler,
    watcher_for,
)
from app.db.models import ChangeLogEntry
from app.services.context import ServiceContext
from app.services.feed.reads import ChangeFeed
from tests.helpers import MONDAY_MORNING, PG_ADMIN_URL, SERVERS, open_incident

WAIT = 5.0  # generous for a loaded machine; the propagation itself is measured in bench/


class Collector:
    """A second console without Qt: on every wake it reads the feed from its cursor."""

    def __init__(self, db: Database) -> None:
        self.feed = ChangeFeed(db)
        self.cursor = self.feed.head()
        self.seen: list[int] = []
        self.states: list[bool] = []
        self._changed = threading.Condition()

    def wake(self) -> None:
        with self._changed:
            batch = self.feed.since(self.cursor)
            self.cursor = batch.cursor
            self.seen.extend(batch.incident_ids)
            self._changed.notify_all()

    def state(self, live: bool, _message: str) -> None:
        with self._changed:
            self.states.append(live)
            self._changed.notify_all()

    def wait_for(self, predicate: object, timeout: float = WAIT) -> bool:
        assert callable(predicate)
        with self._changed:
            return self._changed.wait_for(predicate, timeout)


@pytest.fixture
def second_db(db: Database) -> Iterator[Database]:
    """Another engine on the same database: another workstation."""
    other = open_database(db.engine.url)
    yield other
    other.dispose()


def _run(watcher: ChangeWatcher, collector: Collector) -> None:
    watcher.start(collector.wake, collector.state)
    assert collector.wait_for(lambda: collector.states[-1:] == [True]), "never went live"


@pytest.mark.parametrize("db_url", SERVERS, indirect=True)
def test_a_commit_elsewhere_wakes_the_postgres_listener(
    ctx: ServiceContext, second_db: Database, request: pytest.FixtureRequest
) -> None:
    """Directly it LISTENs; through PgBouncer (transaction mode) it notices the pooler by itself
    and reads the change log every second instead."""
    pooled = request.node.callspec.params["db_url"] == "pgbouncer"
    collector = Collector(second_db)
    listener = watcher_for(second_db)
    assert isinstance(listener, PostgresListener)
    _run(listener, collector)
    try:
        assert listener.polling is pooled
        incident = open_incident(ctx, "Mail down")
        assert collector.wait_for(lambda: incident.id in collector.seen)
        later = [open_incident(ctx, f"Printer {n}").id for n in range(3)]
        assert collector.wait_for(lambda: set(later) <= set(collector.seen))
    finally:
        listener.stop()
    assert not listener.running


@pytest.mark.parametrize("db_url", SERVERS, indirect=True)
def test_a_pooler_is_noticed_and_a_direct_connection_is_not(
    db: Database, request: pytest.FixtureRequest
) -> None:
    pooled = request.node.callspec.params["db_url"] == "pgbouncer"
    with db.engine.connect() as connection:
        assert behind_pooler(connection.connection.driver_connection) is pooled


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_told_to_poll_it_reads_the_change_log_and_misses_no_transaction(
    ctx: ServiceContext, second_db: Database
) -> None:
    """The administrator's "poll" setting: no LISTEN at all. Transactions that commit out of
    the order of their ids (a later one first) are all noticed."""
    collector = Collector(second_db)
    listener = watcher_for(second_db, LiveMode.POLL)
    assert isinstance(listener, PostgresListener)
    _run(listener, collector)
    try:
        assert listener.polling
        first = open_incident(ctx, "First").id
        assert collector.wait_for(lambda: first in collector.seen)
        with ctx.db.write() as slow:  # takes its id and transaction id first, commits last
            slow.add(ChangeLogEntry(at=MONDAY_MORNING, entity="incidents", entity_id=first,
                                    action="update"))  # fmt: skip
            slow.flush()
            quick = open_incident(ctx, "Quick").id
            assert collector.wait_for(lambda: quick in collector.seen)
        assert collector.wait_for(lambda: collector.seen.count(first) == 2)
    finally:
        listener.stop()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_killed_listener_reconnects_and_catches_up_with_no_gaps(
    ctx: ServiceContext, second_db: Database
) -> None:
    collector = Collector(second_db)
    listener = PostgresListener(second_db, retry_seconds=0.2)
    _run(listener, collector)
    opened: list[int] = []
    try:
        for n in range(5):
            opened.append(open_incident(ctx, f"Before {n}").id)
        assert collector.wait_for(lambda: set(opened) <= set(collector.seen))
        pid = listener.backend_pid
        assert pid is not None
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for n in range(5):  # while the listener is down or reconnecting
            opened.append(open_incident(ctx, f"During {n}").id)
        assert collector.wait_for(lambda: False in collector.states), "the drop went unnoticed"
        assert collector.wait_for(lambda: collector.states[-1] is True), "never reconnected"
        assert listener.backend_pid not in (None, pid)
        for n in range(5):
            opened.append(open_incident(ctx, f"After {n}").id)
        assert collector.wait_for(lambda: set(opened) <= set(collector.seen))
    finally:
        listener.stop()
    assert sorted(set(collector.seen)) == sorted(opened)


def test_a_commit_by_another_engine_wakes_the_sqlite_watcher(sqlite_ctx: ServiceContext) -> None:
    reader = open_database(sqlite_ctx.db.engine.url)
    try:
        collector = Collector(reader)
        watcher = watcher_for(reader)
        assert isinstance(watcher, SqliteFileWatcher)
        _run(watcher, collector)
        try:
            incident = open_incident(sqlite_ctx, "VPN down")
            assert collector.wait_for(lambda: incident.id in collector.seen)
        finally:
            watcher.stop()
    finally:
        reader.dispose()


def test_an_unreadable_sqlite_file_is_reported_and_retried(sqlite_ctx: ServiceContext) -> None:
    collector = Collector(sqlite_ctx.db)
    watcher = SqliteFileWatcher("/nonexistent-folder/calmdesk.sqlite3", retry_seconds=0.05)
    watcher.start(collector.wake, collector.state)
    try:
        assert collector.wait_for(lambda: collector.states.count(False) >= 2)
    finally:
        watcher.stop()
    assert True not in collector.states


def test_an_in_memory_database_has_nothing_to_watch() -> None:
    db = open_database("sqlite:///:memory:")
    try:
        assert watcher_for(db) is None
    finally:
        db.dispose()
