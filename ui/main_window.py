"""The main window: the incident queue in the centre, the incident editor docked on the right,
actions in menus and the toolbar, and a status bar that says where the data lives and who is
signed in.

Only the queue, the menus and the status bar are built before the first paint. The editor's dock
(ui/window/editor_dock.py) and what the menus open (ui/window/opened_windows.py) are built on
first use; the menus themselves are in ui/window/menus.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QToolButton, QVBoxLayout, QWidget

from app.domain.roles import Action, may
from app.services.incidents.dto import AgentInfo, IncidentRow
from app.services.incidents.queue_filters import QuickFilter, Viewer
from ui.queue.queue_day import local_midnight_utc
from ui.queue.queue_model import QueueModel
from ui.queue.queue_panel import QueuePanel
from ui.ui_state import UiState
from ui.welcome_view import WelcomeView
from ui.window.menus import build_menus
from ui.window.opening import Opening

if TYPE_CHECKING:
    from app.services.offline.outbox import OutboxStatus, ReplayReport
    from ui.calls.installer import CallLogging
    from ui.console_context import ConsoleContext
    from ui.drills.install import DrillConsole
    from ui.editor.incident_editor import IncidentEditor
    from ui.handover.install import ShiftHandovers
    from ui.queue.queue_controller import QueueController
    from ui.queue_actions import QueueActions
    from ui.status_page.install import StatusPageActions
    from ui.war_room import WarRoomWindow
    from ui.window.editor_dock import EditorDock
    from ui.window.opened_windows import OpenedWindows


class MainWindow(QMainWindow):
    queue_loaded = Signal(int)  # the queue's first rows are shown (what the agent sees first)
    queue_complete = Signal(int)  # the whole queue is in (rows): after each load and reload
    database_switch_requested = Signal(str)  # a URL that answered "Test connection"
    incident_open_requested = Signal(int)  # for the editor dock
    # This window is loading the sample or importing a file (True), or has finished and the
    # queue shows the result (False): a bulk change, which the notifications summarise once.
    bulk_change = Signal(bool)
    # The first screen is up (the queue painted, or its error shown) and the rest of the console
    # has started: calls, drills, shift handovers, the status page. Once per window.
    settled = Signal()
    closing = Signal()  # the window is closing (its close event)

    def __init__(
        self,
        context: ConsoleContext | None = None,
        team_id: int | None = None,
        *,
        opening: Opening | None = None,
    ) -> None:
        """The whole window on `context`; or, with only an `opening`, the window as it first
        paints (the queue, its menus and status bar), waiting for `attach` to bring the rest."""
        super().__init__()
        self._first_load = True
        self._settled = False
        self._closed = False
        self._waiting: list[Callable[[], object]] | None = []  # None once attached
        if context is not None:
            opening = Opening.of(context)
        assert opening is not None, "a window needs its context or its opening"
        self._opening = opening
        self.setWindowTitle("Calmdesk")
        # The first size fits the screen it opens on (a 1280x800 laptop cut the search box and
        # the status bar); a saved layout, restored later, wins.
        room = self.screen().availableGeometry()
        self.resize(min(1360, room.width()), min(800, room.height()))
        self.ui_state = UiState(opening.ui_state_file, opening.actor.login)
        self._viewer_of: Callable[[], Viewer] = self._opening_viewer
        self.queue_model = QueueModel(lambda: self._viewer_of(), self)
        self.panel = QueuePanel(self.queue_model, self)
        self.table = self.panel.table
        self.welcome = WelcomeView(self)
        self.welcome.import_button.setVisible(may(opening.actor.role, Action.IMPORT_DATA))
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.panel)
        self.stack.addWidget(self.welcome)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        self.menus = build_menus(self, opening.actor.role)
        self.supervisor_menu = self.menus.supervisor_menu
        self.view_menu = self.menus.view_menu
        self._build_status_bar()
        self._restore_layout()
        self.panel.filters.filter_chosen.connect(self._on_filters_filter_chosen)
        self.table.incident_activated.connect(self._on_table_incident_activated)
        if context is not None:
            self.attach(context, team_id)

    def _opening_viewer(self) -> Viewer:
        # Until the context (and the server's clock) is here: this computer's clock, the team
        # unknown. The first screen's rows were ordered by the database at this computer's now.
        now = datetime.now(UTC)
        return Viewer(self._opening.actor.agent_id, None, now, local_midnight_utc(now))

    def show_first_screen(self, rows: list[IncidentRow]) -> None:
        """The queue's first page, read before the context exists (app/services/first_screen):
        shown as the queue controller shows its first page. `start` then reads the whole queue
        and swaps it in under these rows (even when they were all of it: the selection and the
        scroll stay where the agent put them meanwhile)."""
        self.queue_model.set_rows(rows, complete=False)
        self.health_label.setText("● Connected")
        self._on_queue_page_loaded(len(rows))

    def attach(self, context: ConsoleContext, team_id: int | None = None) -> None:
        """Bring the rest of the window: the queue's live updates, the editor, the actions, the
        windows the menus open, calls, drills, handovers and the status page. What was asked
        for before (a key pressed, a call handed over) runs now."""
        from ui.calls import install_call_logging
        from ui.drills.install import install_drills
        from ui.handover.install import ShiftHandovers
        from ui.queue.queue_controller import QueueController
        from ui.queue_actions import QueueActions
        from ui.status_page.install import StatusPageActions
        from ui.window.editor_dock import EditorDock
        from ui.window.opened_windows import OpenedWindows

        self.context = context
        self._opening = Opening.of(context)
        self.queue: QueueController = QueueController(context, team_id, self, self.queue_model)
        self._viewer_of = self.queue.viewer
        self.editor_dock: EditorDock = EditorDock(context, self, self.queue.model.row_for_id)
        self.actions_: QueueActions = QueueActions(context, self.queue.model, self.table, self)
        self.windows: OpenedWindows = OpenedWindows(
            context, self, self.queue.model, self._current_row, self._attach_drill_banner
        )
        self._attach_status_bar()
        self._connect()
        self.calls: CallLogging = install_call_logging(
            self,
            context,
            on_message=self._show_message,
            on_open_incident=self.incident_open_requested.emit,
            on_major_declared=self.open_war_room,
        )
        self.drills: DrillConsole = install_drills(
            self, context, self.supervisor_menu, self._show_message
        )
        self.handovers: ShiftHandovers = ShiftHandovers(
            context, self, self.supervisor_menu, self._show_message
        )
        self.status_page: StatusPageActions = StatusPageActions(
            context, self, self.supervisor_menu, self._show_message
        )
        waiting, self._waiting = self._waiting or [], None
        for asked in waiting:
            asked()

    @property
    def attached(self) -> bool:
        """The whole window is here (see `attach`)."""
        return self._waiting is None

    def when_attached(self, do: Callable[[], object]) -> None:
        """Do it now, or once `attach` brought what it needs: a shortcut pressed in the moment
        between the first paint and the rest is not lost."""
        if self._waiting is None:
            do()
        else:
            self._waiting.append(do)

    @property
    def editor(self) -> IncidentEditor:
        """The incident editor, built the first time it is needed."""
        return self.editor_dock.editor

    # -- building ----------------------------------------------------------------------------

    def _connect(self) -> None:
        self.queue.page_loaded.connect(self._on_queue_page_loaded)
        self.queue.loaded.connect(self._on_queue_loaded)
        self.queue.connection_changed.connect(self._on_queue_connection_changed)
        self.queue.error.connect(self._show_message)
        self.queue.error.connect(self._settle_soon)
        # A write made here: the hub reads the feed now, and every view refreshes what it names.
        self.actions_.changed.connect(self.context.hub.poll_now)
        self.actions_.message.connect(self._show_message)
        self.actions_.major_declared.connect(self.open_war_room)
        self.incident_open_requested.connect(self.editor_dock.open_incident)
        self.editor_dock.incident_saved.connect(self._on_editor_incident_saved)
        self.editor_dock.closed.connect(self.table.setFocus)
        self.windows.message.connect(self._show_message)
        self.windows.incident_open_requested.connect(self.incident_open_requested)
        self.windows.database_switch_requested.connect(self.database_switch_requested)
        self.windows.import_running.connect(self._on_import_running)
        self.welcome.sample_requested.connect(self._on_welcome_sample_requested)
        self.welcome.start_empty_requested.connect(self._on_welcome_start_empty_requested)
        self.welcome.connect_requested.connect(self.windows.choose_database)
        self.welcome.import_requested.connect(self.windows.open_import)
        self.windows.imported.connect(self._on_imported)

    def _build_status_bar(self) -> None:
        opening = self._opening
        self.database_label = QLabel(self)
        self.database_label.setAccessibleName("Database in use")
        self.agent_label = QLabel(self)
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
        self.offline_button.setVisible(False)
        self.statusBar().addPermanentWidget(self.offline_button)
        for label in (self.database_label, self.agent_label, self.health_label):
            self.statusBar().addPermanentWidget(label)
        self._show_who_and_where(opening)

    def _show_who_and_where(self, opening: Opening) -> None:
        self.database_label.setText(opening.where)
        actor = opening.actor
        self.agent_label.setText(f"Signed in as {actor.name} ({actor.role.value})")

    def _attach_status_bar(self) -> None:
        self._show_who_and_where(self._opening)
        self.offline_button.clicked.connect(self.windows.show_outbox)
        self.context.clock.note_changed.connect(self._on_clock_note_changed)
        offline = self.context.offline
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
        self.ui_state.quick_filter = self.queue_model.quick_filter
        self.ui_state.sync()

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start reading: the queue (the whole of it, when its first screen is already shown),
        who is in which team, the outbox and the server's clock."""
        from app.services.directory.reads import Directory

        ctx = self.context
        ctx.runner.submit(
            lambda: Directory(ctx.services).agents(), self._on_agents_loaded, lambda _e: None
        )
        self.queue.start(first_page_shown=self.queue_shown)
        ctx.offline.start()
        ctx.clock.start()

    @property
    def queue_shown(self) -> bool:
        """The queue has loaded once."""
        return not self._first_load

    def _settle_soon(self, *_why: object) -> None:
        """Start the rest once the first screen is up (the queue painted, or its error shown):
        queued behind the paint."""
        if not self._settled:
            self._settled = True
            QTimer.singleShot(0, self, lambda: self.when_attached(self._start_the_rest))

    def _start_the_rest(self) -> None:
        if self._closed:
            return
        self.calls.start()
        self.drills.start()
        self.handovers.start()
        self.status_page.start()
        self.settled.emit()

    def _on_agents_loaded(self, agents: list[AgentInfo]) -> None:
        me = next((a for a in agents if a.id == self.context.services.actor.agent_id), None)
        if me is not None and me.team_id is not None:
            self.queue.set_team(me.team_id)
            self.queue.model.set_quick_filter(self.queue.model.quick_filter)

    def _on_queue_loaded(self, count: int) -> None:
        self.health_label.setText(self.queue.status_text)
        self.queue_complete.emit(count)

    def _on_queue_page_loaded(self, count: int) -> None:
        if self.attached:
            self.health_label.setText(self.queue.status_text)
        if self._first_load:
            self._first_load = False
            empty = count == 0 and not self.ui_state.welcome_dismissed
            self.stack.setCurrentWidget(self.welcome if empty else self.panel)
            if empty:
                self._unless_history_is_there()
            else:
                self.table.setFocus()
                if self.queue_model.rowCount():
                    self.table.selectRow(0)
        self.queue_loaded.emit(count)
        self._settle_soon()

    def _on_queue_connection_changed(self, _healthy: bool, _message: str) -> None:
        if not self.context.offline.status.offline:  # the offline line says more
            self.health_label.setText(self.queue.status_text)  # connected, live or stale, why

    def _on_offline_status_changed(self, status: OutboxStatus) -> None:
        from ui.live.offline_monitor import offline_text

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
        self.context.hub.poll_now()
        if report.sent or report.conflicts:
            refused = (
                f"; {len(report.conflicts)} refused (see the outbox)" if report.conflicts else ""
            )
            self._show_message(f"Back online: {len(report.sent)} kept changes sent{refused}.")

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    # -- what the menus and keys do -----------------------------------------------------------

    def new_incident(self) -> None:
        self.incident_open_requested.emit(0)  # 0: a new incident

    def open_current(self) -> None:
        incident_id = self.table.current_incident_id()
        if incident_id is not None:
            self.incident_open_requested.emit(incident_id)

    def focus_search(self) -> None:
        self.stack.setCurrentWidget(self.panel)
        self.panel.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.panel.search.selectAll()

    def reload_queue(self) -> None:
        self._show_message("Reloading the queue…")
        self.queue.reload()

    def triage_order(self) -> None:
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.queue_model.reset_sort()

    def open_war_room(self, incident_id: int) -> WarRoomWindow:
        return self.windows.open_war_room(incident_id)

    def _current_row(self) -> IncidentRow | None:
        incident_id = self.table.current_incident_id()
        return self.queue_model.row_for_id(incident_id) if incident_id is not None else None

    def _attach_drill_banner(self, window: QWidget) -> object:
        return self.drills.attach_window(window)

    def _on_editor_incident_saved(self, incident_id: int) -> None:
        self.context.hub.poll_now()
        self.table.select_incident(incident_id)

    def _on_import_running(self, running: bool) -> None:
        if running:
            self.bulk_change.emit(True)
        else:
            self._reload_after_bulk()

    def _reload_after_bulk(self) -> None:
        """Reload the queue, and say the bulk change is over once it shows the result."""
        self.queue.loaded.connect(
            lambda _count: self.bulk_change.emit(False), Qt.ConnectionType.SingleShotConnection
        )
        self.queue.reload()

    def _on_table_incident_activated(self, incident_id: int) -> None:
        self.when_attached(lambda: self.incident_open_requested.emit(incident_id))

    def _on_filters_filter_chosen(self, _value: str) -> None:
        self.ui_state.quick_filter = self.queue_model.quick_filter

    def _on_welcome_sample_requested(self) -> None:
        self.welcome.set_busy("Loading the sample… this takes a few seconds.")
        ctx = self.context.services

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
        self.context.runner.submit(lambda: load_demo(ctx), loaded, failed)

    def _unless_history_is_there(self) -> None:
        """The welcome is for a database with no incident at all: one whose incidents are all
        closed (imported history, a quiet desk) goes to its (empty) queue instead."""
        from app.services.incidents.reads import IncidentReads

        reads = IncidentReads(self.context.services)
        self.context.runner.submit(reads.count, self._on_incidents_counted, lambda _exc: None)

    def _on_incidents_counted(self, count: int) -> None:
        if count and self.stack.currentWidget() is self.welcome:
            self.stack.setCurrentWidget(self.panel)
            self.table.setFocus()
            self._show_message(
                f"No open incidents. {count:,} in the history: Ctrl+G opens one by its number."
            )

    def _on_imported(self, incidents: int) -> None:
        if incidents and self.stack.currentWidget() is self.welcome:
            self.stack.setCurrentWidget(self.panel)
            self.panel.set_quick_filter(QuickFilter.ALL_OPEN)

    def _on_welcome_start_empty_requested(self) -> None:
        self.ui_state.welcome_dismissed = True
        self.stack.setCurrentWidget(self.panel)
        self.table.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.closing.emit()
        self.save_layout()
        if not self.attached:
            super().closeEvent(event)
            return
        self.queue.stop()
        self.calls.stop()
        self.drills.stop()
        self.handovers.stop()
        self.status_page.stop()
        self.editor_dock.stop()
        super().closeEvent(event)
