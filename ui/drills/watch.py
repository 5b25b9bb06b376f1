"""Plays the running drill's script and keeps every window's drill banner current.

Every few seconds, on the task runner: play what the script has due (each event once, whichever
console gets there first) and read the running drills. The banners attached here show them."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.drills.dto import DrillInfo, PlayedEvent
from app.services.drills.reads import DrillReads
from ui.console_context import ConsoleContext
from ui.drills.banner import DrillBanner

POLL_MS = 5_000


def _play_and_read(services: ServiceContext) -> tuple[list[PlayedEvent], list[DrillInfo]]:
    """One small read when no drill runs (nearly always): every console does this every few
    seconds, so on a team database it must cost next to nothing."""
    reads = DrillReads(services)
    running = reads.running()
    if not running:
        return [], running
    played = DrillCommands(services).play_due()
    return played, reads.running() if played else running


class DrillWatch(QObject):
    changed = Signal(object)  # list[DrillInfo]: the drills running now
    played = Signal(object)  # list[PlayedEvent]: scripted events this console just played

    def __init__(self, context: ConsoleContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self.running: list[DrillInfo] = []
        self._banners: list[DrillBanner] = []
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()

    def attach(self, banner: DrillBanner) -> None:
        self._banners.append(banner)
        banner.destroyed.connect(lambda: self._forget(banner))
        banner.show_drills(self.running)

    def _forget(self, banner: DrillBanner) -> None:
        if banner in self._banners:
            self._banners.remove(banner)

    def poll(self) -> None:
        if self._busy:
            return
        self._busy = True
        services = self._ctx.services
        self._ctx.runner.submit(lambda: _play_and_read(services), self._on_read, self._on_failed)

    def _on_failed(self, _exc: Exception) -> None:
        self._busy = False  # the queue reports database trouble; the next tick tries again

    def _on_read(self, result: tuple[list[PlayedEvent], list[DrillInfo]]) -> None:
        self._busy = False
        played, running = result
        self.running = running
        for banner in list(self._banners):
            banner.show_drills(running)
        if played:
            self._ctx.hub.poll_now()
            self.played.emit(played)
        self.changed.emit(running)
