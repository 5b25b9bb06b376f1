"""The checklist: the runbook's steps and the ad-hoc ones, ticked with a click or Space."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QWidget,
)

from app.domain.runbook import OWNER_ROLES
from app.domain.status_update import local_clock
from app.services.war_room.dto import ChecklistRow
from ui.model_index import ModelIndex
from ui.war_room.panel import Panel, fit_columns
from ui.war_room.pending import WAITING_TEXT
from ui.war_room.rows_model import Column, SnapshotRowsModel
from ui.war_room.style import DONE_TEXT

OWNER_LABELS = {
    "commander": "Commander",
    "comms": "Comms",
    "tech": "Tech",
    "service_desk": "Service desk",
    "vendor_manager": "Vendor mgr",
}


def short_name(name: str) -> str:
    """Sam Okafor -> Sam O.: enough to know who, in a narrow column."""
    first, _, rest = name.partition(" ")
    return f"{first} {rest[0]}." if rest else first


def _done(row: ChecklistRow) -> str:
    if row.done_at is None:
        return ""
    return f"{local_clock(row.done_at)} {short_name(row.done_by)}".strip()


def _done_tip(row: ChecklistRow) -> str:
    if row.done_at is None:
        return "Not done yet"
    return f"Ticked by {row.done_by or 'someone'} at {local_clock(row.done_at)}"


class ChecklistModel(SnapshotRowsModel[ChecklistRow]):
    """Columns: tick, step, owner, done (when and by whom)."""

    toggle_requested = Signal(int, bool)  # item id, done

    columns = (
        Column[ChecklistRow]("", lambda r: ""),
        Column[ChecklistRow]("Step", lambda r: r.text, lambda r: r.text),
        Column[ChecklistRow]("Owner", lambda r: OWNER_LABELS.get(r.owner_role, r.owner_role)),
        Column[ChecklistRow]("Done", _done, _done_tip),
    )
    waiting_column = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda r: r.id, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def cell_data(self, row: ChecklistRow, column: int, role: int) -> Any:
        if column == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            waiting = f" ({WAITING_TEXT})" if row.id in self._waiting else ""
            return f"{'Done' if row.done else 'Not done'}{waiting}: {row.text}"
        if row.done and role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return DONE_TEXT
        if role == Qt.ItemDataRole.FontRole and column == 1 and row.id == self.next_step:
            return self._bold  # the next thing to do stands out
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        # The row changes when the service says so: ask, and let the refresh repaint it.
        if role != Qt.ItemDataRole.CheckStateRole or not self._shown(index):
            return False
        row = self.row_at(index.row())
        self.toggle_requested.emit(row.id, not row.done)
        return False

    @property
    def next_step(self) -> int | None:
        return next((r.id for r in self.rows if not r.done), None)

    @property
    def progress(self) -> tuple[int, int]:
        return sum(1 for r in self.rows if r.done), len(self.rows)


class ChecklistView(QTableView):
    """Space ticks or unticks the current step, whichever cell has the focus."""

    def __init__(self, model: ChecklistModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setAccessibleName("Checklist steps")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, 26)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and self.currentIndex().isValid():
            row = self._model.row_at(self.currentIndex().row())
            self._model.toggle_requested.emit(row.id, not row.done)
            event.accept()
            return
        super().keyPressEvent(event)


class ChecklistPanel(Panel):
    add_requested = Signal(str, str)  # text, owner role

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("&Checklist", "Checklist", parent)
        self.model = ChecklistModel(self)
        self.view = ChecklistView(self.model, self)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Checklist progress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.new_step = QLineEdit()
        self.new_step.setPlaceholderText("Add a step…")
        self.new_step.setAccessibleName("New checklist step")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner of the new step")
        for role in OWNER_ROLES:
            self.owner.addItem(OWNER_LABELS[role], role)
        self.add_button = QPushButton("Add")
        self.add_button.setAccessibleName("Add the step")
        adding = QHBoxLayout()
        adding.addWidget(self.new_step, 1)
        adding.addWidget(self.owner)
        adding.addWidget(self.add_button)
        self.body.addWidget(self.progress)
        self.body.addWidget(self.view, 1)
        self.body.addLayout(adding)
        self.set_focus_target(self.view)
        self.add_button.clicked.connect(self._on_add_clicked)
        self.new_step.returnPressed.connect(self._on_add_clicked)

    def show_rows(
        self, rows: tuple[ChecklistRow, ...], waiting: frozenset[int] = frozenset()
    ) -> None:
        """`waiting`: items whose tick is kept on this computer, not yet sent."""
        self.model.set_rows(rows, waiting)
        fit_columns(self.view)
        done, total = self.model.progress
        self.set_count(f"{done}/{total} done")
        self.count.setAccessibleDescription(f"{done} of {total} steps done")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def clear_new_step(self) -> None:
        self.new_step.clear()

    def _on_add_clicked(self) -> None:
        text = self.new_step.text().strip()
        if text:
            self.add_requested.emit(text, str(self.owner.currentData()))
