"""The quick filters above the queue: one click or one key (Ctrl+1 … Ctrl+8) each."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

from app.services.incidents.queue_filters import QuickFilter


class QuickFilterBar(QWidget):
    filter_chosen = Signal(str)  # a QuickFilter value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Quick filters")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[QuickFilter, QToolButton] = {}
        for number, quick in enumerate(QuickFilter, start=1):
            button = QToolButton(self)
            button.setText(quick.label)
            button.setCheckable(True)
            button.setAutoRaise(False)
            key = QKeySequence(f"Ctrl+{number}")
            button.setShortcut(key)
            shown = key.toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{quick.label} ({shown})")
            button.setAccessibleName(f"Filter: {quick.label}")
            button.setObjectName(f"quickFilter_{quick.value}")
            self._group.addButton(button)
            self.buttons[quick] = button
            layout.addWidget(button)
            button.clicked.connect(lambda _checked=False, q=quick: self.filter_chosen.emit(q.value))
        layout.addStretch(1)
        self.buttons[QuickFilter.ALL_OPEN].setChecked(True)

    def set_current(self, quick: QuickFilter) -> None:
        self.buttons[quick].setChecked(True)
