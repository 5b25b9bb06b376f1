"""The form that records a goodwill gesture: what, to whom, who makes it and by when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from app.domain.goodwill import GestureKind, Recipient
from app.services.goodwill.dto import GestureDraft
from app.services.incidents.dto import AgentInfo


class GestureDialog(QDialog):
    def __init__(
        self,
        owners: Sequence[AgentInfo],
        today: date,
        me: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Make it right: a goodwill gesture")
        self.setAccessibleName("Goodwill gesture")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Gesture")
        for kind in GestureKind:
            self.kind.addItem(kind.label, kind.value)
        self.recipient = QComboBox()
        self.recipient.setAccessibleName("To a")
        for recipient in Recipient:
            self.recipient.addItem(recipient.label, recipient.value)
        self.name = QLineEdit()
        self.name.setAccessibleName("To whom")
        self.name.setPlaceholderText("e.g. Dana Reyes, or Finance")
        self.owner = QComboBox()
        self.owner.setAccessibleName("Owner")
        self.owner.addItem("Nobody yet", None)
        for agent in owners:
            self.owner.addItem(agent.name, agent.id)
        self.owner.setCurrentIndex(max(0, self.owner.findData(me)))
        self.due = QDateEdit(QDate(today.year, today.month, today.day))
        self.due.setAccessibleName("Due")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("ddd d MMM yyyy")
        self.no_due = QCheckBox("No due date")
        self.no_due.setAccessibleName("No due date")
        self.no_due.toggled.connect(lambda checked: self.due.setEnabled(not checked))
        self.details = QLineEdit()
        self.details.setAccessibleName("Details")
        self.details.setPlaceholderText("e.g. one month's fee credited; deadline moved to Friday")
        who = QHBoxLayout()
        who.addWidget(self.recipient)
        who.addWidget(self.name, 1)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due, 1)
        due_row.addWidget(self.no_due)
        form = QFormLayout(self)
        form.addRow("&Gesture", self.kind)
        form.addRow("&To whom", who)
        form.addRow("&Owner", self.owner)
        form.addRow("&Due", due_row)
        form.addRow("De&tails", self.details)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kind.setFocus()
        self.resize(480, 240)

    def draft(self) -> GestureDraft:
        due = self.due.date()
        return GestureDraft(
            kind=GestureKind(self.kind.currentData()),
            recipient=Recipient(self.recipient.currentData()),
            recipient_name=self.name.text(),
            owner_id=self.owner.currentData(),
            due_on=None if self.no_due.isChecked() else date(due.year(), due.month(), due.day()),
            details=self.details.text(),
        )
