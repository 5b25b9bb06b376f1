"""Keeps the console on the database server's time: measures the offset when the console starts
and every few minutes (off the UI thread), and tells the status bar, calmly, when this
workstation's own clock is far off. A failed measurement keeps the last offset: the offline
monitor is the one that talks about an unreachable database."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.server_time.clock_sync import SYNC_EVERY, ClockReading, ClockSync
from ui.task_runner import TaskRunner


class ClockMonitor(QObject):
    note_changed = Signal(str)  # empty when there is nothing to say

    def __init__(self, sync: ClockSync, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sync = sync
        self._runner = runner
        self.note = ""
        self._timer = QTimer(self)
        self._timer.setInterval(int(SYNC_EVERY.total_seconds() * 1000))
        self._timer.timeout.connect(self.sync_now)

    def start(self) -> None:
        self.sync_now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def sync_now(self) -> None:
        self._runner.submit(self._sync.sync, self._on_synced, lambda _error: None)

    def _on_synced(self, reading: ClockReading) -> None:
        if reading.note != self.note:
            self.note = reading.note
            self.note_changed.emit(reading.note)
