"""The strip over the call form that says which calls could not be saved, with Retry and Edit it."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class ProblemBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemBox")
        self.text = QLabel(self)
        self.text.setObjectName("problem")
        self.text.setAccessibleName("Calls not saved")
        self.text.setWordWrap(True)
        self.retry_button = QPushButton("&Retry", self)
        self.take_back_button = QPushButton("&Edit it", self)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.retry_button)
        row.addWidget(self.take_back_button)
        self.hide()
