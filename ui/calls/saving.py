"""Saving calls in the background while the agent types the next one.

Each draft carries the save key the form made for it, so a retry after a failure (or a save that
actually reached the database before the connection dropped) never saves the call twice. Every
call is written to the offline outbox first (durable on this computer before the form clears),
then sent: when the database does not answer, it waits there and is sent when it is back.
Drafts the database refused are kept, with the reason, until they are retried or taken back
into the form.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from PySide6.QtCore import QObject, Signal

from app.domain.errors import CalmdeskError
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft, CallerCard, LoggedCall
from app.services.incidents.dto import IncidentDetail
from app.services.offline.operations import LogCall, LogCallAsNewIncident
from app.services.offline.outbox import OutboxStatus
from ui.live.offline_monitor import OfflineMonitor
from ui.task_runner import TaskRunner


@dataclass(frozen=True)
class PendingCall:
    """A draft on its way (or back from a failure), with what the form needs to show it again."""

    draft: CallDraft
    caller: CallerCard | None
    service_text: str
    new_incident: bool = False
    incident_deferred: bool = False  # asked for a new incident while the database was away

    @property
    def who(self) -> str:
        return self.draft.caller_name or "an unnamed caller"


class CallSaver(QObject):
    saved = Signal(object)  # LoggedCall
    incident_opened = Signal(object, object)  # LoggedCall, IncidentDetail
    kept = Signal(object, object)  # PendingCall, OutboxStatus: saved here, sent when it can be
    failed = Signal(object, str)  # PendingCall, the reason
    pending_changed = Signal(int)  # saves on their way

    def __init__(
        self,
        runner: TaskRunner,
        commands: CallCommands,
        offline: OfflineMonitor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._commands = commands
        self._offline = offline
        self._pending = 0
        self.failures: list[tuple[PendingCall, str]] = []

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, call: PendingCall) -> None:
        """Keep the call on this computer (durable when this returns), then send it. Raises
        CalmdeskError when it cannot be kept (bad input, the outbox file cannot be written):
        the form then keeps what was typed."""
        offline, draft = self._offline, call.draft
        on_kept, on_failed = partial(self._on_kept, call), partial(self._on_failed, call)
        if call.new_incident:
            # A new incident needs the database for its number; if it cannot be reached the
            # call waits in the outbox as a plain call, and the agent opens its incident later.
            opening = offline.keep(LogCallAsNewIncident(draft))
            self._set_pending(self._pending + 1)
            offline.send(opening, self._on_incident_opened, on_kept, on_failed)
        else:
            change = offline.keep(LogCall(draft))
            self._set_pending(self._pending + 1)
            offline.send(change, self._on_saved, on_kept, on_failed)

    def retry_all(self) -> int:
        """Submit every failed draft again, with its own save key; returns how many."""
        failures, self.failures = self.failures, []
        for call, _reason in failures:
            try:
                self.submit(call)
            except CalmdeskError as exc:
                self.failures.append((call, str(exc)))
        return len(failures)

    def take_back(self) -> PendingCall | None:
        """The oldest failed draft, removed from the failures, to put back into the form."""
        return self.failures.pop(0)[0] if self.failures else None

    def _on_saved(self, logged: LoggedCall) -> None:
        self._set_pending(self._pending - 1)
        self.saved.emit(logged)

    def _on_incident_opened(self, result: tuple[LoggedCall, IncidentDetail]) -> None:
        self._set_pending(self._pending - 1)
        self.incident_opened.emit(*result)

    def _on_kept(self, call: PendingCall, status: OutboxStatus) -> None:
        self._set_pending(self._pending - 1)
        if call.new_incident:
            call = replace(call, new_incident=False, incident_deferred=True)
        self.kept.emit(call, status)

    def _on_failed(self, call: PendingCall, exc: Exception) -> None:
        self._set_pending(self._pending - 1)
        self.failures.append((call, str(exc)))
        self.failed.emit(call, str(exc))

    def _set_pending(self, count: int) -> None:
        self._pending = count
        self.pending_changed.emit(count)
