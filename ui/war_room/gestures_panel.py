"""Making it right: the goodwill gestures owed to the people this incident kept waiting, with the
callbacks asked for on its calls. Keyboard-first: Alt+K focuses the list, Insert adds a gesture,
Ctrl+M marks the chosen one made, Delete drops it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.domain.goodwill import GestureStatus
from app.services.goodwill.dto import GestureRow
from ui.war_room.panel import Panel

COLUMNS = ("Gesture", "To whom", "Owner", "Status")


def status_text(row: GestureRow) -> str:
    """'Owed, due Fri 27 Nov', 'Overdue since Fri 27 Nov', 'Made Mon 09:09'."""
    gesture = row.gesture
    if gesture.settled_at is not None:
        return f"{gesture.status.label} {gesture.settled_at.astimezone():%a %H:%M}"
    due = f"{gesture.due_on:%a %d %b}" if gesture.due_on else ""
    if row.overdue:
        return f"Overdue, was due {due}"
    return f"{gesture.status.label}, due {due}" if due else gesture.status.label


class GesturesPanel(Panel):
    add_requested = Signal()
    settle_requested = Signal(object, object)  # GestureRow, GestureStatus

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Ma&king it right", "Making it right", parent, name="gestures_panel")
        self.rows: tuple[GestureRow, ...] = ()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Goodwill gestures")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.add_button = QPushButton("Add…")
        self.add_button.setAccessibleName("Add a goodwill gesture")
        self.add_button.setToolTip("Add a gesture: apology, credit, callback, deadline (Insert)")
        self.made_button = QPushButton("Made")
        self.made_button.setAccessibleName("Mark the gesture made")
        self.made_button.setToolTip("The chosen gesture was made (Ctrl+M)")
        self.drop_button = QPushButton("Drop")
        self.drop_button.setAccessibleName("Drop the gesture")
        self.drop_button.setToolTip("The chosen gesture will not be made (Delete)")
        self.add_tool(self.add_button)
        self.body.addWidget(self.table)
        settle = QHBoxLayout()
        settle.addStretch(1)
        settle.addWidget(self.made_button)
        settle.addWidget(self.drop_button)
        self.body.addLayout(settle)
        self.set_focus_target(self.table)
        for text, key, slot in (
            ("Add a gesture", QKeySequence(Qt.Key.Key_Insert), self.add_requested.emit),
            ("Mark made", QKeySequence("Ctrl+M"), self._made),
            ("Drop", QKeySequence(Qt.Key.Key_Delete), self._drop),
        ):
            action = QAction(text, self.table)
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.table.addAction(action)
        self.add_button.clicked.connect(self.add_requested)
        self.made_button.clicked.connect(self._made)
        self.drop_button.clicked.connect(self._drop)
        self.table.itemSelectionChanged.connect(self._enable)
        self._enable()

    def show_gestures(self, rows: tuple[GestureRow, ...], now: datetime) -> None:
        chosen = self.chosen()
        key = (chosen.id, chosen.call_id) if chosen else None
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            gesture = row.gesture
            kind = gesture.kind.label
            cells = (kind, gesture.to_whom, gesture.owner or "—", status_text(row))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0 and gesture.from_call:
                    item.setToolTip("Asked for on a call: made by calling back")
                if column == 1 and gesture.details:
                    item.setToolTip(gesture.details)
                if column == 3:
                    item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Status: {text}")
                self.table.setItem(index, column, item)
            if key == (row.id, row.call_id):
                self.table.selectRow(index)
        owed = sum(1 for r in rows if r.gesture.status == GestureStatus.OWED)
        overdue = sum(1 for r in rows if r.overdue)
        self.set_count(f"{owed} owed" + (f", {overdue} overdue" if overdue else ""))
        self._enable()

    def chosen(self) -> GestureRow | None:
        index = self.table.currentRow()
        selected = (
            self.table.selectionModel().hasSelection() if self.table.selectionModel() else False
        )
        if not selected or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def _enable(self) -> None:
        row = self.chosen()
        owed = row is not None and row.gesture.status == GestureStatus.OWED
        self.made_button.setEnabled(owed)
        self.drop_button.setEnabled(owed and row is not None and row.id is not None)

    def _made(self) -> None:
        row = self.chosen()
        if row is not None and row.gesture.status == GestureStatus.OWED:
            self.settle_requested.emit(row, GestureStatus.MADE)

    def _drop(self) -> None:
        row = self.chosen()
        if row is not None and row.id is not None and row.gesture.status == GestureStatus.OWED:
            self.settle_requested.emit(row, GestureStatus.DROPPED)
