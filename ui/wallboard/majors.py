"""Active major incidents: what is down, for how long, who runs it, when users hear next.

The elapsed time and the update countdown tick every second from the clock alone; only the
list of incidents comes from the database.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from app.domain.cadence import format_countdown
from app.services.reports.wallboard import CountdownState, MajorIncidentSummary, update_countdown
from ui.wallboard.style import set_tone
from ui.wallboard.widgets import ElidedLabel, make_label

MAX_CARDS = 2  # what fits at 1080p; the heading counts the rest

_COUNTDOWN_TONES = {
    CountdownState.NONE: "muted",
    CountdownState.RUNNING: "",
    CountdownState.DUE_SOON: "due_soon",
    CountdownState.OVERDUE: "overdue",
}


class MajorCard(QFrame):
    """Title on top; below it the update countdown, the elapsed time, then who and how many."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("panel", True)
        self.setProperty("major", True)
        self.major: MajorIncidentSummary | None = None
        self.title = ElidedLabel("", "title", "Major incident title", max_lines=2)
        self.countdown = make_label("", "countdown", "Major incident next update countdown")
        self.elapsed = make_label("", "elapsed", "Major incident elapsed time")
        self.commander = ElidedLabel("", "caption", "Major incident commander")
        self.calls = ElidedLabel("", "caption", "Major incident calls")
        self.facts = QWidget()
        self._facts_layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.facts)
        self._facts_layout.setContentsMargins(0, 0, 0, 0)
        self._facts_layout.setSpacing(0)
        self._facts_layout.setProperty("own_spacing", True)
        self._facts_layout.addWidget(self.commander)
        self._facts_layout.addWidget(self.calls)
        self._clocks = QHBoxLayout()
        self._clocks.setSpacing(40)
        self._clocks.addWidget(self.countdown)
        self._clocks.addWidget(self.elapsed)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 10, 24, 10)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.title)
        self._layout.addLayout(self._clocks)
        self._roomy: bool | None = None
        self.set_roomy(False)

    def set_roomy(self, roomy: bool) -> None:
        """Roomy (the only major): the title may take two lines and the facts a line of their
        own. Otherwise everything keeps to two lines, the facts stacked at the right."""
        if roomy == self._roomy:
            return
        self._roomy = roomy
        self.title.set_max_lines(2 if roomy else 1)
        self._clocks.removeWidget(self.facts)
        self._layout.removeWidget(self.facts)
        align = Qt.AlignmentFlag.AlignLeft if roomy else Qt.AlignmentFlag.AlignRight
        for fact in (self.commander, self.calls):
            fact.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        # Stretches added in the other mode (none yet on the first call).
        self._facts_layout.takeAt(2)
        self._clocks.takeAt(2)
        if roomy:
            self._facts_layout.setDirection(QBoxLayout.Direction.LeftToRight)
            self._facts_layout.setSpacing(48)
            self._facts_layout.addStretch(1)
            self._clocks.addStretch(1)
            self._layout.addWidget(self.facts)
        else:
            self._facts_layout.setDirection(QBoxLayout.Direction.TopToBottom)
            self._facts_layout.setSpacing(0)
            self._clocks.addWidget(self.facts, 1)

    def show_major(self, major: MajorIncidentSummary, now: datetime) -> None:
        self.major = major
        number = major.number
        self.setAccessibleName(f"Major incident {number}")
        self.title.setText(f"{major.priority.short}  {number}  {major.title}")
        self.title.setAccessibleName(f"{number} title")
        self.countdown.setAccessibleName(f"{number} next update countdown")
        self.elapsed.setAccessibleName(f"{number} elapsed time")
        self.commander.setAccessibleName(f"{number} commander")
        self.calls.setAccessibleName(f"{number} calls")
        self.commander.setText(f"Commander {major.commander or 'not named'}")
        calls = f"{major.calls} call{'' if major.calls == 1 else 's'}"
        linked = f" · {major.linked} linked" if major.linked else ""
        self.calls.setText(f"{calls}{linked}")
        self.tick(now)

    def tick(self, now: datetime) -> None:
        if self.major is None:
            return
        self.elapsed.setText(f"Elapsed {format_countdown(self.major.elapsed(now))}")
        countdown = update_countdown(self.major.next_update_due, now)
        self.countdown.setText(countdown.text)
        set_tone(self.countdown, _COUNTDOWN_TONES[countdown.state])


class MajorsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Major incidents")
        self.heading = make_label("MAJOR INCIDENTS", "heading", "Major incidents heading")
        self.more = make_label("", "caption", "More major incidents", "alarm")
        self.none = make_label("No major incidents", "value", "Major incidents status", "good")
        self.cards = [MajorCard(self) for _ in range(MAX_CARDS)]
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.heading)
        heading_row.addSpacing(24)
        heading_row.addWidget(self.more)
        heading_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(heading_row)
        layout.addWidget(self.none)
        for card in self.cards:
            layout.addWidget(card)
            card.hide()
        layout.addStretch(1)
        self.none.hide()
        self.more.hide()

    def show_majors(self, majors: tuple[MajorIncidentSummary, ...], now: datetime) -> None:
        self.none.setVisible(not majors)
        for index, card in enumerate(self.cards):
            if index < len(majors):
                card.set_roomy(len(majors) == 1)
                card.show_major(majors[index], now)
                card.show()
            else:
                card.major = None
                card.hide()
        self.heading.setText(f"MAJOR INCIDENTS ({len(majors)})" if majors else "MAJOR INCIDENTS")
        hidden = len(majors) - len(self.cards)
        self.more.setVisible(hidden > 0)
        if hidden > 0:
            self.more.setText(f"+ {hidden} more, see the console")

    def tick(self, now: datetime) -> None:
        for card in self.cards:
            card.tick(now)
