"""The update countdown: "Next update in 12:30", amber when due soon, red and flashing when the
update is overdue. Its accessible description says the same in words, for screen readers.

It is computed from the due time and the clock each second; it never reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.status_update import local_clock
from app.services.reports.wallboard import CountdownState, update_countdown
from ui.war_room.style import set_property


@dataclass(frozen=True)
class CountdownView:
    text: str
    tone: str  # "", due_soon, overdue, overdue_dim (the flash's other half), none
    description: str
    state: CountdownState


def spoken(delta: timedelta) -> str:
    """12 minutes 30 seconds; 1 hour 2 minutes."""
    seconds = int(abs(delta.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or hours:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if not hours:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)


def countdown_view(due: datetime | None, now: datetime, *, is_open: bool) -> CountdownView:
    if not is_open:
        return CountdownView(
            "No more updates due", "none", "The incident is resolved.", CountdownState.NONE
        )
    reading = update_countdown(due, now)
    if reading.state == CountdownState.NONE or due is None:
        return CountdownView("No update cadence", "none", "No update is scheduled.", reading.state)
    left = due - now
    at = local_clock(due)
    if reading.state == CountdownState.OVERDUE:
        # Flash: the fill alternates each second, the text stays put.
        tone = "overdue" if int(now.timestamp()) % 2 == 0 else "overdue_dim"
        return CountdownView(
            reading.text,
            tone,
            f"Status update overdue by {spoken(left)}; it was due at {at}.",
            reading.state,
        )
    tone = "due_soon" if reading.state == CountdownState.DUE_SOON else ""
    return CountdownView(
        reading.text, tone, f"Next status update due at {at}, in {spoken(left)}.", reading.state
    )


class CountdownLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        self.setAccessibleName("Next update countdown")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.view: CountdownView | None = None

    def show_countdown(self, due: datetime | None, now: datetime, *, is_open: bool) -> None:
        view = countdown_view(due, now, is_open=is_open)
        self.view = view
        if self.text() != view.text:
            self.setText(view.text)
        if self.accessibleDescription() != view.description:
            self.setAccessibleDescription(view.description)
            self.setToolTip(view.description)
        set_property(self, "tone", view.tone)

    @property
    def overdue(self) -> bool:
        return self.view is not None and self.view.state == CountdownState.OVERDUE
