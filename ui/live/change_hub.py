"""The console's one reader of the change feed: one cursor, one poll loop, one live watcher.

Every view that shows data subscribes here and gets each non-empty ChangeBatch; it decides
from the batch what to read again. Polls run on the task runner, one at a time: a wake-up from
the live watcher, the safety timer, or a write made in this window (`poll_now`) that arrives
while a poll runs makes that poll run once more when it ends, so nothing committed meanwhile
waits for the timer. `polled` and `poll_failed` say whether the views are current.

One loop, whatever the watcher: a listening watcher (LISTEN/NOTIFY, a SQLite file's version)
only wakes the hub, whose safety timer reads the feed every 2 s besides, in case a wake was lost.
A watcher that reads the change log on a timer of its own (behind a pooler, app/db/live.py) is
itself the loop: once a second one small indexed query asks "anything new?", and the hub reads
the feed only when it says so. Its safety timer then stays off, and runs again only while that
watcher is down or the hub's last read failed (the watcher would not say "new" twice).

The hub runs while it has subscribers: the first one starts the timer and the live watcher, the
last one to leave stops them. A view's full read goes through `load`, which waits for the hub's
first cursor: everything committed after that read then reaches the view in a later batch.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.feed.dto import ChangeBatch, FeedCursor
from app.services.feed.reads import ChangeFeed
from ui.live.live_updates import LiveUpdates
from ui.task_runner import Failed, TaskRunner

# Without a live watcher (or when it misses something) the feed is still read this often.
SAFETY_POLL_MS = 2_000

Result = TypeVar("Result")
OnChanges = Callable[[ChangeBatch], None]


class Subscription(QObject):
    """A view's place on the hub: batches reach `on_changes` between `start()` and `stop()`. A child
    of the view's owner object, so destroying the owner stops it too."""

    def __init__(self, hub: ChangeHub, token: int, on_changes: OnChanges, owner: QObject) -> None:
        super().__init__(owner)
        self._hub = hub
        self._token = token
        self._on_changes = on_changes
        self.destroyed.connect(partial(hub.unsubscribe, token))

    @property
    def active(self) -> bool:
        return self._hub.has_subscriber(self._token)

    def start(self) -> None:
        self._hub.add_subscriber(self._token, self._on_changes)

    def stop(self) -> None:
        self._hub.unsubscribe(self._token)


class ChangeHub(QObject):
    polled = Signal(object)  # the ChangeBatch of every poll that answered, empty or not
    poll_failed = Signal(object)  # the CalmdeskError of a poll that did not
    live_changed = Signal(bool, str)  # the live watcher: live?, why not

    def __init__(
        self, feed: ChangeFeed, runner: TaskRunner, live: LiveUpdates, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self._runner = runner
        self._live = live
        self._cursor: FeedCursor | None = None
        self._reading_head = False
        self._polling = False
        self._again = False  # asked to poll while a poll ran: poll once more when it ends
        self._behind = False  # the last read of the feed failed: it must be read again
        self._waiting_loads: list[Callable[[], None]] = []
        self._subscribers: dict[int, OnChanges] = {}
        self._tokens = itertools.count(1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll_now)
        live.woke.connect(self.poll_now)
        live.state_changed.connect(self._on_live_state)

    @property
    def live(self) -> bool | None:
        """True while the live watcher listens; None when there is nothing to watch."""
        return self._live.live

    @property
    def running(self) -> bool:
        return bool(self._subscribers)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def has_subscriber(self, token: int) -> bool:
        return token in self._subscribers

    # -- subscribing ---------------------------------------------------------------------------

    def subscription(self, owner: QObject, on_changes: OnChanges) -> Subscription:
        """A place for a view: from its `start()` to its `stop()` (or until `owner` is destroyed),
        `on_changes` gets every non-empty batch."""
        return Subscription(self, next(self._tokens), on_changes, owner)

    def add_subscriber(self, token: int, on_changes: OnChanges) -> None:
        if token in self._subscribers:
            return
        self._subscribers[token] = on_changes
        if len(self._subscribers) == 1:
            self._start()

    def unsubscribe(self, token: int, *_destroyed: object) -> None:
        if self._subscribers.pop(token, None) is not None and not self._subscribers:
            self._stop()

    def stop(self) -> None:
        """The console closes: nobody listens any more."""
        self._subscribers.clear()
        self._stop()

    # -- reading -------------------------------------------------------------------------------

    def load(
        self, fn: Callable[[], Result], on_done: Callable[[Result], None], on_error: Failed
    ) -> None:
        """Run a view's full read on the task runner once the hub has its first cursor: a change
        committed after the read then always arrives in a batch (one racing it may arrive too,
        which costs one more refresh)."""
        submit = partial(self._runner.submit, fn, on_done, on_error)
        if self._cursor is not None:
            submit()
            return
        self._waiting_loads.append(submit)
        self._read_head()

    def poll_now(self) -> None:
        """Read the change feed now: a wake-up, the timer, or a write made in this window."""
        if not self._subscribers:
            return
        if self._cursor is None:
            self._read_head()
            return
        if self._polling:
            self._again = True
            return
        self._polling = True
        feed, cursor = self._feed, self._cursor
        self._runner.submit(lambda: feed.since(cursor), self._on_batch, self._on_poll_failed)

    # -- internals -----------------------------------------------------------------------------

    def _start(self) -> None:
        self._live.start()
        self._time_safety_poll()
        if self._cursor is None:
            self._read_head()

    def _stop(self) -> None:
        self._live.stop()
        self._time_safety_poll()
        self._again = False

    def _on_live_state(self, live: bool, message: str) -> None:
        self._time_safety_poll()
        self.live_changed.emit(live, message)

    def _time_safety_poll(self) -> None:
        """The safety timer runs while the hub does, except while a polling watcher is live
        and the hub is caught up: then the watcher's timer is the console's one poll loop."""
        wanted = bool(self._subscribers) and not (
            self._live.polling and self._cursor is not None and not self._behind
        )
        if not wanted:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start(SAFETY_POLL_MS)

    def _read_head(self) -> None:
        if not self._reading_head:
            self._reading_head = True
            self._runner.submit(self._feed.head, self._on_head, self._on_head_failed)

    def _on_head(self, cursor: FeedCursor) -> None:
        self._reading_head = False
        if self._cursor is None:
            self._cursor = cursor
        self._time_safety_poll()
        self._run_waiting_loads()

    def _on_head_failed(self, error: Exception) -> None:
        self._reading_head = False
        self.poll_failed.emit(error)
        self._run_waiting_loads()  # they say what is wrong; the timer asks for the head again

    def _run_waiting_loads(self) -> None:
        waiting, self._waiting_loads = self._waiting_loads, []
        for submit in waiting:
            submit()

    def _on_batch(self, batch: ChangeBatch) -> None:
        self._polling = False
        self._cursor = batch.cursor
        if self._behind:
            self._behind = False
            self._time_safety_poll()
        try:
            if not batch.empty:
                for token, on_changes in list(self._subscribers.items()):
                    if token in self._subscribers:  # not cancelled by an earlier one
                        on_changes(batch)
            self.polled.emit(batch)
        finally:
            self._poll_again_if_asked()

    def _on_poll_failed(self, error: Exception) -> None:
        self._polling = False
        self._behind = True
        self._time_safety_poll()
        try:
            self.poll_failed.emit(error)
        finally:
            self._poll_again_if_asked()

    def _poll_again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.poll_now()
