"""A button per legal status move (app.domain.lifecycle decides which), and the on-hold reason."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.lifecycle import HoldReason, Status, legal_moves
from app.domain.roles import MINIMUM_ROLE, Action, Role, may

_MINIMUM_ACTION = {Status.CLOSED: Action.CLOSE}


class StatusButtons(QWidget):
    move_chosen = Signal(object, object)  # target Status, HoldReason or None

    def __init__(self, role: Role, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._role = role
        self._current: Status | None = None
        self._busy = False
        self.setAccessibleName("Status moves")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self._hint = QLabel()
        self._hint.setWordWrap(True)
        self._hint.setAccessibleName("Status")
        outer.addWidget(self._hint)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self._buttons: dict[Status, QPushButton] = {}
        for target in Status:
            if target == Status.NEW:
                continue  # nothing ever moves back to New
            button = QPushButton(target.label)
            button.setObjectName(f"move_to_{target.value}")
            button.setAccessibleName(f"Move to {target.label}")
            button.clicked.connect(lambda _=False, t=target: self._on_button_clicked(t))
            layout.addWidget(button)
            self._buttons[target] = button
            if target == Status.ON_HOLD:
                self.hold_reason = QComboBox()
                self.hold_reason.setAccessibleName("On-hold reason")
                self.hold_reason.setToolTip("Why the incident waits; the resolve clock pauses")
                for reason in HoldReason:
                    self.hold_reason.addItem(reason.label, reason.value)
                layout.addWidget(self.hold_reason)
        layout.addStretch(1)
        self.set_status(None)

    def button(self, target: Status) -> QPushButton:
        return self._buttons[target]

    def set_status(self, current: Status | None) -> None:
        """Show the moves legal from `current`; None means a new, unsaved incident."""
        self._current = current
        legal = legal_moves(current) if current is not None else ()
        for target, button in self._buttons.items():
            button.setVisible(target in legal)
            reopening = current == Status.RESOLVED and target == Status.IN_PROGRESS
            button.setText("Reopen" if reopening else target.label)
            button.setToolTip(self._tooltip(current, target))
        self.hold_reason.setVisible(Status.ON_HOLD in legal)
        if current is None:
            self._hint.setText("<b>Status:</b> New. Save the incident to move it on.")
        elif not legal:
            self._hint.setText(f"<b>Status:</b> {current.label}. It cannot move any more.")
        else:
            self._hint.setText(f"<b>Status:</b> {current.label}. Move it to:")
        self._refresh_enabled()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._refresh_enabled()

    def _refresh_enabled(self) -> None:
        for target, button in self._buttons.items():
            action = _MINIMUM_ACTION.get(target, Action.TRANSITION)
            button.setEnabled(not self._busy and may(self._role, action))
        self.hold_reason.setEnabled(not self._busy)

    def _tooltip(self, current: Status | None, target: Status) -> str:
        action = _MINIMUM_ACTION.get(target, Action.TRANSITION)
        if not may(self._role, action):
            return f"Only a {MINIMUM_ROLE[action].value} or above may {action.value}."
        if target == Status.RESOLVED:
            return "Resolve with the text in the Resolution box (unsaved edits are saved too)"
        if target == Status.ON_HOLD:
            return "Put on hold for the reason chosen beside this button"
        if current == Status.RESOLVED and target == Status.IN_PROGRESS:
            return "Reopen the incident and take it back In progress"
        return f"Move the incident to {target.label} (unsaved edits are saved too)"

    def _on_button_clicked(self, target: Status) -> None:
        reason = HoldReason(self.hold_reason.currentData()) if target == Status.ON_HOLD else None
        self.move_chosen.emit(target, reason)
