"""What the war room's buttons do: each asks a service on the task runner, says what happened
in the status bar (or why not, in the banner), and reloads the snapshot.

Dialogs open window-modal with `open()`, never `exec()`, so the window keeps ticking and the
countdown keeps counting while someone types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.adapters.delivery_config import config_path
from app.adapters.mailto import MailtoLink
from app.domain.status_update import local_clock
from app.services.errors import InvalidInput
from app.services.major_resolution import MajorResolution
from app.services.status_updates import StatusUpdates
from app.services.war_room_commands import WarRoomCommands
from app.services.war_room_dto import (
    DeliveryReport,
    PostedUpdate,
    ResolutionDraft,
    ResolvedMajor,
    StatusUpdateRow,
    UpdateDraft,
    VendorRow,
    WarRoomSnapshot,
)
from ui.console_context import ConsoleContext
from ui.war_room.controller import WarRoomController
from ui.war_room.dialogs import AddCallDialog, CallersMessageDialog, VendorDialog
from ui.war_room.panels import WarRoomPanels
from ui.war_room.resolve_dialog import ResolveDialog, callback_line


class WarRoomOperations(QObject):
    finished = Signal(str)  # after any write or delivery, with what the status bar says
    failed = Signal(str)

    def __init__(
        self,
        context: ConsoleContext,
        controller: WarRoomController,
        panels: WarRoomPanels,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self._ctx = context
        self._controller = controller
        self._panels = panels
        self._window = window
        services = context.services
        self.config_file = config_path(context.settings.config_dir)
        self.commands = WarRoomCommands(services)
        self.updates = StatusUpdates(services, self.config_file)
        self.resolution = MajorResolution(services)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.dialog: QDialog | None = None  # the dialog now open, if any
        self.result_box: QMessageBox | None = None
        self._failed_targets: dict[int, tuple[str, ...]] = {}
        self._connect()

    @property
    def incident_id(self) -> int:
        return self._controller.incident_id

    def _snapshot(self) -> WarRoomSnapshot | None:
        return self._controller.snapshot

    def _connect(self) -> None:
        p = self._panels
        p.checklist.model.toggle_requested.connect(self.set_item_done)
        p.checklist.add_requested.connect(self.add_item)
        p.composer.post_requested.connect(self.post)
        p.composer.copy_requested.connect(self.copy_update)
        p.composer.mail_requested.connect(self.mail_update)
        p.composer.webhook_requested.connect(self.send_webhooks)
        p.composer.retry_requested.connect(self.retry_webhooks)
        p.history.update_chosen.connect(p.composer.show_chosen)
        p.callers.edit_requested.connect(self.edit_callers_message)
        p.callers.copied.connect(lambda _text: self._say("Copied what to tell callers."))
        p.calls.add_call_requested.connect(self.add_call)
        p.vendors.escalate_requested.connect(lambda: self.edit_vendor(None))
        p.vendors.edit_requested.connect(self.edit_vendor)
        p.timeline.note_requested.connect(self.add_note)
        p.timeline.pin_requested.connect(self.set_pinned)
        p.children.link_requested.connect(self.link_child)

    # -- running ------------------------------------------------------------------------------

    def _run(
        self,
        fn: Callable[[], Any],
        message: Callable[[Any], str],
        then: Callable[[Any], None] | None = None,
    ) -> None:
        def done(result: Any) -> None:
            self._panels.banner.hide()
            if then is not None:
                then(result)
            self._controller.reload()
            self._say(message(result))

        self._ctx.runner.submit(fn, done, self._on_error)

    def _on_error(self, exc: Exception) -> None:
        text = str(exc)
        self._panels.banner.show_message(text)
        if isinstance(exc, InvalidInput):
            self._panels.composer.focus_field(exc.field)
        self.failed.emit(text)

    def _say(self, text: str) -> None:
        self.finished.emit(text)

    # -- checklist, calls, timeline, children -------------------------------------------------

    def set_item_done(self, item_id: int, done: bool) -> None:
        commands = self.commands
        self._run(
            lambda: commands.set_item_done(item_id, done),
            lambda row: f"{'Ticked' if row.done else 'Unticked'}: {row.text}",
        )

    def add_item(self, text: str, owner: str) -> None:
        commands, incident_id = self.commands, self.incident_id
        self._run(
            lambda: commands.add_item(incident_id, text, owner),
            lambda row: f"Added a step: {row.text}",
            lambda _row: self._panels.checklist.clear_new_step(),
        )

    def add_note(self, text: str, pinned: bool) -> None:
        commands, incident_id = self.commands, self.incident_id
        self._run(
            lambda: commands.add_note(incident_id, text, pinned=pinned),
            lambda _id: "Note added to the timeline.",
            lambda _id: self._panels.timeline.clear_note(),
        )

    def set_pinned(self, event_id: int, pinned: bool) -> None:
        commands = self.commands
        self._run(
            lambda: commands.set_pinned(event_id, pinned),
            lambda _none: "Pinned for the review." if pinned else "Unpinned.",
        )

    def link_child(self, number: str) -> None:
        commands, incident_id = self.commands, self.incident_id
        self._run(
            lambda: commands.link_child(incident_id, number),
            lambda child: f"{child.number} linked as a child.",
            lambda _child: self._panels.children.clear_number(),
        )

    def add_call(self) -> None:
        snapshot = self._snapshot()
        if snapshot is None:
            return
        dialog = AddCallDialog(snapshot.incident.number, self._window)
        commands, incident_id = self.commands, self.incident_id

        def accepted() -> None:
            draft = dialog.draft()
            self._run(
                lambda: commands.add_call(incident_id, draft),
                lambda call: f"Call from {call.caller or 'a caller'} logged and linked.",
            )

        self._open(dialog, accepted)

    # -- vendors and callers ------------------------------------------------------------------

    def edit_vendor(self, row: VendorRow | None) -> None:
        dialog = VendorDialog(self._controller.now(), row, self._window)
        commands, incident_id = self.commands, self.incident_id

        def accepted() -> None:
            draft = dialog.draft()
            if row is None:
                self._run(
                    lambda: commands.escalate_vendor(incident_id, draft),
                    lambda case: f"Escalated to {case.vendor}.",
                )
            else:
                self._run(
                    lambda: commands.edit_vendor(row.id, row.version, draft),
                    lambda case: f"{case.vendor} case saved.",
                )

        self._open(dialog, accepted)

    def edit_callers_message(self) -> None:
        snapshot = self._snapshot()
        if snapshot is None:
            return
        incident = snapshot.incident
        dialog = CallersMessageDialog(incident.public_message, incident.workaround, self._window)
        commands = self.commands

        def accepted() -> None:
            message, workaround = dialog.values()
            self._run(
                lambda: commands.set_callers_message(
                    incident.id, incident.version, message, workaround
                ),
                lambda _detail: "What to tell callers is updated for every agent.",
            )

        self._open(dialog, accepted)

    # -- status updates -----------------------------------------------------------------------

    def post(self, draft: UpdateDraft) -> None:
        updates, incident_id = self.updates, self.incident_id

        def posted(_result: PostedUpdate) -> None:
            # The reload that follows refills the composer from this update, carried forward.
            self._panels.composer.mark_posted()

        def message(result: PostedUpdate) -> str:
            due = result.next_update_due
            when = f"; next update due by {local_clock(due)}" if due else ""
            return (
                f"Update {result.update.sequence} posted{when}. "
                "Send it with Copy, E-mail or Webhook."
            )

        composer = self._panels.composer

        def failed(exc: Exception) -> None:
            composer.posting_finished()
            self._on_error(exc)

        def done(result: PostedUpdate) -> None:
            composer.posting_finished()
            self._panels.banner.hide()
            posted(result)
            self._controller.reload()
            self._say(message(result))

        self._ctx.runner.submit(lambda: updates.post(incident_id, draft), done, failed)

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

        def opened(link: MailtoLink) -> None:
            if link.shortened and update is not None:
                QGuiApplication.clipboard().setText(update.text)
            self.open_url(QUrl(link.url, QUrl.ParsingMode.StrictMode))

        def message(link: MailtoLink) -> str:
            text = "E-mail opened in your mail program."
            if link.url.startswith("mailto:?"):
                text += f" No distribution list for this audience in {self.config_file}."
            if link.shortened:
                text += " It was too long for a link: paste the full text from the clipboard."
            return text

        self._ctx.runner.submit(
            lambda: updates.mailto(update_id),
            lambda link: (opened(link), self._say(message(link))),
            self._on_error,
        )

    def send_webhooks(self, update_id: int) -> None:
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
            self.failed.emit(str(exc))

        def message(report: DeliveryReport) -> str:
            return report.summary

        self._ctx.runner.submit(
            lambda: updates.deliver_webhooks(update_id, only),
            lambda report: (delivered(report), self._reload_and_say(message(report))),
            failed,
        )

    def _reload_and_say(self, text: str) -> None:
        self._controller.reload()
        self._say(text)

    # -- resolving ----------------------------------------------------------------------------

    def resolve(self) -> None:
        snapshot = self._snapshot()
        if snapshot is None or not snapshot.incident.status.is_open:
            return
        dialog = ResolveDialog(snapshot, self._window)
        resolution, incident = self.resolution, snapshot.incident

        def accepted() -> None:
            draft: ResolutionDraft = dialog.draft()
            self._run(
                lambda: resolution.resolve(incident.id, incident.version, draft),
                lambda result: f"{result.incident.number} resolved.",
                self._show_resolved,
            )

        self._open(dialog, accepted)

    def _show_resolved(self, result: ResolvedMajor) -> None:
        lines = [f"{result.incident.number} is resolved; the final update is posted."]
        if result.services_restored:
            lines.append(f"Back to Operational: {', '.join(result.services_restored)}.")
        if result.children_resolved:
            lines.append(f"Resolved with it: {', '.join(result.children_resolved)}.")
        if result.children_left:
            lines.append(f"Still open: {', '.join(result.children_left)}.")
        if result.callbacks:
            lines.append(f"Call these {len(result.callbacks)} callers back:")
            lines += [f"  {callback_line(c)}" for c in result.callbacks]
        box = QMessageBox(QMessageBox.Icon.Information, "Major incident resolved", "\n".join(lines),
                          QMessageBox.StandardButton.Ok, self._window)  # fmt: skip
        box.setAccessibleName("Major incident resolved")
        if result.callbacks:
            callbacks = "\n".join(callback_line(c) for c in result.callbacks)
            copy = box.addButton("Copy the callback list", QMessageBox.ButtonRole.ActionRole)
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(callbacks))
        self.result_box = box
        box.open()

    def _open(self, dialog: QDialog, accepted: Callable[[], None]) -> None:
        self.dialog = dialog
        dialog.accepted.connect(accepted)
        dialog.finished.connect(lambda _code: self._forget(dialog))
        dialog.open()

    def _forget(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
