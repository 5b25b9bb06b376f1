"""The war room: one window to run a major incident. The header says where things stand and
counts down to the next status update; the panels below hold the checklist, the calls, the
composer, what to tell callers, vendors, the timeline and the children, all at once.

It reads a snapshot on the task runner, reloads it when the change feed names the incident, and
ticks the countdown every second from the injected clock without touching the database. While
the database is unreachable it keeps showing the last snapshot, says so in one line, and keeps
ticks, notes, calls and updates in the outbox (shown as waiting to send) until it is back.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.domain.roles import Action, may
from app.services.incidents.presence import war_room_subject
from app.services.offline.outbox import OutboxStatus
from app.services.war_room.dto import WarRoomSnapshot
from ui.console_context import ConsoleContext
from ui.live.presence import PresenceLabel
from ui.review.review_window import open_review
from ui.status_page.status_page_dialog import StatusPageDialog, open_status_page
from ui.war_room.command_prompt import CommandHandovers, CommandPromptStrip
from ui.war_room.controller import WarRoomController
from ui.war_room.header import WarRoomHeader
from ui.war_room.layout_state import WarRoomLayout
from ui.war_room.offline_line import OfflineLine
from ui.war_room.operations import WarRoomOperations
from ui.war_room.panels import WarRoomPanels
from ui.war_room.style import style_sheet

MESSAGE_MS = 12_000


class WarRoomWindow(QMainWindow):
    snapshot_applied = Signal(object)  # the WarRoomSnapshot, once it is on screen
    incident_open_requested = Signal(int)  # a child was activated: open it in the editor

    def __init__(
        self, context: ConsoleContext, incident_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = context
        self.incident_id = incident_id
        self.snapshot: WarRoomSnapshot | None = None
        self.setObjectName("war_room")
        self.setAccessibleName("War room")
        self.setWindowTitle("War room")
        self.setStyleSheet(style_sheet())
        self.layout_state = WarRoomLayout(
            context.settings.ui_state_file, context.services.actor.login
        )
        self.controller = WarRoomController(context, incident_id, self)
        self.header = WarRoomHeader()
        self.presence = PresenceLabel(context, war_room_subject(incident_id))
        self.header.presence_slot.addWidget(self.presence)
        self.panels = WarRoomPanels(context.services.clock, self)
        self.operations = WarRoomOperations(context, self.controller, self.panels, self)
        self.offline_line = OfflineLine(self)
        self.command_prompt = CommandPromptStrip(self)
        self.command_handovers = CommandHandovers(context, self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        body = QVBoxLayout()
        body.setContentsMargins(8, 6, 8, 4)
        body.setSpacing(6)
        body.addWidget(self.offline_line)
        body.addWidget(self.command_prompt)
        body.addWidget(self.panels.banner)
        body.addWidget(self.panels.columns, 1)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self.connection = QLabel("")
        self.connection.setAccessibleName("War room data status")
        self.statusBar().addPermanentWidget(self.connection)
        self._build_actions()
        self._connect()
        self.resize(1600, 900)
        self._restore_layout()

    # -- building -----------------------------------------------------------------------------

    def _action(
        self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str, slot: object
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        p, ops = self.panels, self.operations
        self.post_action = self._action("Post update", "Ctrl+Return", p.composer.post)
        self._action("Post update", "Ctrl+Enter", p.composer.post)  # the keypad's Enter
        self.copy_callers_action = self._action(
            "Copy what to tell callers", "Ctrl+Shift+C", p.callers.copy
        )
        self.refresh_action = self._action(
            "Refresh", QKeySequence.StandardKey.Refresh, self.controller.reload
        )
        self.resolve_action = self._action("Resolve…", "Ctrl+Shift+R", ops.resolve)
        self.review_action = self._action(
            "Post-incident review…", "Ctrl+Shift+P", self._on_review_triggered
        )
        self.status_page_action = self._action(
            "Public status page…", "Ctrl+Shift+U", self.open_status_page
        )
        self.close_action = self._action("Close", "Ctrl+W", self.close)
        self.hand_over_action = self._action(
            "Hand over command…", "Ctrl+Shift+H", self._on_hand_over_triggered
        )

    def _connect(self) -> None:
        self.controller.snapshot_loaded.connect(self._on_controller_snapshot_loaded)
        self.controller.ticked.connect(self._on_controller_ticked)
        self.controller.load_failed.connect(self._on_controller_load_failed)
        self.controller.unreachable.connect(self._on_controller_unreachable)
        self._ctx.offline.status_changed.connect(self._on_offline_status_changed)
        self.offline_line.show_status(self._ctx.offline.status)
        self.controller.polled.connect(self._on_controller_polled)
        self.header.resolve_button.clicked.connect(self._on_header_resolve_button_clicked)
        self.header.status_page_button.clicked.connect(self.open_status_page)
        self.operations.finished.connect(self._on_operations_finished)
        self.panels.children.open_requested.connect(self.incident_open_requested)
        self.panels.timeline.filter_changed.connect(self._on_timeline_filter_changed)
        self.command_prompt.handover_requested.connect(self._on_hand_over_triggered)
        self.command_handovers.finished.connect(self._on_command_handovers_finished)

    def _restore_layout(self) -> None:
        state = self.layout_state
        if (geometry := state.get_bytes("geometry")) is not None:
            self.restoreGeometry(geometry)
        for splitter in self.panels.splitters:
            if (saved := state.get_bytes(f"splitters/{splitter.objectName()}")) is not None:
                splitter.restoreState(saved)
        self.panels.timeline.set_filter(state.timeline_filter)

    def save_layout(self) -> None:
        state = self.layout_state
        state.set_bytes("geometry", self.saveGeometry())
        for splitter in self.panels.splitters:
            state.set_bytes(f"splitters/{splitter.objectName()}", splitter.saveState())
        state.timeline_filter = self.panels.timeline.model.filter_key
        state.sync()

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        self.controller.tick()
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
        self.presence.stop()

    def _on_header_resolve_button_clicked(self) -> None:
        if self.snapshot is not None and not self.snapshot.incident.status.is_open:
            self._on_review_triggered()
        else:
            self.operations.resolve()

    def open_status_page(self) -> StatusPageDialog:
        self.status_page_dialog = open_status_page(self._ctx, self)
        return self.status_page_dialog

    def _on_review_triggered(self) -> None:
        if self.snapshot is not None:
            open_review(self._ctx, self.snapshot.incident.id, self)

    def _on_controller_snapshot_loaded(self, snapshot: WarRoomSnapshot) -> None:
        self.snapshot = snapshot
        now = self.controller.now()
        incident = snapshot.incident
        self.setWindowTitle(f"War room · {incident.number} · {incident.title}")
        self.header.show_snapshot(snapshot, now)
        self._show_command_prompt(now)
        self.panels.show_snapshot(snapshot, now, self.controller.waiting)
        may_resolve = may(self._ctx.services.actor.role, Action.RESOLVE_MAJOR)
        can_resolve = incident.status.is_open and may_resolve
        self.resolve_action.setEnabled(can_resolve)
        self.review_action.setEnabled(not incident.status.is_open)
        # Once resolved, the same place in the header leads on to the blameless review.
        resolved = not incident.status.is_open
        self.header.resolve_button.setText("Post-incident &review…" if resolved else "&Resolve…")
        self.header.resolve_button.setEnabled(can_resolve or resolved)
        if not may_resolve:
            self.header.resolve_button.setToolTip(
                "Only a supervisor may resolve a major incident: ask the commander."
            )
        self.snapshot_applied.emit(snapshot)

    def _on_controller_polled(self, now: datetime) -> None:
        self.connection.setText(f"Up to date at {now.astimezone():%H:%M:%S}")

    def _on_controller_ticked(self, now: datetime) -> None:
        self.header.tick(now)
        self.panels.tick(now)
        self._show_command_prompt(now)

    def _show_command_prompt(self, now: datetime) -> None:
        incident = self.snapshot.incident if self.snapshot is not None else None
        self.command_prompt.show_prompt(incident, self._ctx.services.actor.agent_id, now)

    def _on_hand_over_triggered(self) -> None:
        if self.snapshot is not None and self.snapshot.incident.status.is_open:
            self.command_handovers.open(self.snapshot.incident)

    def _on_command_handovers_finished(self, message: str) -> None:
        self.statusBar().showMessage(message, MESSAGE_MS)
        self.controller.reload()

    def _on_controller_load_failed(self, message: str) -> None:
        self.connection.setText("Not up to date")
        self.panels.banner.show_message(message)

    def _on_controller_unreachable(self, _reason: str) -> None:
        # No alarm: the offline line says what is going on, and the last snapshot stays.
        loaded = self.controller.loaded
        self.connection.setText(
            f"Offline: showing what was read at {loaded.taken_at.astimezone():%H:%M:%S}"
            if loaded is not None
            else "Offline: the war room could not be read yet"
        )

    def _on_offline_status_changed(self, status: OutboxStatus) -> None:
        self.offline_line.show_status(status)

    def _on_operations_finished(self, message: str) -> None:
        self.statusBar().showMessage(message, MESSAGE_MS)

    def _on_timeline_filter_changed(self, key: str) -> None:
        self.layout_state.timeline_filter = key

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.stop()
        super().closeEvent(event)
