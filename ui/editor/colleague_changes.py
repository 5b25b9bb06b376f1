"""The editor's ear on the change hub: when a batch names the incident on screen, read who changed
what since the version shown (and the timeline), off the UI thread, and hand it to the editor,
which reloads a form the agent has not touched or shows the conflict banner on one they have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.services.errors import EditConflict
from app.services.feed.dto import ChangeBatch
from app.services.incidents.dto import IncidentDetail, TimelineEntry
from app.services.incidents.reads import IncidentReads
from ui.live.change_hub import ChangeHub
from ui.task_runner import TaskRunner


@dataclass(frozen=True)
class ColleagueChange:
    incident_id: int
    seen_version: int  # the version on screen when this was read
    conflict: EditConflict | None  # who changed what since; None: still that version (a note)
    timeline: list[TimelineEntry]


class ColleagueChanges(QObject):
    arrived = Signal(object)  # a ColleagueChange
    problem = Signal(str)  # the incident could not be read again (merged away, say)

    def __init__(
        self,
        hub: ChangeHub,
        runner: TaskRunner,
        reads: IncidentReads,
        shown: Callable[[], IncidentDetail | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._reads = reads
        self._shown = shown  # the incident on screen, as loaded (None: a new one)
        self._reading = False
        self._again = False
        self._changes = hub.subscription(self, self._on_changes)
        self._changes.start()

    def stop(self) -> None:
        """The window closes: no more reads."""
        self._changes.stop()

    def check(self) -> None:
        """Read whether the incident on screen changed since it was loaded; asked while a read
        is out, once more when it ends."""
        detail = self._shown()
        if detail is None or not self._changes.active:
            return
        if self._reading:
            self._again = True
            return
        self._reading = True
        reads, incident_id, version = self._reads, detail.id, detail.version

        def read() -> ColleagueChange:
            conflict = reads.changed_since(incident_id, version)
            return ColleagueChange(incident_id, version, conflict, reads.timeline(incident_id))

        self._runner.submit(read, self._on_read, self._on_read_failed)

    def _on_changes(self, batch: ChangeBatch) -> None:
        detail = self._shown()
        if detail is not None and detail.id in batch.incident_ids:
            self.check()

    def _on_read(self, change: ColleagueChange) -> None:
        self._reading = False
        self.arrived.emit(change)
        self._check_again_if_asked()

    def _on_read_failed(self, error: CalmdeskError) -> None:
        self._reading = False
        if not isinstance(error, DatabaseUnavailable):  # that one the health line says
            self.problem.emit(f"A colleague's change could not be read: {error}")
        self._check_again_if_asked()

    def _check_again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.check()


def changed_words(conflict: EditConflict) -> str:
    """'Bob Marsh changed urgency, title': for the line under the Save button."""
    who = ", ".join(conflict.changed_by) or "A colleague"
    what = ", ".join(conflict.fields) or "this incident"
    return f"{who} changed {what}"
