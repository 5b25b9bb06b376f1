"""Child incidents: the duplicates linked to this major incident. More are linked by number."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from app.services.war_room.dto import ChildRow
from ui.war_room.panel import Panel, fit_columns
from ui.war_room.rows_model import Column, SnapshotRowsModel
from ui.war_room.style import DONE_TEXT


class ChildrenModel(SnapshotRowsModel[ChildRow]):
    columns = (
        Column[ChildRow]("Number", lambda r: r.number),
        Column[ChildRow]("P", lambda r: r.priority.short),
        Column[ChildRow]("Title", lambda r: r.title, lambda r: r.title),
        Column[ChildRow]("Status", lambda r: r.status.label),
        Column[ChildRow]("Assignee", lambda r: r.assignee),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda r: r.id, parent)

    def cell_data(self, row: ChildRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not row.status.is_open:
            return DONE_TEXT
        return None


class ChildrenPanel(Panel):
    link_requested = Signal(str)  # the typed number
    open_requested = Signal(int)  # incident id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Child i&ncidents", "Child incidents", parent)
        self.model = ChildrenModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Linked child incidents")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.number = QLineEdit()
        self.number.setPlaceholderText("INC number to link, e.g. 1234")
        self.number.setAccessibleName("Number of the incident to link")
        self.link_button = QPushButton("Link")
        self.link_button.setAccessibleName("Link the incident as a child")
        linking = QHBoxLayout()
        linking.addWidget(self.number, 1)
        linking.addWidget(self.link_button)
        self.body.addWidget(self.view, 1)
        self.body.addLayout(linking)
        self.set_focus_target(self.view)
        self.link_button.clicked.connect(self._on_link_clicked)
        self.number.returnPressed.connect(self._on_link_clicked)
        self.view.activated.connect(self._on_view_activated)

    def show_children(self, children: tuple[ChildRow, ...]) -> None:
        self.model.set_rows(children)
        fit_columns(self.view)
        still_open = sum(1 for c in children if c.status.is_open)
        self.set_count(f"{len(children)} linked · {still_open} open" if children else "none")

    def clear_number(self) -> None:
        self.number.clear()

    def _on_link_clicked(self) -> None:
        text = self.number.text().strip()
        if text:
            self.link_requested.emit(text)

    def _on_view_activated(self, index: QModelIndex) -> None:
        self.open_requested.emit(self.model.row_at(index.row()).id)
