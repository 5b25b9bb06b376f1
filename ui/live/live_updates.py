"""Bridges a change watcher's thread to the UI: its wake-ups and its live/stale state arrive as
signals on the UI thread. The watcher only says "poll now"; the change feed says what changed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.services.feed.watching import ChangeWatcher


class LiveUpdates(QObject):
    woke = Signal()  # something was committed elsewhere: read the change feed now
    state_changed = Signal(bool, str)  # live?, why not

    def __init__(self, watcher: ChangeWatcher | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = watcher
        self._running = False
        self.live: bool | None = None  # None: not started, or nothing to watch
        # Live and reading the change log on its own timer (behind a pooler): then it is the
        # console's one poll loop, and the hub runs no safety timer of its own.
        self.polling = False
        self.state_changed.connect(self._on_state_changed)

    @property
    def watcher(self) -> ChangeWatcher | None:
        return self._watcher

    @property
    def available(self) -> bool:
        return self._watcher is not None

    def start(self) -> None:
        if self._watcher is None or self._running:
            return
        self._running = True
        # Called on the watcher's thread: a signal emitted there is queued to the UI thread.
        self._watcher.start(self.woke.emit, self.state_changed.emit)

    def stop(self) -> None:
        if self._watcher is not None and self._running:
            self._running = False
            self._watcher.stop()
        self.polling = False

    def _on_state_changed(self, live: bool, _message: str) -> None:
        self.live = live
        # The watcher decides whether it polls before it says it is live (app/db/live.py).
        self.polling = (
            live and self._running and self._watcher is not None and self._watcher.polling
        )
