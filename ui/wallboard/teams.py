"""Open incidents per team, busiest first: name, count and a bar, in two columns."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from app.services.reports.wallboard import TeamLoad
from ui.wallboard.widgets import ElidedLabel, make_label

ROWS_PER_COLUMN = 3
MAX_TEAMS = 2 * ROWS_PER_COLUMN
OTHER_TEAMS = "Other teams"


class _TeamEntry(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ElidedLabel("", "caption", "Team")
        self.count = make_label("", "value", "Team open incidents")
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        line = QHBoxLayout()
        line.setSpacing(16)
        line.addWidget(self.name, 1)
        line.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(line)
        layout.addWidget(self.bar)

    def show_load(self, load: TeamLoad, biggest: int) -> None:
        self.setAccessibleName(f"{load.team}: {load.open} open")
        self.name.setText(load.team)
        self.name.setAccessibleName(f"{load.team} team")
        self.count.setText(str(load.open))
        self.count.setAccessibleName(f"{load.team} open incidents")
        self.bar.setAccessibleName(f"{load.team} load")
        self.bar.setRange(0, max(biggest, 1))
        self.bar.setValue(load.open)
        self.show()


class TeamLoadPanel(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("panel", True)
        self.setAccessibleName("Open incidents by team")
        self.heading = make_label("OPEN BY TEAM", "heading", "Open incidents by team heading")
        grid = QGridLayout()
        grid.setHorizontalSpacing(48)
        grid.setVerticalSpacing(6)
        self.entries = [_TeamEntry() for _ in range(MAX_TEAMS)]
        for index, entry in enumerate(self.entries):
            grid.addWidget(entry, index % ROWS_PER_COLUMN, index // ROWS_PER_COLUMN)
            entry.hide()
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 14)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addStretch(1)

    def show_teams(self, teams: tuple[TeamLoad, ...]) -> None:
        shown = list(teams)
        if len(shown) > MAX_TEAMS:
            rest = shown[MAX_TEAMS - 1 :]
            shown = [*shown[: MAX_TEAMS - 1], TeamLoad(OTHER_TEAMS, sum(t.open for t in rest))]
        biggest = max((t.open for t in shown), default=0)
        for index, entry in enumerate(self.entries):
            if index < len(shown):
                entry.show_load(shown[index], biggest)
            else:
                entry.hide()
