"""Small forms the war room opens: take a call, escalate to (or update) a vendor, and edit what
callers are told. Each returns plain values; the window sends them to the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.domain.vendor import VendorState
from app.services.calls.drafts import new_client_uuid
from app.services.war_room.dto import VendorDraft, VendorRow, WarRoomCallDraft
from ui.war_room.composer_panel import from_qt, to_qt

CHANNELS = (("phone", "Phone"), ("email", "E-mail"), ("chat", "Chat"), ("walk_in", "Walk-in"))


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class AddCallDialog(QDialog):
    """A call about this incident, logged and linked in one go (the full call form lives in the
    call log window)."""

    def __init__(self, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Add a call to {number}")
        self.setAccessibleName("Add a call")
        self._uuid = new_client_uuid()  # one call, however often OK is pressed
        self.caller = QLineEdit()
        self.caller.setAccessibleName("Caller")
        self.symptom = QLineEdit()
        self.symptom.setAccessibleName("What they see")
        self.channel = QComboBox()
        self.channel.setAccessibleName("Channel")
        for value, label in CHANNELS:
            self.channel.addItem(label, value)
        self.callback = QCheckBox("Wants a callback")
        self.callback.setAccessibleName("Wants a callback")
        self.callback_number = QLineEdit()
        self.callback_number.setAccessibleName("Callback number")
        self.callback_number.setPlaceholderText("Number to call back on")
        form = QFormLayout(self)
        form.addRow("&Caller", self.caller)
        form.addRow("&What they see", self.symptom)
        form.addRow("C&hannel", self.channel)
        row = QHBoxLayout()
        row.addWidget(self.callback)
        row.addWidget(self.callback_number, 1)
        form.addRow("Call&back", row)
        form.addRow(_buttons(self, "Log call"))

    def draft(self) -> WarRoomCallDraft:
        return WarRoomCallDraft(
            caller_name=self.caller.text(),
            symptom=self.symptom.text(),
            channel=str(self.channel.currentData()),
            callback_wanted=self.callback.isChecked(),
            callback_number=self.callback_number.text(),
            client_uuid=self._uuid,
        )


class VendorDialog(QDialog):
    def __init__(
        self, now: datetime, row: VendorRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.row = row
        self.setWindowTitle(f"Vendor case: {row.vendor}" if row else "Escalate to a vendor")
        self.setAccessibleName("Vendor escalation")
        self.vendor = QLineEdit(row.vendor if row else "")
        self.vendor.setAccessibleName("Vendor")
        self.vendor.setPlaceholderText("e.g. Microsoft 365 support")
        self.reference = QLineEdit(row.reference if row else "")
        self.reference.setAccessibleName("Vendor reference")
        self.contact = QLineEdit(row.contact if row else "")
        self.contact.setAccessibleName("Vendor contact")
        eta = (row.vendor_eta if row else None) or now + timedelta(hours=1)
        self.eta = QDateTimeEdit(to_qt(eta))
        self.eta.setAccessibleName("Vendor ETA")
        self.eta.setDisplayFormat("ddd d MMM HH:mm")
        self.eta.setCalendarPopup(True)
        self.no_eta = QCheckBox("No ETA given")
        self.no_eta.setAccessibleName("No ETA given")
        self.no_eta.setChecked(row is not None and row.vendor_eta is None)
        self.no_eta.toggled.connect(lambda checked: self.eta.setEnabled(not checked))
        self.eta.setEnabled(not self.no_eta.isChecked())
        self.state = QComboBox()
        self.state.setAccessibleName("Vendor case state")
        for state in VendorState:
            self.state.addItem(state.label, state.value)
        if row is not None:
            self.state.setCurrentIndex(self.state.findData(row.state.value))
        self.notes = QPlainTextEdit(row.notes if row else "")
        self.notes.setAccessibleName("Vendor notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        form = QFormLayout(self)
        form.addRow("&Vendor", self.vendor)
        form.addRow("&Reference", self.reference)
        form.addRow("&Contact", self.contact)
        eta_row = QHBoxLayout()
        eta_row.addWidget(self.eta, 1)
        eta_row.addWidget(self.no_eta)
        form.addRow("Vendor &ETA", eta_row)
        form.addRow("&State", self.state)
        form.addRow("&Notes", self.notes)
        form.addRow(_buttons(self, "Save" if row else "Escalate"))

    def draft(self) -> VendorDraft:
        return VendorDraft(
            vendor=self.vendor.text(),
            reference=self.reference.text(),
            contact=self.contact.text(),
            vendor_eta=None if self.no_eta.isChecked() else from_qt(self.eta.dateTime()),
            state=VendorState(self.state.currentData()),
            notes=self.notes.toPlainText(),
        )


class CallersMessageDialog(QDialog):
    def __init__(self, message: str, workaround: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What to tell callers")
        self.setAccessibleName("Edit what to tell callers")
        self.message = QPlainTextEdit(message)
        self.message.setAccessibleName("Public message")
        self.message.setTabChangesFocus(True)
        self.workaround = QPlainTextEdit(workaround)
        self.workaround.setAccessibleName("Workaround")
        self.workaround.setTabChangesFocus(True)
        form = QFormLayout(self)
        form.addRow(QLabel("Agents read this out to every caller. Keep it short and plain."))
        form.addRow("&Message", self.message)
        form.addRow("&Workaround", self.workaround)
        form.addRow(_buttons(self, "Save"))
        self.resize(520, 320)

    def values(self) -> tuple[str, str]:
        return self.message.toPlainText(), self.workaround.toPlainText()
