"""Past drills: open a scorecard, or clean a drill's incidents and calls away (its scorecard
stays)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.drills.dto import DrillInfo
from ui.roles import Roles


class DrillsDialog(QDialog):
    scorecard_requested = Signal(int)
    clean_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Drill scorecards")
        self.setAccessibleName("Drill scorecards")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Ended drills")
        self.scorecard_button = QPushButton("Show the &scorecard", self)
        self.clean_button = QPushButton("&Clean away its incidents and calls", self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.addButton(self.scorecard_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.clean_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Cleaning a drill away deletes what it made; its scorecard is kept.")
        )
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.scorecard_button.clicked.connect(self._on_scorecard_button_clicked)
        self.clean_button.clicked.connect(self._on_clean_button_clicked)
        self.list.itemActivated.connect(lambda _item: self._on_scorecard_button_clicked())
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.resize(640, 420)

    def show_drills(self, drills: Sequence[DrillInfo]) -> None:
        self.list.clear()
        for drill in drills:
            state = "cleaned away" if drill.cleaned_at else f"{drill.incident_number or 'kept'}"
            item = QListWidgetItem(
                f"{drill.started_at.astimezone():%d %b %Y %H:%M} · {drill.title} · "
                f"{drill.runbook_title} · {state}"
            )
            item.setData(Roles.ID, drill.id)
            item.setData(Roles.ROW, drill)
            self.list.addItem(item)
        if drills:
            self.list.setCurrentRow(0)
        self._on_list_current_row_changed(self.list.currentRow())

    def _current(self) -> DrillInfo | None:
        item = self.list.currentItem()
        drill = None if item is None else item.data(Roles.ROW)
        return drill if isinstance(drill, DrillInfo) else None

    def _on_list_current_row_changed(self, _row: int) -> None:
        drill = self._current()
        self.scorecard_button.setEnabled(drill is not None)
        self.clean_button.setEnabled(drill is not None and drill.cleaned_at is None)

    def _on_scorecard_button_clicked(self) -> None:
        if (drill := self._current()) is not None:
            self.scorecard_requested.emit(drill.id)

    def _on_clean_button_clicked(self) -> None:
        if (drill := self._current()) is not None:
            self.clean_requested.emit(drill.id)
