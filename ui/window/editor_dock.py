"""The incident editor, docked on the right of the main window. It is not on the first screen, so
it is built (and its module imported) the first time an incident is opened or a new one started:
Ctrl+N or Enter before that builds it and then acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox

from app.services.incidents.dto import IncidentRow
from ui.console_context import ConsoleContext

if TYPE_CHECKING:
    from ui.editor.incident_editor import IncidentEditor

MIN_WIDTH = 480


class EditorDock(QDockWidget):
    incident_saved = Signal(int)  # the editor wrote this incident
    closed = Signal()  # the editor's Close: the dock is hidden, the queue takes the keyboard

    def __init__(
        self,
        context: ConsoleContext,
        window: QMainWindow,
        queue_row: Callable[[int], IncidentRow | None],
    ) -> None:
        super().__init__("Incident", window)
        self._ctx = context
        self._queue_row = queue_row
        self._editor: IncidentEditor | None = None
        self.setObjectName("incidentEditorDock")
        self.setMinimumWidth(MIN_WIDTH)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.hide()
        # A saved layout that had it open shows it at start: then it is on the first screen.
        self.visibilityChanged.connect(self._on_visibility_changed)

    @property
    def built(self) -> bool:
        return self._editor is not None

    @property
    def editor(self) -> IncidentEditor:
        """The editor, built on first use."""
        if self._editor is None:
            from ui.editor.incident_editor import IncidentEditor

            editor = IncidentEditor(self._ctx, self, queue_row=self._queue_row)
            editor.incident_saved.connect(self.incident_saved)
            editor.closed.connect(self._on_editor_closed)
            self.setWidget(editor)
            self._editor = editor
        return self._editor

    def open_incident(self, incident_id: int) -> None:
        """Show `incident_id` (0: a new incident) with the title focused; when the incident on
        screen has unsaved changes, only once the person agreed to discard them."""
        editor = self.editor
        if editor.has_unsaved_changes() and incident_id != editor.incident_id():
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
            editor.load_incident(incident_id)
        else:
            editor.new_incident()
        self.show()
        self.raise_()
        editor.form.title.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def stop(self) -> None:
        if self._editor is not None:
            self._editor.stop()

    def _on_visibility_changed(self, visible: bool) -> None:
        if visible and self._editor is None:
            _ = self.editor

    def _on_editor_closed(self) -> None:
        self.hide()
        self.closed.emit()
