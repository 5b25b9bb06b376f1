"""The in-window banner: the last resort when there is neither a notification service nor a
tray. It sits above the queue and stays until dismissed or replaced."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class NotificationBanner(QFrame):
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Notification banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("NotificationBanner { background: #fff4ce; border: 1px solid #d39e00; }")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.open_button = QPushButton("&Open", self)
        self.dismiss_button = QPushButton("Dismiss", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.dismiss_button)
        self.open_button.clicked.connect(self.open_requested)
        self.dismiss_button.clicked.connect(self.hide)
        self.hide()

    def show_message(self, title: str, body: str, can_open: bool) -> None:
        self.label.setText(f"<b>{title}</b><br>{body}")
        self.open_button.setVisible(can_open)
        self.show()
