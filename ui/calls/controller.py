"""Keeps call logging current: the services and active major incidents the form matches against,
the surge suggestions, and a signal whenever calls change anywhere (this window, another one,
another workstation), as the console's change hub reports them. Every read runs on the task
runner."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.errors import CalmdeskError
from app.domain.surge import SurgeRule
from app.services.calls.commands import CallCommands
from app.services.calls.dto import ActiveMajor, SurgeSuggestion
from app.services.calls.reads import CallReads
from app.services.feed.dto import ChangeBatch
from app.services.incidents.dto import NamedRef
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner

T = TypeVar("T")

# The surge window slides even when nobody writes: look again now and then.
SURGE_CHECK_MS = 30_000


class CallsController(QObject):
    services_loaded = Signal(list)  # list[NamedRef]
    majors_loaded = Signal(list)  # list[ActiveMajor]
    calls_changed = Signal()  # reload the call list and the callbacks
    surges_changed = Signal(list)  # list[SurgeSuggestion], possibly empty
    surge_detected = Signal(object)  # a SurgeSuggestion that just started: for notifications
    message = Signal(str)

    def __init__(
        self, context: ConsoleContext, rule: SurgeRule | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.rule = rule or SurgeRule()
        self.reads = CallReads(context.services)
        self.commands = CallCommands(context.services)
        self.services: list[NamedRef] = []
        self.majors: list[ActiveMajor] = []
        self.surges: list[SurgeSuggestion] = []
        self._announced: set[int] = set()  # services whose surge was announced
        self._changes = context.hub.subscription(self, self._on_changes)
        self._ready = False
        self._running = False
        self._surge_timer = QTimer(self)
        self._surge_timer.setInterval(SURGE_CHECK_MS)
        self._surge_timer.timeout.connect(self.check_surges)

    @property
    def runner(self) -> TaskRunner:
        return self.context.runner

    @property
    def ready(self) -> bool:
        """The first load is in: services known, changes followed from then on."""
        return self._ready

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        self._running = True
        self._changes.start()
        self._submit(self.context.directory.services, self._on_started)
        self.reload_majors()
        self.check_surges()
        self._surge_timer.start()

    def stop(self) -> None:
        """The window closed: no more reads (the runner may be gone after this)."""
        self._running = False
        self._changes.stop()
        self._surge_timer.stop()

    def reload_majors(self) -> None:
        self._submit(self.reads.active_majors, self._on_majors)

    def reload_services(self) -> None:
        self._submit(self.context.directory.services, self._on_services)

    def check_surges(self) -> None:
        rule, reads = self.rule, self.reads
        self._submit(lambda: reads.surges(rule), self._on_surges)

    def _submit(self, fn: Callable[[], T], done: Callable[[T], None]) -> None:
        if self._running:  # through the hub: no change slips between this read and its batches
            self.context.hub.load(fn, partial(self._deliver, done), self._on_error)

    def _deliver(self, done: Callable[[T], None], result: T) -> None:
        if self._running:  # an answer arriving after the window closed is dropped
            done(result)

    def wrote(self) -> None:
        """Something was saved from this console: the hub reads the change feed right away, and
        every view (this one too) refreshes what it names."""
        self.context.hub.poll_now()

    # -- results ---------------------------------------------------------------------------

    def _on_started(self, services: list[NamedRef]) -> None:
        self._ready = True
        self._on_services(services)
        self.calls_changed.emit()

    def _on_services(self, services: list[NamedRef]) -> None:
        self.services = services
        self.services_loaded.emit(services)

    def _on_majors(self, majors: list[ActiveMajor]) -> None:
        self.majors = majors
        self.majors_loaded.emit(majors)

    def _on_surges(self, surges: list[SurgeSuggestion]) -> None:
        self.surges = surges
        self.surges_changed.emit(surges)
        # Announce a surge once when it starts, not at every call that grows it (the banner
        # shows the count); one that ended and starts again is announced again.
        fresh = [s for s in surges if s.service_id not in self._announced]
        self._announced = {s.service_id for s in surges}
        for surge in fresh:
            self.surge_detected.emit(surge)

    def _on_changes(self, batch: ChangeBatch) -> None:
        if "services" in batch.other_entities:
            self.reload_services()
        if batch.incident_ids or "calls" in batch.other_entities:
            self.reload_majors()
            self.check_surges()
            self.calls_changed.emit()

    def _on_error(self, exc: Exception) -> None:
        self.message.emit(str(exc) if isinstance(exc, CalmdeskError) else "Cannot read the calls.")
