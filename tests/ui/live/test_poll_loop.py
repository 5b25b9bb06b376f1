"""Behind a pooler a console has one poll loop: the watcher's one small query a second asks
whether anything is new, and the hub reads the change feed only when it is. Listening consoles
keep their safety poll. Queries are counted where they arrive: PgBouncer's own statistics, and
the hub's reads through SQLAlchemy."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from app.db.engine import Database
from app.db.live import watcher_for
from app.db.live_mode import LiveMode
from app.services.context import ServiceContext
from app.services.feed.dto import ChangeBatch, FeedCursor
from app.services.feed.reads import ChangeFeed
from bench.servers import PgBouncer
from tests.helpers import open_incident
from ui.live import change_hub
from ui.live.change_hub import ChangeHub
from ui.live.live_updates import LiveUpdates
from ui.task_runner import TaskRunner

IDLE_SECONDS = 4.0


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()
    yield runner
    runner.wait_for_idle()


@pytest.fixture(autouse=True)
def eager_safety_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """A safety poll twenty times as often as the console's: one that runs cannot hide."""
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 100)


class Reads:
    """Statements the hub's reads send through the database's reading engine. (The watcher's
    own connection is detached from the engine: its statements are not counted here.)"""

    def __init__(self, db: Database) -> None:
        self.count = 0
        event.listen(db.reading_engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.count += 1


def pooler_queries(bouncer: PgBouncer, database: str) -> int:
    """Every statement PgBouncer has passed on for `database` so far, from every client."""
    with psycopg.connect(
        f"host=127.0.0.1 port={bouncer.port} dbname=pgbouncer user=postgres",
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,  # the admin console speaks the simple protocol only
    ) as admin:
        cursor = admin.execute("SHOW STATS")
        names = [column.name for column in cursor.description or ()]
        for row in cursor.fetchall():
            stats = dict(zip(names, row, strict=True))
            if stats["database"] == database:
                return int(stats["total_query_count"])
    return 0


def _running_hub(
    qtbot: QtBot, feed: ChangeFeed, runner: TaskRunner, live: LiveUpdates
) -> tuple[ChangeHub, list[ChangeBatch]]:
    """A hub with one view, once its watcher is live, the hub has its cursor, and the catch-up
    read the watcher asks for on connecting has run (or was not needed: it came before the
    cursor, which covers it)."""
    hub = ChangeHub(feed, runner, live)
    woke: list[bool] = []
    live.woke.connect(lambda: woke.append(True))  # after the hub's own slot: it has decided
    batches: list[ChangeBatch] = []
    hub.subscription(QObject(hub), batches.append).start()
    ready: list[bool] = []
    hub.load(lambda: True, ready.append, lambda exc: pytest.fail(str(exc)))
    qtbot.waitUntil(lambda: live.live is True and bool(woke) and bool(ready), timeout=10_000)
    runner.wait_for_idle()
    return hub, batches


def _idle(qtbot: QtBot, seconds: float = IDLE_SECONDS) -> float:
    """Let the console sit for `seconds`, its events running; the seconds it really sat."""
    started = time.monotonic()
    qtbot.waitUntil(lambda: time.monotonic() - started >= seconds, timeout=30_000)
    return time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["pgbouncer"], indirect=True)
def test_an_idle_console_behind_a_pooler_sends_one_small_query_a_second(
    qtbot: QtBot, ctx: ServiceContext, db: Database, pgbouncer: PgBouncer, runner: TaskRunner
) -> None:
    live = LiveUpdates(watcher_for(db))  # notices the pooler by itself
    hub, batches = _running_hub(qtbot, ChangeFeed(db), runner, live)
    try:
        assert live.polling
        reads = Reads(db)
        database = str(db.engine.url.database)
        before = pooler_queries(pgbouncer, database)
        seconds = _idle(qtbot)
        sent = pooler_queries(pgbouncer, database) - before
        assert reads.count == 0  # nothing new: the hub never read the feed
        # The watcher's look, once a second (one more for the window's ragged ends), and
        # nothing else: a safety poll would add a read transaction of four statements each time.
        assert 1 <= sent <= int(seconds) + 1

        incident = open_incident(ctx, "Noticed by the one loop")
        qtbot.waitUntil(lambda: any(incident.id in batch.incident_ids for batch in batches))
        assert reads.count > 0  # something new: read then, and only then
    finally:
        hub.stop()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_listening_console_keeps_its_safety_poll(
    qtbot: QtBot, db: Database, runner: TaskRunner
) -> None:
    live = LiveUpdates(watcher_for(db, LiveMode.LISTEN))
    hub, _batches = _running_hub(qtbot, ChangeFeed(db), runner, live)
    try:
        assert not live.polling
        polls: list[ChangeBatch] = []
        hub.polled.connect(polls.append)
        qtbot.waitUntil(lambda: len(polls) >= 3)  # nobody wrote: the safety timer polled
        assert all(batch.empty for batch in polls)
    finally:
        hub.stop()


class FailingOnce(ChangeFeed):
    """The real feed, whose next read fails once (a pooler that dropped the line)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.fail_next = False
        self.reads = 0

    def since(self, cursor: FeedCursor) -> ChangeBatch:
        self.reads += 1
        if self.fail_next:
            self.fail_next = False
            raise psycopg.OperationalError("the line dropped")
        return super().since(cursor)


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["pgbouncer"], indirect=True)
def test_a_failed_read_behind_a_pooler_is_retried_by_the_safety_poll(
    qtbot: QtBot, ctx: ServiceContext, db: Database, runner: TaskRunner
) -> None:
    """The watcher says "new" once per transaction: a read that failed is not woken again, so
    the safety poll runs until a read succeeds, then stops."""
    feed = FailingOnce(db)
    live = LiveUpdates(watcher_for(db, LiveMode.POLL))
    hub, batches = _running_hub(qtbot, feed, runner, live)
    try:
        failures: list[object] = []
        hub.poll_failed.connect(failures.append)
        feed.fail_next = True
        incident = open_incident(ctx, "Read after a failed read")
        qtbot.waitUntil(lambda: any(incident.id in batch.incident_ids for batch in batches))
        assert len(failures) == 1
        runner.wait_for_idle()
        reads = feed.reads
        _idle(qtbot, 1.0)  # ten safety polls, were the timer still running
        assert feed.reads == reads  # caught up: the watcher's loop alone again
    finally:
        hub.stop()
