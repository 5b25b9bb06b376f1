"""The queue table: keyboard-first, sortable, with a sensible first layout."""

from __future__ import annotations

from PySide6.QtCore import QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from app.services.incidents.queue_filters import COLUMNS, Column
from ui.queue.queue_model import QueueModel
from ui.roles import Roles

DEFAULT_WIDTHS = {
    Column.NUMBER: 96,
    Column.PRIORITY: 34,
    Column.TITLE: 360,
    Column.SERVICE: 84,
    Column.STATUS: 112,
    Column.ASSIGNEE: 108,
    Column.TEAM: 120,
    Column.AGE: 64,
    Column.SLA: 116,
    Column.CALLS: 44,
    Column.UPDATED: 96,
}


class QueueView(QTableView):
    incident_activated = Signal(int)  # Enter or double-click on a row

    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Incident queue")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(False)  # the header click sorts through the model, see below
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.sortIndicatorChanged.connect(model.sort)
        for column, width in DEFAULT_WIDTHS.items():
            self.setColumnWidth(COLUMNS.index(column), width)
        header.setSectionResizeMode(COLUMNS.index(Column.TITLE), QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(lambda index: self.incident_activated.emit(index.data(Roles.ID)))
        # When the whole queue arrives under its first page, the row at the top stays there.
        self._top_row = QPersistentModelIndex()
        model.layoutAboutToBeChanged.connect(self._on_model_layout_about_to_be_changed)
        model.completed.connect(self._on_model_completed)

    def current_incident_id(self) -> int | None:
        index = self.currentIndex()
        return index.data(Roles.ID) if index.isValid() else None

    def selected_incident_ids(self) -> list[int]:
        return [index.data(Roles.ID) for index in self.selectionModel().selectedRows()]

    def select_incident(self, incident_id: int) -> None:
        model = self.model()
        assert isinstance(model, QueueModel)
        position = model.position_of(incident_id)
        if position is not None:
            self.selectRow(position)
            self.scrollTo(model.index(position, 0))

    def _on_model_layout_about_to_be_changed(self) -> None:
        self._top_row = QPersistentModelIndex(self.indexAt(QPoint(0, 0)))

    def _on_model_completed(self) -> None:
        top, self._top_row = self._top_row, QPersistentModelIndex()
        if top.isValid():
            model = self.model()
            self.updateGeometries()  # the scroll range for the new row count, before scrolling
            self.scrollTo(model.index(top.row(), top.column()), self.ScrollHint.PositionAtTop)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            incident_id = self.current_incident_id()
            if incident_id is not None:
                self.incident_activated.emit(incident_id)
                return
        super().keyPressEvent(event)
