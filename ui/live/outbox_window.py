"""The outbox window: what this computer kept while the database was unreachable, what is
still waiting, and what the database refused on replay (a conflict) with the reason. The agent
can try again now, retry a refused change after fixing what it needed, copy its words, or
discard it. Nothing leaves the outbox without the agent's say-so unless it reached the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.adapters.outbox_store import CONFLICT, OutboxEntry
from app.domain.status_update import local_clock
from app.services.offline.outbox import OutboxStatus, ReplayReport
from ui.live.offline_monitor import OfflineMonitor, offline_text
from ui.model_index import ModelIndex

COLUMNS = ("Made at", "Change", "State")


class OutboxModel(QAbstractTableModel):
    """Outbox entries, oldest first; a refused one says why in its State column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[OutboxEntry] = []
        self._away: set[str] = set()  # op_ids kept for another database

    def set_entries(self, entries: Sequence[OutboxEntry], away: Sequence[OutboxEntry] = ()) -> None:
        self.beginResetModel()
        self._entries = [*entries, *away]
        self._away = {entry.op_id for entry in away}
        self.endResetModel()

    def is_away(self, entry: OutboxEntry) -> bool:
        """Kept for another database: it cannot be sent from here."""
        return entry.op_id in self._away

    def entry(self, row: int) -> OutboxEntry:
        return self._entries[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        refused = entry.state == CONFLICT
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return local_clock(entry.recorded_at)
            if index.column() == 1:
                return entry.summary
            if self.is_away(entry):
                return f"Kept for another database ({entry.place})"
            return f"Refused: {entry.problem}" if refused else "Waiting to send"
        if role == Qt.ItemDataRole.ToolTipRole and self.is_away(entry):
            return (
                "Sent when Calmdesk connects to that database again (any address that reaches "
                "it). Copy its words to enter it here instead."
            )
        if role == Qt.ItemDataRole.ToolTipRole and refused:
            return entry.problem
        return None


class OutboxWindow(QDialog):
    def __init__(self, monitor: OfflineMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._monitor = monitor
        self.setWindowTitle("Changes kept on this computer")
        self.setObjectName("outboxWindow")
        self.resize(760, 360)
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.model = OutboxModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Kept changes")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.try_button = QPushButton("&Try now", self)
        self.retry_button = QPushButton("&Retry selected", self)
        self.copy_button = QPushButton("&Copy words", self)
        self.discard_button = QPushButton("&Discard selected…", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        for button in (self.try_button, self.retry_button, self.copy_button, self.discard_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.try_button.clicked.connect(self._on_try_button_clicked)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.copy_button.setShortcut(QKeySequence.StandardKey.Copy)
        self.discard_button.clicked.connect(self._on_discard_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        monitor.status_changed.connect(self._on_monitor_status_changed)
        monitor.reconnected.connect(self._on_monitor_reconnected)
        self.reload()

    def reload(self) -> None:
        outbox = self._monitor.outbox
        self.model.set_entries(outbox.entries(), outbox.elsewhere())
        self._show_status(self._monitor.status)
        if self.model.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> OutboxEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    # -- slots ---------------------------------------------------------------------------------

    def _on_try_button_clicked(self) -> None:
        self._monitor.try_now()

    def _on_retry_button_clicked(self) -> None:
        entry = self.selected()
        if entry is not None:
            self._monitor.retry(entry.op_id)

    def _on_copy_button_clicked(self) -> None:
        entry = self.selected()
        if entry is not None:
            QGuiApplication.clipboard().setText(_words(entry))

    def _on_discard_button_clicked(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        answer = QMessageBox.question(
            self,
            "Discard this change?",
            f"{entry.summary}\n\nIt will not be sent. Copy its words first if you need them.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Discard:
            self._monitor.discard(entry.op_id)

    def _on_monitor_status_changed(self, _status: OutboxStatus) -> None:
        self.reload()

    def _on_monitor_reconnected(self, _report: ReplayReport) -> None:
        self.reload()

    # -- helpers -------------------------------------------------------------------------------

    def _show_status(self, status: OutboxStatus) -> None:
        text = offline_text(status)
        if not text:
            text = "Everything reached the database. Nothing is waiting."
        elif status.offline:
            text += f". {status.reason} Calmdesk keeps trying by itself; Try now checks at once."
        self.headline.setText(text)

    def _update_buttons(self) -> None:
        entry = self.selected()
        away = entry is not None and self.model.is_away(entry)
        self.retry_button.setEnabled(entry is not None and entry.state == CONFLICT and not away)
        self.copy_button.setEnabled(entry is not None)
        self.discard_button.setEnabled(entry is not None and (entry.state == CONFLICT or away))


def _words(entry: OutboxEntry) -> str:
    """What the agent typed, to paste elsewhere: the summary and every text field."""
    lines = [entry.summary]
    body = entry.payload.get("body")
    fields = body if isinstance(body, dict) else entry.payload
    for name, value in fields.items():
        if isinstance(value, str) and value and name not in ("op_id", "client_uuid"):
            lines.append(f"{name.replace('_', ' ').capitalize()}: {value}")
    return "\n".join(lines)
