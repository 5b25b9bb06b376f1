"""The drill banner: a violet strip at the top of every window while a drill runs, so nothing a
rehearsal shows can be taken for the real thing."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QWidget,
)

from app.services.drills.dto import DrillInfo
from ui import theme


class DrillBanner(QFrame):
    end_requested = Signal(int)  # the drill's id

    def __init__(self, may_end: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillBanner")
        self.setAccessibleName("Drill banner")
        self.setStyleSheet(
            f"#drillBanner {{ background: {theme.DRILL_STRONG.name()}; }}"
            f"#drillBanner QLabel {{ color: {theme.DRILL_TEXT.name()}; font-weight: bold; }}"
        )
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.end_button = QPushButton("End the drill…", self)
        self.end_button.setAccessibleName("End the drill")
        self.end_button.setVisible(may_end)
        self.end_button.clicked.connect(self._on_end_button_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.end_button)
        self._drill_id: int | None = None
        self.hide()

    def show_drills(self, running: Sequence[DrillInfo]) -> None:
        if not running:
            self._drill_id = None
            self.hide()
            return
        drill = running[0]
        self._drill_id = drill.id
        nxt = (
            f" · next scripted event at {drill.next_event_at.astimezone():%H:%M}"
            if drill.next_event_at is not None
            else " · the script has finished"
        )
        incident = f" · {drill.incident_number}" if drill.incident_number else ""
        self.label.setText(
            f"DRILL IN PROGRESS: {drill.title}{incident} · started "
            f"{drill.started_at.astimezone():%H:%M} by {drill.started_by or 'a supervisor'}{nxt}. "
            "Nothing marked DRILL is real."
        )
        self.setAccessibleDescription(self.label.text())
        self.show()

    def _on_end_button_clicked(self) -> None:
        if self._drill_id is not None:
            self.end_requested.emit(self._drill_id)


def install_banner(window: QWidget, may_end: bool) -> DrillBanner:
    """Put a drill banner at the top of `window`'s layout (its central widget's, for a main
    window) and return it."""
    host = window.centralWidget() if isinstance(window, QMainWindow) else window
    assert host is not None
    banner = DrillBanner(may_end, host)
    layout = host.layout()
    if isinstance(layout, QBoxLayout):
        layout.insertWidget(0, banner)
    return banner
