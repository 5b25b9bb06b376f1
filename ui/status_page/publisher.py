"""Re-publishing the status page after every change the hub reports (a public update, a service
state, a resolution), off the UI thread, one publish at a time. A failure is shown and tried
again later (10 s, 30 s, 2 min, then every 5 min); the page is rebuilt from the database each
time, so nothing is lost while the target is down."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.errors import DatabaseUnavailable
from app.domain.status_page import retry_delay
from app.services.feed.dto import ChangeBatch
from app.services.status_page.republish import PublishOutcome, Republisher, touches_public_page
from ui.console_context import ConsoleContext

BUILD_RETRY_MS = 30_000


class StatusPagePublisher(QObject):
    published = Signal(str)  # where to
    failed = Signal(str)  # why, and when it is tried again
    settled = Signal(object)  # every PublishOutcome (for tests and the dialog)

    def __init__(self, context: ConsoleContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self.republisher = Republisher(context.services)
        self._running = False
        self._again = False
        self.last: PublishOutcome | None = None
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self.publish_now)
        self._changes = context.hub.subscription(self, self._on_changes)

    def start(self) -> None:
        self._changes.start()
        self.publish_now()  # whatever changed while this console was closed

    def stop(self) -> None:
        self._changes.stop()
        self.retry.stop()

    def _on_changes(self, batch: ChangeBatch) -> None:
        if batch.incident_ids or touches_public_page(batch.other_entities):
            self.publish_now()

    def publish_now(self, *, force: bool = False) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        republisher = self.republisher
        self._ctx.runner.submit(
            lambda: republisher.publish_pending(force=force), self._on_done, self._on_error
        )

    def _on_done(self, outcome: PublishOutcome) -> None:
        self.last = outcome
        if outcome.error:
            self.retry.start(int(retry_delay(outcome.failures).total_seconds() * 1000))
            self.failed.emit(
                f"The status page could not be published: {outcome.error} "
                f"Trying again at {_clock(outcome.next_try)}."
            )
        elif outcome.published:
            self.retry.stop()
            self.published.emit(outcome.target)
        self.settled.emit(outcome)
        self._finish()

    def _on_error(self, exc: Exception) -> None:
        # The database could not be read: the console's offline line says so already (a driver's
        # text every 30 s in the status bar would only add noise); anything else is told. Both
        # are tried again later.
        if not isinstance(exc, DatabaseUnavailable):
            self.failed.emit(f"The status page could not be built: {exc}")
        self.retry.start(BUILD_RETRY_MS)
        self._finish()

    def _finish(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.publish_now()


def _clock(at: datetime | None) -> str:
    return "a moment" if at is None else f"{at.astimezone():%H:%M:%S}"
