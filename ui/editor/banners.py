"""Banners at the top of the editor: a readable error, and the "a colleague changed this" choice.

Both keep the form untouched; they only explain and offer what to do next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.priority import Impact
from app.services.errors import EditConflict
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.fields import EDITABLE
from ui import theme
from ui.editor.presentation import CHANNEL_LABELS

_ERROR_STYLE = {
    False: "background: #fdecea; color: #611a15; border: 1px solid #f5c2bd;",
    True: "background: #4a1f1c; color: #fde2df; border: 1px solid #8c3b35;",
}
_NOTICE_STYLE = {  # calm news, not a problem: a change kept on this computer
    False: "background: #e8f1fb; color: #0b2e4f; border: 1px solid #b6d0ee;",
    True: "background: #1b2d42; color: #dcebfb; border: 1px solid #3d5f86;",
}
_CONFLICT_STYLE = {
    False: "background: #fff4e0; color: #4d3200; border: 1px solid #f0c36d;",
    True: "background: #46360f; color: #ffecc2; border: 1px solid #8a6d20;",
}


def _frame_style(styles: dict[bool, str], name: str) -> str:
    return f"QFrame#{name} {{ {styles[theme.is_dark()]} border-radius: 6px; }}"


class MessageBanner(QFrame):
    """A problem the person can act on (a refused move, no permission, the database away)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message_banner")
        self.setAccessibleName("Problem")
        self.setStyleSheet(_frame_style(_ERROR_STYLE, "message_banner"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 8, 8, 8)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Problem message")
        self.message.setStyleSheet("background: transparent; border: none;")
        layout.addWidget(self.message, 1)
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setAccessibleName("Dismiss the message")
        self.dismiss.clicked.connect(self.hide)
        layout.addWidget(self.dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self._show(text, _ERROR_STYLE, "Problem")

    def show_notice(self, text: str) -> None:
        """Calm news the person should see, such as a note kept while the database is away."""
        self._show(text, _NOTICE_STYLE, "Notice")

    def _show(self, text: str, styles: dict[bool, str], name: str) -> None:
        self.setStyleSheet(_frame_style(styles, "message_banner"))
        self.setAccessibleName(name)
        self.message.setAccessibleName(f"{name} message")
        self.message.setText(text)
        self.setAccessibleDescription(text)
        self.show()


class ConflictBanner(QFrame):
    """Someone else saved the incident first: say who changed what, and let the person choose."""

    reapply_clicked = Signal()
    discard_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflict_banner")
        self.setAccessibleName("Edit conflict")
        self.setStyleSheet(_frame_style(_CONFLICT_STYLE, "conflict_banner"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        heading = QLabel("<b>A colleague changed this incident while you were editing</b>")
        heading.setStyleSheet("background: transparent; border: none;")
        layout.addWidget(heading)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Who changed what")
        self.message.setStyleSheet("background: transparent; border: none;")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.reapply = QPushButton("Reapply my changes")
        self.reapply.setAccessibleName("Reapply my changes")
        self.reapply.setToolTip("Save your edits on top of their version")
        self.reapply.clicked.connect(self.reapply_clicked)
        self.discard = QPushButton("Discard mine")
        self.discard.setAccessibleName("Discard mine")
        self.discard.setToolTip("Drop your edits and show their version")
        self.discard.clicked.connect(self.discard_clicked)
        buttons.addWidget(self.reapply)
        buttons.addWidget(self.discard)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()

    def show_conflict(self, text: str) -> None:
        self.message.setText(text)
        self.setAccessibleDescription(text)
        self.show()


def conflict_message(conflict: EditConflict, mine: list[str], theirs: list[str]) -> str:
    """The service's sentence (who changed what), then where the two sets of edits meet."""
    current = conflict.current
    lines = [str(conflict)]
    if theirs:
        values = "; ".join(f"{_label(f)} {_their_value(f, current)}" for f in theirs)
        lines.append(f"Their version: {values}.")
    both = [_label(f) for f in mine if f in theirs]
    if both:
        lines.append(f"You both changed {', '.join(both)}: reapplying puts yours on top of theirs.")
    elif mine:
        lines.append(f"Your edits ({', '.join(_label(f) for f in mine)}) do not overlap theirs.")
    assigned = current.assignee or "nobody"
    lines.append(f"Now: {current.status.label}, {current.priority.label}, assigned to {assigned}.")
    return "\n".join(lines)


def _their_value(field: str, current: IncidentDetail) -> str:
    if field in ("impact", "urgency"):
        return Impact(getattr(current, field)).label
    shown = {
        "service_id": current.service or "none",
        "caller_id": current.caller or "nobody",
        "assignee_id": current.assignee or "nobody",
        "team_id": current.team or "none",
        "channel": CHANNEL_LABELS.get(current.channel, current.channel),
    }
    if field in shown:
        return shown[field]
    text = " ".join(str(getattr(current, field, "")).split())
    return f"“{text[:137]}…”" if len(text) > 140 else f"“{text}”"


def _label(field: str) -> str:
    return EDITABLE.get(field, field.removesuffix("_id").replace("_", " "))
