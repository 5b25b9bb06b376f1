"""The callback list: callers who asked to be called back, once their incident is resolved.
"Mark called back" records it on the incident's timeline and takes the caller off the list."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.calls.dto import CallRow
from ui.calls.call_list import call_table
from ui.calls.call_model import CallListModel
from ui.calls.controller import CallsController
from ui.queue.queue_day import local_midnight_utc
from ui.roles import Roles


class CallbackPanel(QWidget):
    count_changed = Signal(int)
    message = Signal(str)
    called_back = Signal(object)  # the CallRow, after it was recorded

    def __init__(self, controller: CallsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        clock = controller.context.services.clock
        self.model = CallListModel(clock.now, lambda: local_midnight_utc(clock.now()), self)
        self.table = call_table(self.model, "Callback list", self)
        self.explain = QLabel(
            "Callers who asked to be called back, now that their incident is resolved.", self
        )
        self.explain.setObjectName("hint")
        self.mark_button = QPushButton("&Mark called back", self)
        self.mark_button.setToolTip("Record that you called the selected callers back")
        bar = QHBoxLayout()
        bar.addWidget(self.explain, 1)
        bar.addWidget(self.mark_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.mark_button.clicked.connect(self._on_mark_button_clicked)
        controller.calls_changed.connect(self.reload)

    def reload(self) -> None:
        reads = self._controller.reads
        self._controller.runner.submit(reads.callbacks_due, self._on_rows, self._on_error)

    def mark_selected(self) -> None:
        ids = [i.data(Roles.ID) for i in self.table.selectionModel().selectedRows()]
        if not ids:
            self.message.emit("Select the callers you called back first.")
            return
        commands = self._controller.commands
        self._controller.runner.submit(
            lambda: commands.mark_all_called_back(ids),
            self._on_marked,
            self._on_error,
        )

    def _on_rows(self, rows: list[CallRow]) -> None:
        self.model.set_rows(rows)
        self.count_changed.emit(len(rows))

    def _on_marked(self, rows: list[CallRow]) -> None:
        names = ", ".join(r.caller or "a caller" for r in rows)
        self.message.emit(f"Recorded the callback to {names} on the timeline.")
        for row in rows:
            self.called_back.emit(row)
        self._controller.wrote()
        self.reload()

    def _on_error(self, exc: Exception) -> None:
        self.message.emit(str(exc))

    def _on_mark_button_clicked(self) -> None:
        self.mark_selected()
