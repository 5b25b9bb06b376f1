"""The change hub: one cursor and one poll loop for every view of a console, woken by the live
watcher, polling once more when a wake arrives while a poll is out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.db.live import watcher_for
from app.services.context import ServiceContext
from app.services.feed.dto import ChangeBatch, FeedCursor
from app.services.feed.reads import ChangeFeed
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import as_actor, open_incident
from ui.console_context import ConsoleContext
from ui.live import change_hub
from ui.live.change_hub import ChangeHub
from ui.live.live_updates import LiveUpdates
from ui.main_window import MainWindow
from ui.notifications import install_notifications
from ui.task_runner import TaskRunner
from ui.wallboard import open_wallboard


@pytest.fixture(autouse=True)
def no_safety_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a wake or an explicit request polls within a test."""
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 600_000)


class HeldFeed(ChangeFeed):
    """The real change feed, whose answer waits after it has read until the test lets it go."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.polls = 0
        self.has_read = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def since(self, cursor: FeedCursor) -> ChangeBatch:
        batch = super().since(cursor)
        self.polls += 1
        self.has_read.set()
        self.release.wait(10)
        return batch


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    runner = TaskRunner()  # threads, as in the console: a poll can be out while a wake arrives
    yield runner
    runner.wait_for_idle()


def _wait_for_cursor(qtbot: QtBot, hub: ChangeHub) -> None:
    ready: list[bool] = []
    hub.load(lambda: True, ready.append, lambda exc: pytest.fail(str(exc)))
    qtbot.waitUntil(lambda: bool(ready))


def test_a_wake_that_arrives_during_a_poll_polls_once_more(
    qtbot: QtBot, sqlite_ctx: ServiceContext, runner: TaskRunner
) -> None:
    feed = HeldFeed(sqlite_ctx.db)
    live = LiveUpdates(watcher_for(sqlite_ctx.db))  # watches the file: a commit wakes it
    hub = ChangeHub(feed, runner, live)
    owner = QObject()
    batches: list[ChangeBatch] = []
    hub.subscription(owner, batches.append).start()
    try:
        qtbot.waitUntil(lambda: live.live is True)
        _wait_for_cursor(qtbot, hub)
        runner.wait_for_idle()
        before = feed.polls
        feed.release.clear()
        feed.has_read.clear()
        hub.poll_now()
        assert feed.has_read.wait(5)  # this poll has read the feed; its answer is held back
        incident = open_incident(sqlite_ctx, "Committed while the poll was out")
        with qtbot.waitSignal(live.woke):  # the watcher saw the commit and woke the hub
            pass
        feed.release.set()
        qtbot.waitUntil(lambda: bool(batches))
        assert [batch.incident_ids for batch in batches] == [frozenset({incident.id})]
        assert feed.polls - before == 2  # the held poll, and one more for the wake
    finally:
        feed.release.set()
        hub.stop()


def test_every_view_of_a_console_shares_one_poll_and_leaves_when_closed(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    polls: list[FeedCursor] = []
    real_since = ChangeFeed.since

    def counted(feed: ChangeFeed, cursor: FeedCursor) -> ChangeBatch:
        polls.append(cursor)
        return real_since(feed, cursor)

    monkeypatch.setattr(ChangeFeed, "since", counted)
    outage = declare_outage(console.services)
    major = outage.incident.id
    window = MainWindow(console)
    qtbot.addWidget(window)
    install_notifications(window, console)
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    qtbot.waitUntil(lambda: window.calls.controller.ready)
    window.editor.load_incident(major)
    qtbot.waitUntil(lambda: window.editor.incident_id() == major)
    war_room = window.open_war_room(major)
    qtbot.waitUntil(lambda: war_room.snapshot is not None)
    wall = open_wallboard(console, window)
    qtbot.waitUntil(lambda: wall.snapshot is not None)
    # The queue, the calls, the editor, the notifications, the status page's publisher, the war
    # room and the wallboard.
    assert console.hub.subscriber_count == 7
    console.hub.poll_now()  # what the set-up wrote is behind the hub now
    detail = IncidentReads(console.services).detail(major)
    colleague = IncidentCommands(as_actor(console.services, outage.commander))
    colleague.edit(major, detail.version, {"title": "Email down: every mailbox"})
    polls.clear()
    with qtbot.waitSignals(
        [
            window.queue.changes_applied,
            window.calls.controller.calls_changed,
            window.editor.colleague_changes.arrived,
            war_room.snapshot_applied,
            wall.snapshot_applied,
        ]
    ):
        console.hub.poll_now()
    assert len(polls) == 1  # one read of the change feed for all of them
    row = window.queue.model.row_for_id(major)
    assert row is not None
    assert row.title == "Email down: every mailbox"
    assert window.editor.form.title.text() == "Email down: every mailbox"
    assert war_room.snapshot is not None
    assert war_room.snapshot.incident.title == "Email down: every mailbox"
    war_room.close()
    wall.close()
    assert console.hub.subscriber_count == 5
    window.close()  # the queue, the calls, the editor and the publisher leave
    assert console.hub.subscriber_count == 1


def test_a_cancelled_view_gets_no_more_batches(qtbot: QtBot, console: ConsoleContext) -> None:
    got: list[Any] = []
    owner = QObject()
    subscription = console.hub.subscription(owner, got.append)
    subscription.start()
    _wait_for_cursor(qtbot, console.hub)
    open_incident(console.services, "First")
    console.hub.poll_now()
    assert len(got) == 1
    subscription.stop()
    assert not subscription.active
    assert not console.hub.running
    open_incident(console.services, "Second")
    console.hub.poll_now()
    assert len(got) == 1


def test_without_a_live_watcher_the_safety_timer_still_brings_changes(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 50)
    assert console.live.watcher is None  # nothing wakes this hub but its timer
    got: list[ChangeBatch] = []
    console.hub.subscription(QObject(console.hub), got.append).start()
    _wait_for_cursor(qtbot, console.hub)
    incident = open_incident(console.services, "Nobody asked the hub to poll")
    qtbot.waitUntil(lambda: any(incident.id in batch.incident_ids for batch in got))
    console.hub.stop()


def test_destroying_a_views_owner_takes_it_off_the_hub(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    owner = QObject()
    console.hub.subscription(owner, lambda _batch: None).start()
    assert console.hub.running
    with qtbot.waitSignal(owner.destroyed):
        owner.deleteLater()
    assert not console.hub.running
