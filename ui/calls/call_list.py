"""The call list: every call, newest first, with the filters Today, Unlinked, Callback pending and
one service, and a selection that can be linked to an incident in one go."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.services.calls.dto import CallRow, LinkOutcome
from app.services.calls.filters import CallFilter
from app.services.incidents.dto import NamedRef
from ui.calls.call_model import CALL_COLUMNS, CallColumn, CallListModel
from ui.calls.controller import CallsController
from ui.calls.link_dialog import LinkCallsDialog
from ui.queue.queue_day import local_midnight_utc
from ui.roles import Roles

WIDTHS = {
    CallColumn.TIME: 64,
    CallColumn.CALLER: 170,
    CallColumn.SERVICE: 84,
    CallColumn.SYMPTOM: 260,
    CallColumn.INCIDENT: 250,
    CallColumn.CALLBACK: 190,
    CallColumn.AGENT: 110,
}


def call_table(model: CallListModel, name: str, parent: QWidget) -> QTableView:
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSortIndicatorShown(True)
    header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    header.setSectionsClickable(True)
    header.setHighlightSections(False)
    header.sortIndicatorChanged.connect(model.sort)
    for column, width in WIDTHS.items():
        table.setColumnWidth(CALL_COLUMNS.index(column), width)
    header.setSectionResizeMode(
        CALL_COLUMNS.index(CallColumn.SYMPTOM), QHeaderView.ResizeMode.Stretch
    )
    return table


class CallListPanel(QWidget):
    message = Signal(str)
    linked = Signal(object)  # LinkOutcome
    loaded = Signal(int)  # rows loaded

    def __init__(self, controller: CallsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        clock = controller.context.services.clock
        self.model = CallListModel(clock.now, lambda: local_midnight_utc(clock.now()), self)
        self.filter_buttons: dict[CallFilter, QToolButton] = {}
        group = QButtonGroup(self)
        bar = QHBoxLayout()
        bar.setSpacing(4)
        for quick in CallFilter:
            button = QToolButton(self)
            button.setText(quick.label)
            button.setCheckable(True)
            button.setAccessibleName(f"Calls: {quick.label}")
            group.addButton(button)
            bar.addWidget(button)
            self.filter_buttons[quick] = button
            button.clicked.connect(lambda _c=False, q=quick: self.set_filter(q))
        self.filter_buttons[CallFilter.ALL].setChecked(True)
        self.service = QComboBox(self)
        self.service.setAccessibleName("Calls about service")
        self.service.addItem("All services", None)
        self.service.currentIndexChanged.connect(self._on_service_current_index_changed)
        bar.addSpacing(8)
        bar.addWidget(self.service)
        bar.addStretch(1)
        self.count = QLabel(self)
        self.count.setAccessibleName("Calls shown")
        bar.addWidget(self.count)
        self.link_button = QPushButton("&Link selected…", self)
        self.link_button.setToolTip("Link the selected calls to an incident")
        bar.addWidget(self.link_button)
        self.table = call_table(self.model, "Call list", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.link_button.clicked.connect(self._on_link_button_clicked)
        self.model.counts_changed.connect(self._on_model_counts_changed)
        controller.calls_changed.connect(self.reload)
        controller.services_loaded.connect(self._on_controller_services_loaded)
        self._on_controller_services_loaded(controller.services)

    def reload(self) -> None:
        reads = self._controller.reads
        self._controller.runner.submit(reads.rows, self._on_rows, self._on_error)

    def set_filter(self, quick: CallFilter) -> None:
        self.filter_buttons[quick].setChecked(True)
        self.model.set_filter(quick)

    def selected_ids(self) -> list[int]:
        return [i.data(Roles.ID) for i in self.table.selectionModel().selectedRows()]

    def link_selected(self, incident_id: int | None, number: str = "") -> None:
        """Link the selected calls to an incident (by id, or by a typed number)."""
        ids = self.selected_ids()
        if not ids:
            self.message.emit("Select the calls to link first.")
            return
        commands = self._controller.commands
        if incident_id is not None:
            target = incident_id

            def link() -> LinkOutcome:
                return commands.link_calls(ids, target)
        else:

            def link() -> LinkOutcome:
                return commands.link_calls_by_number(ids, number)

        self._controller.runner.submit(link, self._on_linked, self._on_error)

    def _on_rows(self, rows: list[CallRow]) -> None:
        self.model.set_rows(rows)
        self.loaded.emit(len(rows))

    def _on_linked(self, outcome: LinkOutcome) -> None:
        self.message.emit(
            f"Linked {outcome.linked} call{'s' if outcome.linked != 1 else ''} to "
            f"{outcome.number}; it has {outcome.calls} calls now."
        )
        self._controller.wrote()
        self.linked.emit(outcome)

    def _on_error(self, exc: Exception) -> None:
        self.message.emit(str(exc))

    def _on_link_button_clicked(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.message.emit("Select the calls to link first.")
            return
        dialog = LinkCallsDialog(self._controller.majors, len(ids), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        incident_id, number = dialog.choice()
        if incident_id is None and not number:
            self.message.emit("Choose a major incident or type an incident number.")
            return
        self.link_selected(incident_id, number)

    def _on_service_current_index_changed(self, _index: int) -> None:
        self.model.set_service(self.service.currentData())

    def _on_controller_services_loaded(self, services: list[NamedRef]) -> None:
        chosen = self.service.currentData()
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem("All services", None)
        for service in services:
            self.service.addItem(service.name, service.id)
        self.service.setCurrentIndex(max(0, self.service.findData(chosen)))
        self.service.blockSignals(False)

    def _on_model_counts_changed(self, shown: int, loaded: int) -> None:
        self.count.setText(f"{shown} shown · {loaded} loaded")
