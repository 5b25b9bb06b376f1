"""The editor's heading: which incident, where it stands, or that it is a new one."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.domain.lifecycle import Status
from app.services.incidents.dto import IncidentDetail, IncidentRow
from ui.moments import day_and_time


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

    def show_incident(self, detail: IncidentDetail | None, now: datetime) -> None:
        if detail is None:
            self.heading.setText("New incident")
            self.meta.setText("Fill in what you know; only the title is needed to save.")
            return
        parts = self._show(detail, now)
        if detail.parent_number:
            parts.append(f"child of {detail.parent_number}")
        self.meta.setText("  ·  ".join(parts))

    def show_row(self, row: IncidentRow, now: datetime) -> None:
        """What the queue knows of an incident (when the database cannot be asked for more)."""
        parts = self._show(row, now)
        if row.assignee:
            parts.append(f"assigned to {row.assignee}")
        self.meta.setText("  ·  ".join([*parts, "the queue's copy"]))

    def _show(self, incident: IncidentDetail | IncidentRow, now: datetime) -> list[str]:
        self.heading.setText(f"{incident.number}  {incident.title}")
        status = incident.status.label
        if incident.status == Status.ON_HOLD and incident.hold_reason is not None:
            status += f" ({incident.hold_reason.label})"
        parts = [
            status,
            incident.priority.label,
            f"opened {day_and_time(incident.opened_at, now)}",
        ]
        if incident.major:
            parts.insert(0, "Major incident")
        return parts
