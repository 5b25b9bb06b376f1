"""What the war room's buttons do: each asks a service on the task runner, says what happened
in the status bar (or why not, in the banner), and reloads the snapshot.

Ticks, notes, calls and status updates go through the offline outbox (`context.offline`): when
the database cannot be reached they are kept on this computer, shown at once as waiting to send,
and sent in order when it is back. Everything else needs the database and says so.

Dialogs open window-modal with `open()`, never `exec()`, so the window keeps ticking and the
countdown keeps counting while someone types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.adapters.delivery_config import config_path
from app.domain.errors import DatabaseUnavailable
from app.domain.goodwill import GestureStatus
from app.services.calls.dto import LoggedCall
from app.services.directory.reads import Directory
from app.services.errors import InvalidInput
from app.services.goodwill.commands import GoodwillCommands
from app.services.goodwill.dto import GestureRow
from app.services.incidents.dto import AgentInfo
from app.services.offline.operations import AddNote, Change, LogCall, TickItem
from app.services.offline.outbox import OutboxStatus
from app.services.war_room.commands import WarRoomCommands, linked_call_draft
from app.services.war_room.dto import (
    ResolutionDraft,
    ResolvedMajor,
    VendorRow,
    WarRoomSnapshot,
)
from app.services.war_room.resolution import MajorResolution
from app.services.war_room.status_updates import StatusUpdates
from ui.console_context import ConsoleContext
from ui.live.offline_monitor import kept_message
from ui.war_room.controller import WarRoomController
from ui.war_room.dialogs import AddCallDialog, CallersMessageDialog, VendorDialog
from ui.war_room.gesture_dialog import GestureDialog
from ui.war_room.panels import WarRoomPanels
from ui.war_room.resolve_dialog import ResolveDialog, callback_line
from ui.war_room.update_operations import UpdateOperations

T = TypeVar("T")


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
        self.resolution = MajorResolution(services)
        self.dialog: QDialog | None = None  # the dialog now open, if any
        self.result_box: QMessageBox | None = None
        # Posting and delivering status updates (the composer's buttons).
        self.update_actions = UpdateOperations(
            context,
            controller,
            panels,
            self.config_file,
            self._say,
            self._on_error,
            self.failed.emit,
            self,
        )
        self._connect()

    @property
    def updates(self) -> StatusUpdates:
        return self.update_actions.updates

    @updates.setter
    def updates(self, updates: StatusUpdates) -> None:
        self.update_actions.updates = updates

    @property
    def open_url(self) -> Callable[[QUrl], bool]:
        return self.update_actions.open_url

    @open_url.setter
    def open_url(self, open_url: Callable[[QUrl], bool]) -> None:
        self.update_actions.open_url = open_url

    @property
    def incident_id(self) -> int:
        return self._controller.incident_id

    def _snapshot(self) -> WarRoomSnapshot | None:
        return self._controller.snapshot

    def _connect(self) -> None:
        p = self._panels
        p.checklist.model.toggle_requested.connect(self.set_item_done)
        p.checklist.add_requested.connect(self.add_item)
        p.history.update_chosen.connect(p.composer.show_chosen)
        p.callers.edit_requested.connect(self.edit_callers_message)
        p.callers.copied.connect(lambda _text: self._say("Copied what to tell callers."))
        p.calls.add_call_requested.connect(self.add_call)
        p.vendors.escalate_requested.connect(lambda: self.edit_vendor(None))
        p.vendors.edit_requested.connect(self.edit_vendor)
        p.timeline.note_requested.connect(self.add_note)
        p.timeline.pin_requested.connect(self.set_pinned)
        p.children.link_requested.connect(self.link_child)
        p.gestures.add_requested.connect(self.add_gesture)
        p.gestures.settle_requested.connect(self.settle_gesture)

    # -- running ------------------------------------------------------------------------------

    def _run(
        self,
        fn: Callable[[], T],
        message: Callable[[T], str],
        then: Callable[[T], None] | None = None,
    ) -> None:
        def done(result: T) -> None:
            self._panels.banner.hide()
            if then is not None:
                then(result)
            self._controller.wrote()
            self._say(message(result))

        self._ctx.runner.submit(fn, done, self._on_error)

    def _send(
        self,
        change: Change[T],
        what: str,
        message: Callable[[T], str],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Through the outbox: sent now, or kept on this computer and shown as waiting. `what`
        names the change for the "saved on this computer" message."""

        def sent(result: T) -> None:
            self._panels.banner.hide()
            if then is not None:
                then()
            self._controller.wrote()
            self._say(message(result))

        def kept(status: OutboxStatus) -> None:
            self._panels.banner.hide()
            if then is not None:
                then()
            self._controller.keep(change)
            self._say(kept_message(what, status))

        self._ctx.offline.submit(change, sent, kept, self._on_error)

    def _on_error(self, exc: Exception) -> None:
        text = str(exc)
        if isinstance(exc, DatabaseUnavailable):
            text = (
                "That needs the database, which cannot be reached just now: try again when it "
                "is back. Ticks, notes, calls and status updates are kept on this computer "
                f"meanwhile. ({text})"
            )
        self._panels.banner.show_message(text)
        if isinstance(exc, InvalidInput):
            self._panels.composer.focus_field(exc.field)
        self.failed.emit(text)

    def _say(self, text: str) -> None:
        self.finished.emit(text)

    # -- checklist, calls, timeline, children -------------------------------------------------

    def set_item_done(self, item_id: int, done: bool) -> None:
        snapshot = self._snapshot()
        rows = snapshot.checklist if snapshot is not None else ()
        text = next((row.text for row in rows if row.id == item_id), "")
        self._send(
            TickItem(item_id, done, text),
            f"{'Tick' if done else 'Untick'} of “{text}”",
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
        snapshot = self._snapshot()
        number = snapshot.incident.number if snapshot is not None else ""
        self._send(
            AddNote(self.incident_id, text, number, pinned),
            "Note",
            lambda _id: "Note added to the timeline.",
            self._panels.timeline.clear_note,
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
        incident_id = self.incident_id

        def accepted() -> None:
            typed = dialog.draft()
            draft = linked_call_draft(incident_id, typed)

            def message(logged: LoggedCall) -> str:
                return f"Call from {logged.call.caller or 'a caller'} logged and linked."

            self._send(LogCall(draft), f"Call from {typed.caller_name or 'a caller'}", message)

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

    # -- making it right ----------------------------------------------------------------------

    def add_gesture(self) -> None:
        """Load who may own it (a short read), then open the form."""
        services, incident_id = self._ctx.services, self.incident_id
        goodwill = GoodwillCommands(services)

        def open_form(owners: list[AgentInfo]) -> None:
            today = self._controller.now().astimezone().date()
            dialog = GestureDialog(owners, today, services.actor.agent_id, self._window)

            def accepted() -> None:
                draft = dialog.draft()
                self._run(
                    lambda: goodwill.add(incident_id, draft),
                    lambda row: (
                        f"Recorded: {row.gesture.kind.label.lower()} to {row.gesture.to_whom}."
                    ),
                )

            self._open(dialog, accepted)

        self._ctx.runner.submit(lambda: Directory(services).agents(), open_form, self._on_error)

    def settle_gesture(self, row: GestureRow, status: GestureStatus) -> None:
        goodwill = GoodwillCommands(self._ctx.services)
        what = f"{row.gesture.kind.label.lower()} to {row.gesture.to_whom}"
        if row.id is None:
            call_id = row.call_id or 0
            self._run(lambda: goodwill.call_back(call_id), lambda _none: f"Called back: {what}.")
            return
        gesture_id, version = row.id, row.version
        self._run(
            lambda: goodwill.settle(gesture_id, version, status),
            lambda _row: f"{status.label}: {what}.",
        )

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
