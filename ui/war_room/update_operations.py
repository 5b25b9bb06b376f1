"""The war room's status-update actions: post the composer's draft (through the offline outbox,
so an update posted while the database is unreachable is kept, counts down and can still be
copied or e-mailed), and deliver a posted update by clipboard, e-mail link or chat webhook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from app.adapters.mailto import MailtoLink
from app.domain.errors import CalmdeskError
from app.domain.status_update import local_clock
from app.services.offline.operations import PostUpdate
from app.services.offline.outbox import OutboxStatus
from app.services.offline.unsent_updates import unsent_update
from app.services.war_room.dto import (
    DeliveryReport,
    PostedUpdate,
    StatusUpdateRow,
    UpdateDraft,
    WarRoomSnapshot,
)
from app.services.war_room.status_updates import StatusUpdates
from ui.console_context import ConsoleContext
from ui.live.offline_monitor import kept_message
from ui.war_room.composer_panel import WEBHOOK_WAITS
from ui.war_room.controller import WarRoomController
from ui.war_room.panels import WarRoomPanels


class UpdateOperations(QObject):
    def __init__(
        self,
        context: ConsoleContext,
        controller: WarRoomController,
        panels: WarRoomPanels,
        config_file: Path,
        say: Callable[[str], None],
        on_error: Callable[[Exception], None],
        report_failure: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._controller = controller
        self._panels = panels
        self.config_file = config_file
        self.updates = StatusUpdates(context.services, config_file)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self._say = say
        self._on_error = on_error
        self._report_failure = report_failure
        self._failed_targets: dict[int, tuple[str, ...]] = {}
        composer = panels.composer
        composer.post_requested.connect(self.post)
        composer.copy_requested.connect(self.copy_update)
        composer.mail_requested.connect(self.mail_update)
        composer.webhook_requested.connect(self.send_webhooks)
        composer.retry_requested.connect(self.retry_webhooks)

    @property
    def incident_id(self) -> int:
        return self._controller.incident_id

    def _snapshot(self) -> WarRoomSnapshot | None:
        return self._controller.snapshot

    def post(self, draft: UpdateDraft) -> None:
        composer, snapshot = self._panels.composer, self._snapshot()

        def failed(exc: Exception) -> None:
            composer.posting_finished()
            self._on_error(exc)

        if snapshot is None:
            composer.posting_finished()
            return
        try:
            # What can be checked here is checked before it is sent or kept, by the rules the
            # database applies (a kept update refused later would only surface on replay).
            unsent = unsent_update(snapshot, draft, self._controller.now(), author="", key=0)
        except CalmdeskError as exc:
            failed(exc)
            return

        def sent(result: PostedUpdate) -> None:
            composer.posting_finished()
            self._panels.banner.hide()
            # The reload that follows refills the composer from this update, carried forward.
            composer.mark_posted()
            self._controller.wrote()
            due = result.next_update_due
            when = f"; next update due by {local_clock(due)}" if due else ""
            self._say(
                f"Update {result.update.sequence} posted{when}. "
                "Send it with Copy, E-mail or Webhook."
            )

        def kept(status: OutboxStatus) -> None:
            composer.posting_finished()
            self._panels.banner.hide()
            composer.mark_posted()
            self._controller.keep(change)  # the countdown moves on; the update waits to send
            self._say(
                kept_message(f"Update {unsent.update.sequence}", status)
                + " Copy and E-mail work now; the webhooks once it has reached the database."
            )

        change = PostUpdate(self.incident_id, draft, snapshot.incident.number)
        self._ctx.offline.submit(change, sent, kept, failed)

    def _chosen(self, update_id: int) -> StatusUpdateRow | None:
        snapshot = self._snapshot()
        if snapshot is None:
            return None
        return next((u for u in snapshot.updates if u.id == update_id), None)

    def copy_update(self, update_id: int) -> None:
        update = self._chosen(update_id)
        if update is not None:
            QGuiApplication.clipboard().setText(update.text)
            self._say(f"Update {update.sequence} copied: paste it where it needs to go.")

    def mail_update(self, update_id: int) -> None:
        updates = self.updates
        update = self._chosen(update_id)
        if update is None:
            return

        def opened(link: MailtoLink) -> None:
            if link.shortened:
                QGuiApplication.clipboard().setText(update.text)
            self.open_url(QUrl(link.url, QUrl.ParsingMode.StrictMode))

        def message(link: MailtoLink) -> str:
            text = "E-mail opened in your mail program."
            if link.url.startswith("mailto:?"):
                text += f" No distribution list for this audience in {self.config_file}."
            if link.shortened:
                text += " It was too long for a link: paste the full text from the clipboard."
            return text

        # From the update in hand (sent or still waiting): only the settings file is read.
        def open_and_say(link: MailtoLink) -> None:
            opened(link)
            self._say(message(link))

        self._ctx.runner.submit(lambda: updates.mailto_for(update), open_and_say, self._on_error)

    def send_webhooks(self, update_id: int) -> None:
        if update_id in self._controller.waiting.rows:
            self._panels.composer.show_delivery(WEBHOOK_WAITS, ok=True)
            return
        self._deliver(update_id, ())

    def retry_webhooks(self, update_id: int) -> None:
        self._deliver(update_id, self._failed_targets.get(update_id, ()))

    def _deliver(self, update_id: int, only: tuple[str, ...]) -> None:
        composer, updates = self._panels.composer, self.updates
        composer.show_delivery("Sending…", ok=True)

        def delivered(report: DeliveryReport) -> None:
            if not report.results:
                composer.show_delivery(
                    f"No webhook is set up for this audience: add one to {self.config_file} "
                    "(see README, War room).",
                    ok=False,
                )
                return
            failed = tuple(r.target for r in report.failed)
            self._failed_targets[update_id] = failed
            composer.show_delivery(report.summary, ok=not failed, can_retry=bool(failed))

        def failed(exc: Exception) -> None:
            composer.show_delivery(str(exc), ok=False)
            self._report_failure(str(exc))

        def message(report: DeliveryReport) -> str:
            return report.summary

        def show_and_say(report: DeliveryReport) -> None:
            delivered(report)
            self._reload_and_say(message(report))

        self._ctx.runner.submit(
            lambda: updates.deliver_webhooks(update_id, only), show_and_say, failed
        )

    def _reload_and_say(self, text: str) -> None:
        self._controller.wrote()
        self._say(text)
