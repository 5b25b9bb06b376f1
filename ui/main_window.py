"""The main window: the incident queue in the centre, the incident editor docked on the right,
actions in menus and the toolbar, and a status bar that says where the data lives and who is
signed in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.roles import Action, may
from app.services.directory.reads import Directory
from app.services.incidents.dto import AgentInfo
from app.services.incidents.queue_filters import QuickFilter
from app.services.offline.outbox import OutboxStatus, ReplayReport
from ui.calls import install_call_logging
from ui.console_context import ConsoleContext
from ui.drills.install import install_drills
from ui.editor.incident_editor import IncidentEditor
from ui.handover.install import ShiftHandovers
from ui.live.offline_monitor import offline_text
from ui.queue.queue_controller import QueueController
from ui.queue.queue_panel import QueuePanel
from ui.queue_actions import QueueActions
from ui.status_page.install import StatusPageActions
from ui.ui_state import UiState
from ui.welcome_view import WelcomeView

# Windows and dialogs that are not on screen at start are imported when first opened: together
# they were about a third of the console's start-up time.
if TYPE_CHECKING:
    from ui.wallboard import Wallboard
    from ui.war_room import WarRoomWindow


class MainWindow(QMainWindow):
    queue_loaded = Signal(int)
    database_switch_requested = Signal(str)  # a URL that answered "Test connection"
    incident_open_requested = Signal(int)  # for the editor dock
    # This window is loading the sample or importing a file (True), or has finished and the
    # queue shows the result (False): a bulk change, which the notifications summarise once.
    bulk_change = Signal(bool)

    def __init__(self, context: ConsoleContext, team_id: int | None = None) -> None:
        super().__init__()
        self._ctx = context
        self._first_load = True
        self._wallboard: Wallboard | None = None
        self._war_rooms: dict[int, WarRoomWindow] = {}
        self.setWindowTitle("Calmdesk")
        # The first size fits the screen it opens on (a 1280x800 laptop cut the search box and
        # the status bar); a saved layout, restored later, wins.
        room = self.screen().availableGeometry()
        self.resize(min(1360, room.width()), min(800, room.height()))
        actor = context.services.actor
        self.ui_state = UiState(context.settings.ui_state_file, actor.login)
        self.queue = QueueController(context, team_id, self)
        self.panel = QueuePanel(self.queue.model, self)
        self.table = self.panel.table
        self.welcome = WelcomeView(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.panel)
        self.stack.addWidget(self.welcome)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        self.editor = IncidentEditor(context, self, queue_row=self.queue.model.row_for_id)
        self.editor_dock = QDockWidget("Incident", self)
        self.editor_dock.setObjectName("incidentEditorDock")
        self.editor_dock.setWidget(self.editor)
        self.editor_dock.setMinimumWidth(480)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.editor_dock)
        self.editor_dock.hide()
        self.actions_ = QueueActions(context, self.queue.model, self.table, self)
        self._build_actions()
        self._build_status_bar()
        self._restore_layout()
        self.queue.loaded.connect(self._on_queue_loaded)
        self.queue.connection_changed.connect(self._on_queue_connection_changed)
        self.queue.error.connect(self._on_queue_error)
        # A write made here: the hub reads the feed now, and every view refreshes what it names.
        self.actions_.changed.connect(context.hub.poll_now)
        self.actions_.message.connect(self._show_message)
        self.actions_.major_declared.connect(self.open_war_room)
        self.table.incident_activated.connect(self.incident_open_requested)
        self.incident_open_requested.connect(self._on_incident_open_requested)
        self.calls = install_call_logging(
            self,
            context,
            on_message=self._show_message,
            on_open_incident=self.incident_open_requested.emit,
            on_major_declared=self.open_war_room,
        )
        self.editor.incident_saved.connect(self._on_editor_incident_saved)
        self.editor.closed.connect(self._on_editor_closed)
        self.welcome.sample_requested.connect(self._on_welcome_sample_requested)
        self.welcome.start_empty_requested.connect(self._on_welcome_start_empty_requested)
        self.welcome.connect_requested.connect(self._on_welcome_connect_requested)
        self.panel.filters.filter_chosen.connect(self._on_filters_filter_chosen)
        self.drills = install_drills(self, context, self.supervisor_menu, self._show_message)
        self.handovers = ShiftHandovers(context, self, self.supervisor_menu, self._show_message)
        self.status_page = StatusPageActions(
            context, self, self.supervisor_menu, self._show_message
        )

    # -- building ----------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            key = QKeySequence(shortcut)
            action.setShortcut(key)
            shown = key.toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shown})")
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self.actions_
        self.new_action = self._action(
            "&New incident", self._on_new_triggered, QKeySequence.StandardKey.New
        )
        self.open_action = self._action("&Open", self._on_open_triggered, "Return")
        self.open_action.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
        )  # the table handles Enter
        self.assign_me_action = self._action("Assign to &me", a.assign_to_me, "Ctrl+M")
        self.assign_action = self._action("&Assign…", a.assign, "Ctrl+Shift+A")
        self.declare_action = self._action("&Declare major…", a.declare_major, "Ctrl+Shift+M")
        self.link_action = self._action("&Link to major incident…", a.link_to_major, "Ctrl+K")
        self.war_room_action = self._action(
            "Open &war room", self._on_war_room_triggered, "Ctrl+Shift+W"
        )
        self.status_action = self._action("Change &status…", a.change_status, "Ctrl+Shift+S")
        self.search_action = self._action(
            "&Search", self._on_search_triggered, QKeySequence.StandardKey.Find
        )
        self.refresh_action = self._action(
            "&Refresh", self._on_refresh_triggered, QKeySequence.StandardKey.Refresh
        )
        self.default_sort_action = self._action(
            "Triage &order", self._on_default_sort_triggered, "Ctrl+0"
        )
        self.default_sort_action.setToolTip(
            "Major first, then breached, then priority, then SLA time left (Ctrl+0)"
        )
        self.wallboard_action = self._action("&Wallboard", self._on_wallboard_triggered, "F9")
        self.wallboard_action.setToolTip("Full-screen wallboard for the team's TV (F9)")
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.import_action = self._action("&Import incidents…", self._on_import_triggered)
        self.import_action.setToolTip("Import a ServiceNow incident log or another help desk's CSV")
        self.export_action = self._action("&Export this view…", self._on_export_triggered, "Ctrl+E")
        self.reports_action = self._action("&Reports…", self._on_reports_triggered, "Ctrl+R")
        self.review_action = self._action("Post-incident re&view…", self._on_review_triggered)

        file_menu = self.menuBar().addMenu("&File")
        for action in (self.import_action, self.export_action, None, self.quit_action):
            file_menu.addSeparator() if action is None else file_menu.addAction(action)
        incident_menu = self.menuBar().addMenu("&Incident")
        for action in (self.new_action, self.open_action, None, self.assign_me_action,
                       self.assign_action, self.status_action, None, self.declare_action,
                       self.war_room_action, self.link_action):  # fmt: skip
            incident_menu.addSeparator() if action is None else incident_menu.addAction(action)
        view_menu = self.menuBar().addMenu("&View")
        for action in (self.search_action, self.refresh_action, self.default_sort_action,
                       self.wallboard_action):  # fmt: skip
            view_menu.addAction(action)
        view_menu.addSeparator()
        for quick, button in self.panel.filters.buttons.items():
            filter_action = QAction(quick.label, self)
            filter_action.setShortcut(button.shortcut())
            filter_action.setShortcutContext(
                Qt.ShortcutContext.WidgetShortcut
            )  # the button owns it
            filter_action.triggered.connect(button.click)
            view_menu.addAction(filter_action)
        self.view_menu = view_menu
        self.connection_action = self._action("Team &database…", self._on_connection_triggered)
        self.connection_action.setToolTip("Connect to a team database, or back to a local file")
        supervisor_menu = self.menuBar().addMenu("S&upervisor")
        supervisor_menu.addAction(self.reports_action)
        supervisor_menu.addAction(self.review_action)
        supervisor_menu.addAction(self.wallboard_action)
        self.supervisor_menu = supervisor_menu
        self.menuBar().addMenu("&Settings").addAction(self.connection_action)
        # Hide what the signed-in role may not do (the services and the server refuse it anyway).
        role = self._ctx.services.actor.role
        for action, needs in ((self.declare_action, Action.DECLARE_MAJOR),
                              (self.import_action, Action.IMPORT_DATA)):  # fmt: skip
            action.setVisible(may(role, needs))
            action.setEnabled(may(role, needs))

        toolbar = QToolBar("Actions", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.assign_me_action, self.assign_action,
                       self.status_action, self.declare_action, self.war_room_action,
                       self.link_action, self.refresh_action):  # fmt: skip
            toolbar.addAction(action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        db = self._ctx.services.db
        kind = "Local file" if db.backend == "sqlite" else "Shared server"
        self.database_label = QLabel(f"{kind}: {db.description.removeprefix('local file ')}")
        self.database_label.setAccessibleName("Database in use")
        actor = self._ctx.services.actor
        self.agent_label = QLabel(f"Signed in as {actor.name} ({actor.role.value})")
        self.agent_label.setAccessibleName("Signed-in agent")
        self.health_label = QLabel("Connecting…")
        self.health_label.setAccessibleName("Connection health")
        # "This computer's clock is 10 min fast; …": shown only when it is more than 30 s off.
        self.clock_label = QLabel(self)
        self.clock_label.setAccessibleName("Clock check")
        self.clock_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.clock_label)
        # "Offline since 10:42 · 3 changes waiting": hidden while everything reaches the database.
        self.offline_button = QToolButton(self)
        self.offline_button.setObjectName("offlineStatus")
        self.offline_button.setAccessibleName("Offline status")
        self.offline_button.setToolTip("Show the changes kept on this computer")
        self.offline_button.setAutoRaise(True)
        self.offline_button.clicked.connect(self.show_outbox)
        self.statusBar().addPermanentWidget(self.offline_button)
        for label in (self.database_label, self.agent_label, self.health_label):
            self.statusBar().addPermanentWidget(label)
        self._ctx.clock.note_changed.connect(self._on_clock_note_changed)
        offline = self._ctx.offline
        offline.status_changed.connect(self._on_offline_status_changed)
        offline.reconnected.connect(self._on_offline_reconnected)
        self._on_offline_status_changed(offline.status)

    def _restore_layout(self) -> None:
        if (geometry := self.ui_state.window_geometry) is not None:
            self.restoreGeometry(geometry)
        if (state := self.ui_state.window_state) is not None:
            self.restoreState(state)
        if (header := self.ui_state.header_state) is not None:
            self.table.horizontalHeader().restoreState(header)
        self.panel.set_quick_filter(self.ui_state.quick_filter)

    def save_layout(self) -> None:
        self.ui_state.window_geometry = self.saveGeometry()
        self.ui_state.window_state = self.saveState()
        self.ui_state.header_state = self.table.horizontalHeader().saveState()
        self.ui_state.quick_filter = self.queue.model.quick_filter
        self.ui_state.sync()

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        self._ctx.runner.submit(
            lambda: Directory(self._ctx.services).agents(), self._on_agents_loaded, lambda _e: None
        )
        self.queue.start()
        self._ctx.offline.start()
        self.drills.watch.start()
        self.handovers.start()
        self.status_page.start()
        self._ctx.clock.start()

    def _on_agents_loaded(self, agents: list[AgentInfo]) -> None:
        me = next((a for a in agents if a.id == self._ctx.services.actor.agent_id), None)
        if me is not None and me.team_id is not None:
            self.queue.set_team(me.team_id)
            self.queue.model.set_quick_filter(self.queue.model.quick_filter)

    def _on_queue_loaded(self, count: int) -> None:
        self.health_label.setText(self.queue.status_text)
        if self._first_load:
            self._first_load = False
            empty = count == 0 and not self.ui_state.welcome_dismissed
            self.stack.setCurrentWidget(self.welcome if empty else self.panel)
            if not empty:
                self.table.setFocus()
                if self.queue.model.rowCount():
                    self.table.selectRow(0)
        self.queue_loaded.emit(count)

    def _on_queue_connection_changed(self, _healthy: bool, _message: str) -> None:
        if not self._ctx.offline.status.offline:  # the offline line says more
            self.health_label.setText(self.queue.status_text)  # connected, live or stale, why

    def _on_offline_status_changed(self, status: OutboxStatus) -> None:
        text = offline_text(status)
        self.offline_button.setText(f"⚠ {text}" if text else "")
        self.offline_button.setVisible(bool(text))
        if status.offline:
            self.health_label.setText("○ Offline: showing what was known then")
        elif not self._first_load:
            self.health_label.setText(self.queue.status_text)

    def _on_clock_note_changed(self, note: str) -> None:
        self.clock_label.setText(f"◷ {note}" if note else "")
        self.clock_label.setToolTip(
            "Times on this console come from the database server, so they agree with your "
            "colleagues'. Ask IT to set this computer's clock to synchronise automatically."
        )
        self.clock_label.setVisible(bool(note))

    def _on_offline_reconnected(self, report: ReplayReport) -> None:
        self._ctx.hub.poll_now()
        if report.sent or report.conflicts:
            refused = (
                f"; {len(report.conflicts)} refused (see the outbox)" if report.conflicts else ""
            )
            self._show_message(f"Back online: {len(report.sent)} kept changes sent{refused}.")

    def show_outbox(self) -> None:
        from ui.live.outbox_window import OutboxWindow  # only when asked for

        window = OutboxWindow(self._ctx.offline, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def _on_queue_error(self, message: str) -> None:
        self._show_message(message)

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    # -- slots -------------------------------------------------------------------------------

    def _on_incident_open_requested(self, incident_id: int) -> None:
        if self.editor.has_unsaved_changes() and incident_id != self.editor.incident_id():
            answer = QMessageBox.question(
                self,
                "Unsaved changes",
                "The incident you are editing has unsaved changes. Discard them?",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        if incident_id:
            self.editor.load_incident(incident_id)
        else:
            self.editor.new_incident()
        self.editor_dock.show()
        self.editor_dock.raise_()
        self.editor.form.title.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_editor_incident_saved(self, incident_id: int) -> None:
        self._ctx.hub.poll_now()
        self.table.select_incident(incident_id)

    def _on_editor_closed(self) -> None:
        self.editor_dock.hide()
        self.table.setFocus()

    def _on_new_triggered(self) -> None:
        self.incident_open_requested.emit(0)  # 0: a new incident

    def _on_open_triggered(self) -> None:
        incident_id = self.table.current_incident_id()
        if incident_id is not None:
            self.incident_open_requested.emit(incident_id)

    def _on_search_triggered(self) -> None:
        self.stack.setCurrentWidget(self.panel)
        self.panel.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.panel.search.selectAll()

    def _on_refresh_triggered(self) -> None:
        self._show_message("Reloading the queue…")
        self.queue.reload()

    def _on_default_sort_triggered(self) -> None:
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.queue.model.reset_sort()

    def _on_war_room_triggered(self) -> None:
        incident_id = self.table.current_incident_id()
        row = self.queue.model.row_for_id(incident_id) if incident_id is not None else None
        if row is None or not row.major:
            self._show_message("Select a major incident to open its war room.")
            return
        self.open_war_room(row.id)

    def open_war_room(self, incident_id: int) -> WarRoomWindow:
        """One war-room window per major incident: a second request brings it to the front."""
        window = self._war_rooms.get(incident_id)
        if window is not None:
            window.raise_()
            window.activateWindow()
            return window
        from ui.war_room import open_war_room

        window = open_war_room(self._ctx, incident_id, self)  # deletes itself when closed
        self.drills.attach_window(window)
        self._war_rooms[incident_id] = window
        window.destroyed.connect(lambda: self._war_rooms.pop(incident_id, None))
        window.incident_open_requested.connect(self.incident_open_requested)
        return window

    def _on_import_triggered(self) -> None:
        from ui.import_dialog.import_dialog import open_import_dialog

        dialog = open_import_dialog(self._ctx, self)
        dialog.running_changed.connect(
            lambda running: self.bulk_change.emit(True) if running else self._reload_after_bulk()
        )

    def _reload_after_bulk(self) -> None:
        """Reload the queue, and say the bulk change is over once it shows the result."""
        self.queue.loaded.connect(
            lambda _count: self.bulk_change.emit(False), Qt.ConnectionType.SingleShotConnection
        )
        self.queue.reload()

    def _on_review_triggered(self) -> None:
        incident_id = self.table.current_incident_id()
        row = self.queue.model.row_for_id(incident_id) if incident_id is not None else None
        if row is None or not row.major:
            self._show_message("Select a resolved major incident to review.")
            return
        from ui.review.review_window import open_review

        self.drills.attach_window(open_review(self._ctx, row.id, self))

    def _on_reports_triggered(self) -> None:
        from ui.reports.reports_window import open_reports

        self.drills.attach_window(open_reports(self._ctx, self))

    def _on_export_triggered(self) -> None:
        model = self.queue.model
        rows = [model.row_at(n) for n in range(model.rowCount())]
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export this view", "incidents.csv", "CSV (*.csv);;JSON (*.json)"
        )
        if not path:
            return
        fmt = "json" if path.endswith(".json") or chosen.startswith("JSON") else "csv"
        now = self._ctx.services.clock.now()

        def export() -> int:
            from app.services.reports.record_exports import export_queue_view

            return export_queue_view(rows, now, fmt, Path(path))

        self._ctx.runner.submit(
            export,
            lambda count: self._show_message(f"Exported {count} incidents to {path}"),
            lambda exc: self._show_message(f"Export failed: {exc}"),
        )

    def _on_wallboard_triggered(self) -> None:
        if self._wallboard is None:
            from ui.wallboard import open_wallboard

            self._wallboard = open_wallboard(self._ctx, self)
            self.drills.attach_window(self._wallboard)
            self._wallboard.destroyed.connect(self._on_wallboard_destroyed)
        else:
            self._wallboard.raise_()
            self._wallboard.activateWindow()

    def _on_wallboard_destroyed(self) -> None:
        self._wallboard = None

    def _on_filters_filter_chosen(self, _value: str) -> None:
        self.ui_state.quick_filter = self.queue.model.quick_filter

    def _on_welcome_sample_requested(self) -> None:
        self.welcome.set_busy("Loading the sample… this takes a few seconds.")
        ctx = self._ctx.services

        def loaded(count: int) -> None:
            self.welcome.set_busy("")
            self._show_message(f"Loaded the sample: {count} incidents.")
            self.stack.setCurrentWidget(self.panel)
            self.panel.set_quick_filter(QuickFilter.ALL_OPEN)
            self._reload_after_bulk()
            self.table.setFocus()

        def failed(exc: Exception) -> None:
            self.welcome.show_connect_result(str(exc))
            self._reload_after_bulk()

        from app.services.admin.demo import load_demo

        self.bulk_change.emit(True)
        self._ctx.runner.submit(lambda: load_demo(ctx), loaded, failed)

    def _on_welcome_start_empty_requested(self) -> None:
        self.ui_state.welcome_dismissed = True
        self.stack.setCurrentWidget(self.panel)
        self.table.setFocus()

    def _on_welcome_connect_requested(self) -> None:
        self._on_connection_triggered()

    def _on_connection_triggered(self) -> None:
        ctx = self._ctx
        from ui.connection.connection_dialog import choose_database

        url = choose_database(ctx.settings, ctx.vault, ctx.runner, self)
        if url is not None:  # tested in the dialog; the console reopens on it
            self.database_switch_requested.emit(url)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.queue.stop()
        self.calls.stop()
        self.drills.watch.stop()
        self.handovers.stop()
        self.status_page.stop()
        self.editor.stop()
        super().closeEvent(event)
