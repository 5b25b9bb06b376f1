"""The update history: every status update posted, newest first. Choosing one points the
composer's delivery buttons at it (to resend an earlier update, or retry one)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.domain.clock import made_offline_note
from app.domain.status_update import local_clock
from app.services.war_room.dto import StatusUpdateRow
from ui.war_room.panel import Panel, fit_columns
from ui.war_room.pending import WAITING_TEXT
from ui.war_room.rows_model import Column, SnapshotRowsModel


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


class UpdateHistoryModel(SnapshotRowsModel[StatusUpdateRow]):
    columns = (
        Column[StatusUpdateRow]("#", lambda r: "Final" if r.final else str(r.sequence)),
        Column[StatusUpdateRow](
            "Posted", lambda r: local_clock(r.posted_at) + made_offline_note(r.made_at, r.posted_at)
        ),
        Column[StatusUpdateRow]("To", lambda r: r.audience.short),
        Column[StatusUpdateRow]("By", lambda r: r.author),
        Column[StatusUpdateRow](
            "What happened", lambda r: _first_line(r.what_happened), lambda r: r.text
        ),
    )
    waiting_column = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda r: r.id, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def cell_data(self, row: StatusUpdateRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.final and column == 4:
            return self._bold
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 4:
            return row.text
        return None


class HistoryPanel(Panel):
    update_chosen = Signal(object)  # StatusUpdateRow or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("&Update history", "Update history", parent)
        self.model = UpdateHistoryModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Status updates posted")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(self.view, 1)
        self.set_focus_target(self.view)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)

    def show_updates(
        self, updates: tuple[StatusUpdateRow, ...], waiting: frozenset[int] = frozenset()
    ) -> None:
        """`waiting`: updates posted while the database was unreachable, not yet sent."""
        newest = self.model.rows[0].id if self.model.rows else None
        self.model.set_rows(updates, waiting)
        fit_columns(self.view)
        unsent = sum(1 for u in updates if u.id in waiting)
        self.set_count(f"{len(updates)} posted" + (f" · {unsent} {WAITING_TEXT}" if unsent else ""))
        # A new update arrived: point the delivery buttons at it.
        if updates and updates[0].id != newest:
            self.view.selectRow(0)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        self.update_chosen.emit(self.model.row_at(rows[0].row()) if rows else None)
