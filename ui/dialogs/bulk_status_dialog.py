"""Change the status of several incidents at once (with a hold reason or a resolution)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.domain.lifecycle import HoldReason, Status

TARGETS = (Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class BulkStatusDialog(QDialog):
    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change status")
        self.setAccessibleName("Change status")
        self.status = QComboBox(self)
        self.status.setAccessibleName("New status")
        for status in TARGETS:
            self.status.addItem(status.label, status.value)
        self.reason = QComboBox(self)
        self.reason.setAccessibleName("On-hold reason")
        for reason in HoldReason:
            self.reason.addItem(reason.label, reason.value)
        self.resolution = QLineEdit(self)
        self.resolution.setAccessibleName("Resolution")
        self.resolution.setPlaceholderText("What fixed it, in a sentence")
        form = QFormLayout(self)
        form.addRow(QLabel(f"Move {count} selected incidents to:"))
        form.addRow("&Status", self.status)
        form.addRow("On-hold &reason", self.reason)
        form.addRow("Re&solution", self.resolution)
        form.addRow(
            QLabel("Incidents for which the move is not allowed are left as they are and listed.")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.status.currentIndexChanged.connect(self._on_status_current_index_changed)
        self._on_status_current_index_changed()

    def chosen_status(self) -> Status:
        return Status(self.status.currentData())

    def chosen_reason(self) -> HoldReason | None:
        return (
            HoldReason(self.reason.currentData())
            if self.chosen_status() == Status.ON_HOLD
            else None
        )

    def chosen_resolution(self) -> str | None:
        return self.resolution.text() if self.chosen_status() == Status.RESOLVED else None

    def _on_status_current_index_changed(self) -> None:
        status = self.chosen_status()
        self.reason.setEnabled(status == Status.ON_HOLD)
        self.resolution.setEnabled(status == Status.RESOLVED)
