"""Big-number tiles: open incidents per priority (with breached and at-risk counts) and the
single figures (calls in the last hour, unassigned)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from app.domain.priority import Priority
from app.services.reports.wallboard import PriorityLoad
from ui.wallboard.style import set_tone
from ui.wallboard.widgets import make_label

NOT_LOADED = "–"


class PriorityTile(QFrame):
    """One priority: how many are open, how many of those breached or at risk."""

    def __init__(self, priority: Priority, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("panel", True)
        self.setProperty("priority", str(int(priority)))
        name = priority.label
        self.setAccessibleName(f"{name} tile")
        self.badge = make_label(name, "", f"Priority {name}")
        self.badge.setProperty("priority", str(int(priority)))
        self.open = make_label(NOT_LOADED, "count", f"{name} open incidents")
        self.breached = make_label("", "caption", f"{name} breached", "muted")
        self.at_risk = make_label("", "caption", f"{name} at risk", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(0)
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.badge)
        badge_row.addStretch(1)
        layout.addLayout(badge_row)
        layout.addWidget(self.open)
        layout.addWidget(self.breached)
        layout.addWidget(self.at_risk)
        layout.addStretch(1)

    def show_priority(self, load: PriorityLoad) -> None:
        self.open.setText(str(load.open))
        self.breached.setText(f"{load.breached} breached")
        self.at_risk.setText(f"{load.at_risk} at risk")
        set_tone(self.breached, "breached" if load.breached else "muted")
        set_tone(self.at_risk, "risk" if load.at_risk else "muted")


class StatTile(QFrame):
    """One figure with its caption underneath, e.g. '42' / 'calls in the last hour'."""

    def __init__(self, caption: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("panel", True)
        self.setAccessibleName(f"{accessible_name} tile")
        self.value = make_label(NOT_LOADED, "count", accessible_name)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = make_label(caption, "caption", f"{accessible_name} caption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(0)
        layout.addStretch(1)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def show_value(self, value: int) -> None:
        self.value.setText(str(value))
