"""Keeps the war room current: loads the snapshot, reloads it when the console's change hub
names this incident or one of its children, and ticks the clocks every second without reading
the database. Every read runs on the task runner.

While the database is unreachable it keeps the last snapshot it read, with the changes kept in
the outbox laid over it (ui/war_room/pending.py), and reads again once the outbox reconnected."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.services.feed.dto import ChangeBatch
from app.services.offline.operations import Change
from app.services.offline.outbox import ReplayReport
from app.services.war_room.dto import WarRoomSnapshot
from app.services.war_room.reads import WarRoomReads
from ui.console_context import ConsoleContext
from ui.war_room.pending import PendingChanges, Waiting

TICK_MS = 1_000


class WarRoomController(QObject):
    snapshot_loaded = Signal(object)  # WarRoomSnapshot, with the changes kept in the outbox
    ticked = Signal(object)  # the clock's now, each second
    load_failed = Signal(str)
    unreachable = Signal(str)  # a read found the database away: the last snapshot stays
    polled = Signal(object)  # the clock's now, after the hub's poll answered: the data is current

    def __init__(
        self, context: ConsoleContext, incident_id: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self.incident_id = incident_id
        self._reads = WarRoomReads(context.services)
        self.loaded: WarRoomSnapshot | None = None  # as last read from the database
        self.pending = PendingChanges()  # kept in the outbox while the database was away
        self.snapshot: WarRoomSnapshot | None = None  # what is shown: loaded, pending on top
        self._changes = context.hub.subscription(self, self._on_changes)
        self._loading = False
        self._load_again = False
        self._stopped = True
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self.tick)
        context.hub.polled.connect(self._on_hub_polled)
        context.hub.poll_failed.connect(self._on_hub_poll_failed)
        # The outbox sent what waited: read what the database now holds.
        context.offline.reconnected.connect(self._on_offline_reconnected)

    def start(self) -> None:
        self._stopped = False
        self._changes.start()
        self.reload()
        self._tick_timer.start()

    def stop(self) -> None:
        self._stopped = True
        self._changes.stop()
        self._tick_timer.stop()

    def now(self) -> datetime:
        return self._ctx.services.clock.now()

    def tick(self) -> None:
        self.ticked.emit(self.now())

    @property
    def waiting(self) -> Waiting:
        return self.pending.waiting

    def keep(self, change: Change[object]) -> None:
        """The outbox kept `change` to send later: show it at once, marked as waiting."""
        if self.loaded is None or self.snapshot is None:
            return
        self.pending.keep(change, self.snapshot, self.now(), self._ctx.services.actor)
        self.snapshot = self.pending.apply(self.loaded)
        self.snapshot_loaded.emit(self.snapshot)

    def reload(self) -> None:
        """Read the whole snapshot again (after our own writes, or when the hub says so)."""
        if self._loading:
            self._load_again = True
            return
        self._loading = True
        reads, incident_id = self._reads, self.incident_id
        self._ctx.hub.load(
            lambda: reads.snapshot(incident_id), self._on_loaded, self._on_load_failed
        )

    def wrote(self) -> None:
        """A write from this war room went through: show it now, and let the console's other
        views know at once (the hub reads the change feed)."""
        self.reload()
        self._ctx.hub.poll_now()

    def _watched(self) -> set[int]:
        ids = {self.incident_id}
        if self.snapshot is not None:
            ids.update(child.id for child in self.snapshot.children)
        return ids

    def _on_loaded(self, snapshot: WarRoomSnapshot) -> None:
        self._loading = False
        if self._stopped:
            return
        self.loaded = snapshot
        status = self._ctx.offline.status
        if not status.offline and not status.waiting:
            self.pending.clear()  # everything kept has arrived: this read shows it
        self.snapshot = self.pending.apply(self.loaded)
        self.snapshot_loaded.emit(self.snapshot)
        self.polled.emit(self.loaded.taken_at)
        if self._load_again:
            self._load_again = False
            self.reload()

    def _on_load_failed(self, exc: Exception) -> None:
        self._loading = False
        self._load_again = False
        if self._stopped:
            return
        if isinstance(exc, DatabaseUnavailable):
            self.unreachable.emit(str(exc))  # the snapshot on screen stays as it was
            return
        message = str(exc) if isinstance(exc, CalmdeskError) else "Cannot read the war room."
        self.load_failed.emit(message)

    def _on_changes(self, batch: ChangeBatch) -> None:
        if batch.incident_ids & self._watched() or "services" in batch.other_entities:
            self.reload()

    def _on_hub_polled(self, _batch: ChangeBatch) -> None:
        if not self._stopped:
            self.polled.emit(self.now())

    def _on_hub_poll_failed(self, exc: Exception) -> None:
        if self._stopped:
            return
        if isinstance(exc, DatabaseUnavailable):
            self.unreachable.emit(str(exc))
            return
        self.load_failed.emit(str(exc) if isinstance(exc, CalmdeskError) else "Cannot poll.")

    def _on_offline_reconnected(self, report: ReplayReport) -> None:
        # Sent, or refused (the outbox window shows those): either way the read says what is.
        self.pending.settle(entry.op_id for entry in report.sent)
        self.pending.settle(entry.op_id for entry, _reason in report.conflicts)
        if not self._stopped:
            self.reload()
