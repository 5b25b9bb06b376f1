"""The console's side of the offline outbox: one place that sends changes through the outbox,
notices when the database stops answering, tries again with backoff, replays what waited, and
says plainly where things stand ("Offline since 10:42 · 3 changes waiting").
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.errors import CalmdeskError
from app.domain.reconnect import reconnect_delay
from app.domain.status_update import local_clock
from app.services.offline.operations import Change
from app.services.offline.outbox import Kept, Outbox, OutboxStatus, ReplayReport, Sent
from ui.task_runner import Failed, TaskRunner

Result = TypeVar("Result")


class OfflineMonitor(QObject):
    status_changed = Signal(object)  # OutboxStatus
    reconnected = Signal(object)  # ReplayReport: the database answers again; refresh the views
    conflicts_found = Signal(object)  # ReplayReport with refused changes, for the agent

    def __init__(self, outbox: Outbox, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._outbox = outbox
        self._runner = runner
        self._attempt = 0
        self._trying = False
        self._stopped = False
        self._random = random.Random()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.try_now)
        self.status: OutboxStatus = outbox.status()
        runner.database_unavailable.connect(self._on_runner_database_unavailable)

    @property
    def outbox(self) -> Outbox:
        return self._outbox

    def start(self) -> None:
        """At start-up: ask the database who it is (so changes kept for it under another
        address are found), then send what was left from an earlier session."""

        def found(status: OutboxStatus) -> None:
            self._publish(status)
            if status.waiting:
                self._timer.start(0)

        self._runner.submit(self._outbox.find_kept, found, _ignore)

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()

    # -- changes -------------------------------------------------------------------------------

    def keep(self, change: Change[Result]) -> Change[Result]:
        """Write the change to the outbox, on this thread: durable on this computer when this
        returns, before the form clears or says anything. Raises CalmdeskError for bad input
        or an outbox that cannot be written (then nothing is kept: leave the form as it is)."""
        return self._outbox.keep(change)

    def send(
        self,
        change: Change[Result],
        on_sent: Callable[[Result], None],
        on_kept: Callable[[OutboxStatus], None],
        on_error: Failed,
    ) -> None:
        """Send a kept change off the UI thread. `on_sent` gets the service call's result;
        `on_kept` the outbox status when it waits to be sent later."""

        def done(outcome: Sent[Result] | Kept) -> None:
            if isinstance(outcome, Sent):
                on_sent(outcome.result)
                return
            self._publish(outcome.status)
            self._schedule()
            on_kept(outcome.status)

        outbox = self._outbox
        self._runner.submit(lambda: outbox.send(change), done, on_error)

    def submit(
        self,
        change: Change[Result],
        on_sent: Callable[[Result], None],
        on_kept: Callable[[OutboxStatus], None],
        on_error: Failed,
    ) -> bool:
        """`keep`, then `send`. False (after `on_error`) when it could not be kept."""
        try:
            kept = self.keep(change)
        except CalmdeskError as exc:
            on_error(exc)
            return False
        self.send(kept, on_sent, on_kept, on_error)
        return True

    def try_now(self) -> None:
        """Check the database and send what waits (the timer, or the agent's "Try now")."""
        if self._trying or self._stopped:
            return
        self._timer.stop()
        self._trying = True
        self._runner.submit(self._outbox.reconnect, self._on_reconnected, self._on_still_away)

    def retry(self, op_id: str) -> None:
        """Send a change the database refused once more (the agent fixed what it needed)."""
        self._runner.submit(lambda: self._outbox.retry(op_id), self._on_reconnected, _ignore)

    def discard(self, op_id: str) -> None:
        """Drop a refused change, on the agent's word."""

        def discard() -> OutboxStatus:
            self._outbox.discard(op_id)
            return self._outbox.status()

        self._runner.submit(discard, self._publish, _ignore)

    # -- slots ---------------------------------------------------------------------------------

    def _on_runner_database_unavailable(self, reason: str) -> None:
        self._outbox.note_unavailable(reason)
        self._publish(self._outbox.status())
        self._schedule()

    def _on_reconnected(self, report: ReplayReport) -> None:
        self._trying = False
        self._attempt = 0
        self._publish(report.status)
        if report.conflicts:
            self.conflicts_found.emit(report)
        self.reconnected.emit(report)

    def _on_still_away(self, _exc: Exception) -> None:
        self._trying = False
        self._attempt += 1
        self._publish(self._outbox.status())
        self._schedule()

    # -- helpers -------------------------------------------------------------------------------

    def _schedule(self) -> None:
        if self._trying or self._stopped or self._timer.isActive():
            return
        delay = reconnect_delay(self._attempt, self._random.random())
        self._timer.start(int(delay.total_seconds() * 1000))

    def _publish(self, status: OutboxStatus) -> None:
        self.status = status
        self.status_changed.emit(status)


def _ignore(_exc: Exception) -> None:
    """The database went away again: the runner already told the monitor."""


def offline_text(status: OutboxStatus) -> str:
    """The status bar's words: empty when all is well."""
    parts: list[str] = []
    if status.offline_since is not None:
        parts.append(f"Offline since {local_clock(status.offline_since)}")
    if status.waiting:
        noun = "change" if status.waiting == 1 else "changes"
        parts.append(f"{status.waiting} {noun} waiting")
    if status.conflicts:
        noun = "change needs" if status.conflicts == 1 else "changes need"
        parts.append(f"{status.conflicts} {noun} you")
    if status.elsewhere:
        noun = "change" if status.elsewhere == 1 else "changes"
        parts.append(f"{status.elsewhere} {noun} kept for another database")
    return " · ".join(parts)


def kept_message(what: str, status: OutboxStatus) -> str:
    """What the agent reads when a change was kept instead of sent."""
    since = f" (offline since {local_clock(status.offline_since)})" if status.offline_since else ""
    return (
        f"{what} saved on this computer{since}; it will be sent when the database is back "
        f"({status.waiting} waiting)."
    )
