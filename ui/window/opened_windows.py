"""The windows and dialogs the main window's menus open: war rooms, the wallboard, reports, the
post-incident review, import, export, the outbox and the team-database dialog. None is on the
first screen, so each one's module is imported when it is first opened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from app.services.incidents.dto import IncidentRow
from ui.console_context import ConsoleContext
from ui.queue.queue_model import QueueModel

if TYPE_CHECKING:
    from ui.wallboard import Wallboard
    from ui.war_room import WarRoomWindow

AttachDrillBanner = Callable[[QWidget], object]  # gives a window its own drill banner


class OpenedWindows(QObject):
    message = Signal(str)  # for the status bar
    incident_open_requested = Signal(int)  # from a war room, or Go to incident
    database_switch_requested = Signal(str)  # a URL that answered "Test connection"
    import_running = Signal(bool)  # an import started (True) or ended (False)
    imported = Signal(int)  # an import finished: how many incidents it created or updated

    def __init__(
        self,
        context: ConsoleContext,
        window: QWidget,
        model: QueueModel,
        current_row: Callable[[], IncidentRow | None],
        attach_drill_banner: AttachDrillBanner,
    ) -> None:
        super().__init__(window)
        self._ctx = context
        self._window = window
        self._model = model
        self._current_row = current_row
        self._attach = attach_drill_banner
        self.wallboard: Wallboard | None = None
        self.war_rooms: dict[int, WarRoomWindow] = {}

    # -- war rooms and the wallboard ----------------------------------------------------------

    def open_current_war_room(self) -> None:
        row = self._current_row()
        if row is None or not row.major:
            self.message.emit("Select a major incident to open its war room.")
            return
        self.open_war_room(row.id)

    def open_war_room(self, incident_id: int) -> WarRoomWindow:
        """One war-room window per major incident: a second request brings it to the front."""
        window = self.war_rooms.get(incident_id)
        if window is not None:
            window.raise_()
            window.activateWindow()
            return window
        from ui.war_room import open_war_room

        window = open_war_room(self._ctx, incident_id, self._window)  # deletes itself when closed
        self._attach(window)
        self.war_rooms[incident_id] = window
        window.destroyed.connect(lambda: self.war_rooms.pop(incident_id, None))
        window.incident_open_requested.connect(self.incident_open_requested)
        return window

    def toggle_wallboard(self) -> None:
        """F9: the wallboard, or to the front when it is open."""
        if self.wallboard is None:
            from ui.wallboard import open_wallboard

            self.wallboard = open_wallboard(self._ctx, self._window)
            self._attach(self.wallboard)
            self.wallboard.destroyed.connect(self._on_wallboard_destroyed)
        else:
            self.wallboard.raise_()
            self.wallboard.activateWindow()

    def _on_wallboard_destroyed(self) -> None:
        self.wallboard = None

    # -- supervisor windows -------------------------------------------------------------------

    def open_reports(self) -> None:
        from ui.reports.reports_window import open_reports

        self._attach(open_reports(self._ctx, self._window))

    def open_review(self) -> None:
        row = self._current_row()
        if row is None or not row.major:
            self.message.emit("Select a resolved major incident to review.")
            return
        from ui.review.review_window import open_review

        self._attach(open_review(self._ctx, row.id, self._window))

    # -- any incident -------------------------------------------------------------------------

    def go_to_incident(self) -> None:
        """Ctrl+G: any incident by its number ('INC0001234', 'inc1234' or '1234'), open or long
        closed (the queue holds the open ones only), in the editor."""
        text, ok = QInputDialog.getText(
            self._window, "Go to incident", "Incident number (INC0001234, or just 1234):"
        )
        if not ok or not text.strip():
            return
        from app.services.incidents.reads import IncidentReads

        reads = IncidentReads(self._ctx.services)
        self._ctx.runner.submit(
            lambda: reads.find_by_number(text).id,
            self.incident_open_requested.emit,
            lambda exc: self.message.emit(str(exc)),
        )

    # -- files --------------------------------------------------------------------------------

    def open_import(self) -> None:
        from ui.import_dialog.import_dialog import open_import_dialog

        dialog = open_import_dialog(self._ctx, self._window)
        dialog.running_changed.connect(self.import_running)
        dialog.import_finished.connect(
            lambda report: self.imported.emit(report.incidents_created + report.incidents_updated)
        )

    def export_view(self) -> None:
        """Ctrl+E: the rows this view shows, in its order, to CSV or JSON."""
        model = self._model
        rows = [model.row_at(n) for n in range(model.rowCount())]
        path, chosen = QFileDialog.getSaveFileName(
            self._window, "Export this view", "incidents.csv", "CSV (*.csv);;JSON (*.json)"
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
            lambda count: self.message.emit(f"Exported {count} incidents to {path}"),
            lambda exc: self.message.emit(f"Export failed: {exc}"),
        )

    # -- this console -------------------------------------------------------------------------

    def show_outbox(self) -> None:
        from ui.live.outbox_window import OutboxWindow

        window = OutboxWindow(self._ctx.offline, self._window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    def choose_database(self) -> None:
        from ui.connection.connection_dialog import choose_database

        ctx = self._ctx
        url = choose_database(ctx.settings, ctx.vault, ctx.runner, self._window)
        if url is not None:  # tested in the dialog; the console reopens on it
            self.database_switch_requested.emit(url)
