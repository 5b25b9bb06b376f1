"""The queue panel: quick filters and search above the table, a count below."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.services.incidents.queue_filters import QuickFilter
from ui.queue.filter_bar import QuickFilterBar
from ui.queue.queue_model import QueueModel
from ui.queue.queue_view import QueueView

SEARCH_DEBOUNCE_MS = 60


class QueuePanel(QWidget):
    def __init__(self, model: QueueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filters = QuickFilterBar(self)
        self.search = QLineEdit(self)
        self.search.setAccessibleName("Search incidents")
        self.search.setPlaceholderText("Search number, title, caller, service, assignee  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.table = QueueView(model, self)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Incidents shown")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filters, 1)
        top.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        # Typing is never blocked: the filter runs a moment after the last key.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.filters.filter_chosen.connect(self._on_filters_filter_chosen)
        model.counts_changed.connect(self._on_model_counts_changed)

    def apply_search_now(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search.text())

    def _on_search_timer_timeout(self) -> None:
        self.model.set_search(self.search.text())

    def _on_search_return_pressed(self) -> None:
        self.apply_search_now()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if self.model.rowCount() and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def _on_filters_filter_chosen(self, value: str) -> None:
        self.model.set_quick_filter(QuickFilter(value))

    def set_quick_filter(self, quick: QuickFilter) -> None:
        self.filters.set_current(quick)
        self.model.set_quick_filter(quick)

    def _on_model_counts_changed(self, shown: int, cached: int) -> None:
        label = self.model.quick_filter.label
        if not self.model.complete:  # the first page: the count is not the queue's yet
            self.count_label.setText(
                f"{shown} shown · filter: {label} · loading the rest of the queue…"
            )
            return
        self.count_label.setText(f"{shown} shown · filter: {label} · {cached} loaded")
