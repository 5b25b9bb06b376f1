"""The surge banner: "Possible major incident: 7 calls about Email in the last 10 min", with one
click to declare the major incident and link those calls. Agents see who to ask instead."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.services.calls.dto import SurgeSuggestion
from ui.calls.form_style import banner_style_sheet


class SurgeBanner(QFrame):
    declare_clicked = Signal(object)  # the SurgeSuggestion
    dismissed = Signal(object)

    def __init__(self, may_declare: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("surgeBanner")
        self.setAccessibleName("Surge warning")
        self.setStyleSheet(banner_style_sheet())
        self.surge: SurgeSuggestion | None = None
        self._may_declare = may_declare
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.message = QLabel(self)
        self.message.setAccessibleName("Surge message")
        layout.addWidget(self.message, 1)
        self.declare = QPushButton("Declare major incident and link the calls", self)
        self.declare.setAccessibleName("Declare major incident from the surge")
        self.dismiss = QPushButton("Not now", self)
        layout.addWidget(self.declare)
        layout.addWidget(self.dismiss)
        self.declare.setVisible(may_declare)
        self.declare.clicked.connect(self._on_declare_clicked)
        self.dismiss.clicked.connect(self._on_dismiss_clicked)

    def show_surge(self, surge: SurgeSuggestion) -> None:
        self.surge = surge
        ask = "" if self._may_declare else "  Tell your shift supervisor."
        self.message.setText(f"<b>{surge.message}.</b> No major incident covers it yet.{ask}")
        self.setAccessibleDescription(surge.message)

    def set_busy(self, busy: bool) -> None:
        self.declare.setEnabled(not busy)
        self.declare.setText("Declaring…" if busy else "Declare major incident and link the calls")

    def _on_declare_clicked(self) -> None:
        if self.surge is not None:
            self.declare_clicked.emit(self.surge)

    def _on_dismiss_clicked(self) -> None:
        if self.surge is not None:
            self.dismissed.emit(self.surge)
