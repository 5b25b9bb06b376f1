"""The editor's heading: which incident, where it stands, or that it is a new one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.domain.lifecycle import Status
from app.services.dto import IncidentDetail
from ui.editor.timeline_model import local_time


class IncidentHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setAccessibleName("Incident")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        if font.pointSizeF() > 0:  # a pixel-sized font has no point size to scale
            font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.meta = QLabel()
        self.meta.setAccessibleName("Incident status")
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        layout.addWidget(self.meta)

    def show_incident(self, detail: IncidentDetail | None) -> None:
        if detail is None:
            self.heading.setText("New incident")
            self.meta.setText("Fill in what you know; only the title is needed to save.")
            return
        self.heading.setText(f"{detail.number}  {detail.title}")
        status = detail.status.label
        if detail.status == Status.ON_HOLD and detail.hold_reason is not None:
            status += f" ({detail.hold_reason.label})"
        parts = [
            status,
            detail.priority.label,
            f"opened {local_time(detail.opened_at):%d %b %H:%M}",
        ]
        if detail.major:
            parts.insert(0, "Major incident")
        if detail.parent_number:
            parts.append(f"child of {detail.parent_number}")
        self.meta.setText("  ·  ".join(parts))
