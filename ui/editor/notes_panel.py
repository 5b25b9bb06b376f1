"""The note box and the incident's recent timeline, below the form.

Notes never conflict (they do not change the incident), so this panel adds them on its own and
reloads the timeline; the editor only tells it which incident is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CalmdeskError
from app.services.errors import InvalidInput
from app.services.incidents.dto import TimelineEntry
from app.services.incidents.reads import IncidentReads
from app.services.offline.operations import AddNote
from app.services.offline.outbox import OutboxStatus
from ui.editor.presentation import error_colour
from ui.editor.timeline_model import TimelineModel
from ui.live.offline_monitor import OfflineMonitor, kept_message
from ui.task_runner import TaskRunner

NOTE_HELP = "A note for the timeline: what you did, what you told the caller"


class NotesPanel(QWidget):
    note_added = Signal(int)  # the incident's id
    problem_reported = Signal(str)  # a readable message for the editor's banner
    notice = Signal(str)  # calm news for the banner: the note was kept on this computer

    def __init__(
        self,
        runner: TaskRunner,
        offline: OfflineMonitor,
        reads: IncidentReads,
        now: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner, self._offline, self._reads = runner, offline, reads
        self._incident_id: int | None = None
        self._number = ""  # the incident's number, for the outbox's list
        self._token = 0  # bumps per timeline request; late answers are dropped
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        note_label = QLabel("&Note")
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(56)
        note_label.setBuddy(self.note)
        self.add_note = QPushButton("Add note")
        self.add_note.setAccessibleName("Add note")
        self.add_note.setToolTip("Add the note to the timeline (Ctrl+Enter)")
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.add_note, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(note_label)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setObjectName("error_note")
        self.error.setAccessibleName("Note error")
        self.error.setStyleSheet(f"color: {error_colour()};")
        self.error.hide()
        layout.addWidget(self.error)
        timeline_label = QLabel("Time&line, newest first")
        self.model = TimelineModel(now, self)
        self.timeline = QListView()
        self.timeline.setAccessibleName("Timeline")
        self.timeline.setModel(self.model)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setWordWrap(True)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setMinimumHeight(220)
        timeline_label.setBuddy(self.timeline)
        layout.addWidget(timeline_label)
        layout.addWidget(self.timeline, 1)
        self.add_note.clicked.connect(self._on_add_note_clicked)
        self.note.textChanged.connect(self._on_note_text_changed)
        submit = QShortcut(QKeySequence("Ctrl+Return"), self.note)
        submit.setContext(Qt.ShortcutContext.WidgetShortcut)
        submit.activated.connect(self._on_add_note_clicked)
        self.show_incident(None)

    def show_incident(
        self,
        incident_id: int | None,
        timeline: Iterable[TimelineEntry] | None = None,
        number: str = "",
    ) -> None:
        """Follow `incident_id` (None: a new one, which cannot take notes until saved)."""
        self._token += 1
        self._incident_id, self._number = incident_id, number
        saved = incident_id is not None
        self.note.setEnabled(saved)
        self.add_note.setEnabled(saved)
        self.note.setPlaceholderText(NOTE_HELP if saved else "Save the incident to add notes")
        if timeline is not None:
            self.model.set_entries(timeline)
        elif saved:
            self.reload()
        else:
            self.model.clear()

    def reload(self) -> None:
        if self._incident_id is None:
            return
        self._token += 1
        token, incident_id = self._token, self._incident_id
        self._runner.submit(
            lambda: self._reads.timeline(incident_id),
            partial(self._on_timeline_loaded, token),
            self._on_timeline_failed,
        )

    def has_typed_note(self) -> bool:
        return bool(self.note.toPlainText().strip())

    def _on_add_note_clicked(self) -> None:
        if self._incident_id is None or not self.add_note.isEnabled():
            return
        incident_id, text = self._incident_id, self.note.toPlainText()
        # Through the outbox: kept on this computer first (so the field may clear), then sent;
        # with the database away, it waits there and is sent later.
        try:
            note = self._offline.keep(AddNote(incident_id, text, self._number))
        except CalmdeskError as exc:
            self._on_note_failed(text, exc)  # nothing kept: the text stays in the field
            return
        self.note.clear()
        self._offline.send(
            note,
            lambda _event_id: self._on_note_saved(incident_id),
            self._on_note_kept,
            partial(self._on_note_failed, text),
        )

    def _on_note_kept(self, status: OutboxStatus) -> None:
        self.notice.emit(kept_message("The note", status))

    def _on_note_saved(self, incident_id: int) -> None:
        if incident_id == self._incident_id:
            self.reload()
        self.note_added.emit(incident_id)

    def _on_note_failed(self, text: str, error: CalmdeskError) -> None:
        if not self.note.toPlainText().strip():
            self.note.setPlainText(text)  # refused: what was typed comes back to correct
        if isinstance(error, InvalidInput) and error.field == "note":
            self.error.setText(str(error))
            self.error.show()
            self.note.setAccessibleDescription(str(error))
        else:
            self.problem_reported.emit(f"The note was not added: {error}")

    def _on_note_text_changed(self) -> None:
        if not self.error.isHidden():
            self.error.hide()
            self.note.setAccessibleDescription("")

    def _on_timeline_loaded(self, token: int, entries: list[TimelineEntry]) -> None:
        if token == self._token:
            self.model.set_entries(entries)

    def _on_timeline_failed(self, error: CalmdeskError) -> None:
        self.problem_reported.emit(f"The timeline could not be read: {error}")
