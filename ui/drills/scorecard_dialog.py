"""A drill's scorecard, beside the earlier drills of the same runbook."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.drill_scorecard import figure_rows
from app.services.drills.dto import ScorecardView


def _table(rows: list[tuple[str, list[str]]], columns: list[str], name: str) -> QTableWidget:
    table = QTableWidget(len(rows), len(columns))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setVerticalHeaderLabels([label for label, _ in rows])
    for r, (_label, values) in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    # As tall as its rows: a scorecard is read at a glance, without scrolling.
    table.resizeRowsToContents()
    height = table.horizontalHeader().sizeHint().height() + table.verticalHeader().length()
    table.setFixedHeight(height + 2 * table.frameWidth() + 2)
    return table


class ScorecardDialog(QDialog):
    def __init__(self, view: ScorecardView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Drill scorecard · {view.drill.title}")
        self.setAccessibleName("Drill scorecard")
        drills = [view.drill, *view.previous]
        columns = [
            ("This drill, " if n == 0 else "") + f"{d.started_at.astimezone():%d %b %Y %H:%M}"
            for n, d in enumerate(drills)
        ]
        self.figures = _table(figure_rows([d.card for d in drills]), columns, "Scorecard figures")
        card = view.drill.card
        steps = [
            (s.text, ["not done" if s.minute is None else f"at {s.minute:g} min"])
            for s in card.steps
        ]
        self.steps = _table(steps, ["Done"], "Checklist steps done and when")
        earlier = (
            f"Beside it, the {len(view.previous)} earlier drill"
            f"{'s' if len(view.previous) != 1 else ''} of this runbook, newest first."
            if view.previous
            else "The first drill of this runbook: the next ones will be shown beside it."
        )
        heading = QLabel(
            f"<h2>DRILL scorecard: {view.drill.title}</h2>"
            f"<p>Runbook rehearsed: <b>{view.runbook_title}</b>. {earlier}</p>"
        )
        heading.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.figures)
        layout.addWidget(QLabel("<b>Checklist steps</b> (minutes after the drill started)"))
        layout.addWidget(self.steps)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.resize(900, 560)
