"""What to tell callers: the public message and the workaround, always in view, one click to copy.

Agents answering the phones read this out; it changes when an update goes to all users or when
the comms lead edits it here.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from app.services.war_room.dto import WarRoomSnapshot
from ui.war_room.panel import Panel


def callers_text(snapshot: WarRoomSnapshot) -> tuple[str, str]:
    """(what to say, the workaround), with the services' own workarounds as the fallback."""
    incident = snapshot.incident
    message = incident.public_message.strip()
    workaround = incident.workaround.strip() or "; ".join(
        s.workaround for s in snapshot.services if s.workaround
    )
    return message, workaround


class CallersPanel(Panel):
    edit_requested = Signal()
    copied = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "&What to tell callers", "What to tell callers", parent, name="callers_panel"
        )
        self.message = QLabel()
        self.message.setProperty("kind", "message")
        self.message.setAccessibleName("Public message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.workaround = QLabel()
        self.workaround.setAccessibleName("Workaround")
        self.workaround.setWordWrap(True)
        self.workaround.setTextFormat(Qt.TextFormat.PlainText)
        self.workaround.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAccessibleName("Copy what to tell callers")
        self.copy_button.setToolTip("Copy the message and the workaround (Ctrl+Shift+C)")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setAccessibleName("Edit what to tell callers")
        self.add_tool(self.copy_button)
        self.add_tool(self.edit_button)
        self.body.addWidget(self.message)
        self.body.addWidget(self.workaround)
        self.set_focus_target(self.copy_button)
        self.copy_button.clicked.connect(self.copy)
        self.edit_button.clicked.connect(self.edit_requested)
        self._text = ""

    def show_snapshot(self, snapshot: WarRoomSnapshot) -> None:
        message, workaround = callers_text(snapshot)
        self.message.setText(message or "Nothing agreed yet: post an update to all users.")
        self.workaround.setText(f"Workaround: {workaround}" if workaround else "No workaround yet.")
        parts = (message, f"Workaround: {workaround}" if workaround else "")
        self._text = "\n".join(p for p in parts if p)
        self.copy_button.setEnabled(bool(self._text))

    @property
    def text(self) -> str:
        return self._text

    def minimumSizeHint(self) -> QSize:
        """Never less than its whole text at its width: agents read it out word for word, so a
        banner or a smaller screen squeezes the other panels of the column instead."""
        hint = super().minimumSizeHint()
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return hint
        return QSize(hint.width(), max(hint.height(), layout.totalHeightForWidth(self.width())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the text wraps anew: its height is asked again

    def copy(self) -> None:
        if not self._text:
            return
        QGuiApplication.clipboard().setText(self._text)
        self.copied.emit(self._text)
