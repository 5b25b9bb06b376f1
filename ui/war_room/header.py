"""The war room's header band: which incident, how long it has run, who runs it, the ETA, the
state of the affected services, and the big update countdown."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.status_update import local_clock
from app.services.war_room.dto import WarRoomSnapshot
from ui.alert_marks import alert_text, monitoring_html
from ui.wallboard.widgets import ElidedLabel
from ui.war_room.countdown import CountdownLabel
from ui.war_room.style import BAND_TEXT, set_property


def clock_text(delta: timedelta) -> str:
    """0:55:12: hours always shown, so 55 minutes never reads as 55 hours."""
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def duration_text(delta: timedelta) -> str:
    """1 h 13 min; 25 min."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _label(text: str, kind: str, accessible_name: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("kind", kind)
    label.setAccessibleName(accessible_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class WarRoomHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("war_room_header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.snapshot: WarRoomSnapshot | None = None
        self.priority = _label("", "chip", "Priority")
        self.number = _label("", "title", "Incident number")
        self.title = ElidedLabel("", "title", "Incident title")
        self.status = _label("", "chip", "Status")
        self.elapsed = _label("", "fact_value", "Elapsed time")
        # Names give way ("Margarethe Vanden…") before the ETA does, beside a wide countdown.
        self.commander = ElidedLabel("", "fact_value", "Commander")
        self.comms_lead = ElidedLabel("", "fact_value", "Comms lead")
        self.eta = _label("", "fact_value", "ETA")
        self.services_row = QHBoxLayout()
        self.services_row.setSpacing(6)
        self.service_chips: list[QLabel] = []
        self.countdown = CountdownLabel()
        self.countdown_note = QLabel("")
        self.countdown_note.setObjectName("countdown_note")
        self.countdown_note.setAccessibleName("Update cadence")
        self.countdown_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_page_button = QPushButton("Status page…")
        self.status_page_button.setAccessibleName("Public status page")
        self.status_page_button.setToolTip(
            "Preview and publish the public status page (Ctrl+Shift+U)"
        )
        self.resolve_button = QPushButton("&Resolve…")
        self.resolve_button.setAccessibleName("Resolve the major incident")
        self.resolve_button.setToolTip("Final update, services back to Operational, children too")
        self.presence_slot = QHBoxLayout()
        # Shown when monitoring opened the incident or one of its children.
        self.monitoring = QLabel("")
        self.monitoring.setObjectName("war_room_monitoring")
        self.monitoring.setAccessibleName("Monitoring alerts")
        self.monitoring.setTextFormat(Qt.TextFormat.RichText)
        self.monitoring.setOpenExternalLinks(True)
        self.monitoring.setWordWrap(True)
        self.monitoring.setVisible(False)

        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.priority)
        top.addWidget(self.number)
        top.addWidget(self.title, 1)
        top.addWidget(self.status)

        facts = QGridLayout()
        facts.setHorizontalSpacing(6)
        facts.setVerticalSpacing(2)
        pairs = (
            ("Elapsed", self.elapsed),
            ("Commander", self.commander),
            ("Comms", self.comms_lead),
            ("ETA", self.eta),
        )
        for column, (caption, value) in enumerate(pairs):
            facts.addWidget(_label(caption, "fact", f"{caption} caption"), 0, column * 2)
            facts.addWidget(value, 0, column * 2 + 1)
            facts.setColumnMinimumWidth(column * 2 + 1, 90)
        facts.setColumnStretch(len(pairs) * 2, 1)
        bottom = QHBoxLayout()
        bottom.setSpacing(12)
        bottom.addLayout(facts)
        # The chips say which service and how it is ("Email: Major outage"): no caption, so the
        # facts keep their room beside a countdown that says "Update overdue".
        bottom.addLayout(self.services_row)
        bottom.addStretch(1)
        bottom.addLayout(self.presence_slot)

        left = QVBoxLayout()
        left.setSpacing(6)
        left.addLayout(top)
        left.addLayout(bottom)
        left.addWidget(self.monitoring)

        clock = QVBoxLayout()
        clock.setSpacing(2)
        clock.addWidget(self.countdown)
        clock.addWidget(self.countdown_note)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(18)
        layout.addLayout(left, 1)
        layout.addLayout(clock)
        layout.addWidget(self.status_page_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.resolve_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def show_snapshot(self, snapshot: WarRoomSnapshot, now: datetime) -> None:
        self.snapshot = snapshot
        incident = snapshot.incident
        self.priority.setText(incident.priority.short)
        set_property(self.priority, "priority", str(int(incident.priority)))
        self.number.setText(incident.number)
        self.title.setText(incident.title)
        self.title.setToolTip(incident.title)
        status = incident.status.label
        self.status.setText(f"Major · {status}" if incident.major else status)
        self.commander.setText(incident.commander or "not named")
        self.comms_lead.setText(incident.comms_lead or "not named")
        self._show_services(snapshot)
        self.monitoring.setText(monitoring_html(snapshot.alerts, BAND_TEXT))
        self.monitoring.setToolTip(
            "\n\n".join(alert_text(a) for a in snapshot.alerts) if snapshot.alerts else ""
        )
        self.monitoring.setVisible(bool(snapshot.alerts))
        interval = snapshot.update_interval
        self.countdown_note.setText(
            f"updates every {int(interval.total_seconds() // 60)} min" if interval else ""
        )
        self.resolve_button.setEnabled(incident.status.is_open)
        self.tick(now)

    def _show_services(self, snapshot: WarRoomSnapshot) -> None:
        while len(self.service_chips) > len(snapshot.services):
            chip = self.service_chips.pop()
            self.services_row.removeWidget(chip)
            chip.deleteLater()
        while len(self.service_chips) < len(snapshot.services):
            chip = _label("", "chip", "Affected service")
            self.service_chips.append(chip)
            self.services_row.addWidget(chip)
        for chip, service in zip(self.service_chips, snapshot.services, strict=True):
            chip.setText(f"{service.name}: {service.state.label}")
            chip.setAccessibleName(f"{service.name} state")
            set_property(chip, "service_state", service.state.value)

    def tick(self, now: datetime) -> None:
        """Each second: elapsed, ETA and countdown, from the clock alone."""
        if self.snapshot is None:
            return
        incident = self.snapshot.incident
        end = incident.resolved_at or now
        self.elapsed.setText(clock_text(end - incident.opened_at))
        if incident.resolved_at is not None:
            self.eta.setText(f"resolved at {local_clock(incident.resolved_at)}")
        elif incident.eta is None:
            self.eta.setText("not set")
        elif incident.eta >= now:
            left = duration_text(incident.eta - now)
            self.eta.setText(f"{local_clock(incident.eta)} (in {left})")
        else:
            self.eta.setText(f"{local_clock(incident.eta)} (passed)")
        self.countdown.show_countdown(
            incident.next_update_due, now, is_open=incident.status.is_open
        )
