"""Notification preferences: each rule on or off, the minimum priority, quiet hours, sound, a
Test notification button, and which delivery is in use."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.notification_gate import NotificationPreferences
from app.domain.notification_rules import NoticeKind

PRIORITY_CHOICES = (
    (1, "P1 Critical only"),
    (2, "P2 High and above"),
    (3, "P3 Moderate and above"),
    (4, "P4 Low and above"),
    (5, "Every priority"),
)


class NotificationPreferencesDialog(QDialog):
    test_requested = Signal()

    def __init__(
        self, prefs: NotificationPreferences, delivery: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Notification preferences")
        self.setAccessibleName("Notification preferences")
        self._prefs = prefs
        rules = QGroupBox("Notify me about", self)
        rules_layout = QVBoxLayout(rules)
        self.rule_boxes: dict[NoticeKind, QCheckBox] = {}
        for kind in NoticeKind:
            box = QCheckBox(kind.label, rules)
            box.setChecked(prefs.enabled(kind))
            rules_layout.addWidget(box)
            self.rule_boxes[kind] = box
        self.min_priority = QComboBox(self)
        self.min_priority.setAccessibleName("Minimum priority")
        for value, text in PRIORITY_CHOICES:
            self.min_priority.addItem(text, value)
        self.min_priority.setCurrentIndex(max(0, min(4, prefs.min_priority - 1)))
        self.quiet = QCheckBox("Quiet hours from", self)
        self.quiet.setChecked(prefs.quiet_from is not None and prefs.quiet_until is not None)
        self.quiet_from = QTimeEdit(self)
        self.quiet_from.setAccessibleName("Quiet hours start")
        self.quiet_until = QTimeEdit(self)
        self.quiet_until.setAccessibleName("Quiet hours end")
        start, end = prefs.quiet_from, prefs.quiet_until
        self.quiet_from.setTime(QTime(start.hour, start.minute) if start else QTime(22, 0))
        self.quiet_until.setTime(QTime(end.hour, end.minute) if end else QTime(7, 0))
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(self.quiet)
        quiet_row.addWidget(self.quiet_from)
        quiet_row.addWidget(QLabel("to", self))
        quiet_row.addWidget(self.quiet_until)
        self.sound = QCheckBox("Sound for P1 incidents and overdue updates", self)
        self.sound.setChecked(prefs.sound)
        self.delivery = QLabel(delivery, self)
        self.delivery.setAccessibleName("Delivery in use")
        self.delivery.setWordWrap(True)
        self.test_button = QPushButton("&Test notification", self)
        form = QFormLayout()
        form.addRow("Minimum priority:", self.min_priority)
        form.addRow(quiet_row)
        form.addRow(self.sound)
        form.addRow("Delivery:", self.delivery)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(rules)
        layout.addLayout(form)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_requested)

    def set_delivery(self, text: str) -> None:
        self.delivery.setText(text)

    def preferences(self) -> NotificationPreferences:
        quiet = self.quiet.isChecked()
        start, end = self.quiet_from.time(), self.quiet_until.time()
        return replace(
            self._prefs,
            disabled=frozenset(k for k, box in self.rule_boxes.items() if not box.isChecked()),
            min_priority=int(self.min_priority.currentData()),
            quiet_from=_clock_time(start) if quiet else None,
            quiet_until=_clock_time(end) if quiet else None,
            sound=self.sound.isChecked(),
        )


def _clock_time(value: QTime) -> time:
    return time(value.hour(), value.minute(), value.second())
