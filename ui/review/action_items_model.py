"""The review's action items as an editable table over frozen rows: each edit replaces a row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal

from app.domain.review import ActionItem
from app.services.incidents.dto import AgentInfo
from ui.model_index import ModelIndex

DONE, TEXT, OWNER, DUE = range(4)
HEADERS = ("Done", "Action", "Owner", "Due (YYYY-MM-DD)")


class ActionItemsModel(QAbstractTableModel):
    edit_refused = Signal(str)  # why a typed value was not taken

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[ActionItem, ...] = ()
        self._agents: dict[str, AgentInfo] = {}

    def set_agents(self, agents: list[AgentInfo]) -> None:
        self._agents = {a.name.casefold(): a for a in agents}

    def set_rows(self, rows: tuple[ActionItem, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def add_row(self, text: str = "New action") -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows = (*self.rows, ActionItem(None, text, None, "", None, False))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self.rows = self.rows[:row] + self.rows[row + 1 :]
        self.endRemoveRows()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == DONE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == DONE:
            return Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == TEXT:
                return item.text
            if column == OWNER:
                return item.owner
            if column == DUE:
                return item.due_on.isoformat() if item.due_on else ""
        return None

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        item = self.rows[row]
        if column == DONE and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
            item = replace(item, done=checked)
        elif role != Qt.ItemDataRole.EditRole:
            return False
        elif column == TEXT:
            item = replace(item, text=str(value))
        elif column == OWNER:
            name = str(value).strip()
            if not name:
                item = replace(item, owner_id=None, owner="")
            elif (agent := self._agents.get(name.casefold())) is not None:
                item = replace(item, owner_id=agent.id, owner=agent.name)
            else:
                self.edit_refused.emit(f"No agent is called {name!r}: type an agent's name.")
                return False
        elif column == DUE:
            text = str(value).strip()
            try:
                due = date.fromisoformat(text) if text else None
            except ValueError:
                self.edit_refused.emit(f"{text!r} is not a date: write it as 2026-01-31.")
                return False
            item = replace(item, due_on=due)
        else:
            return False
        self.rows = (*self.rows[:row], item, *self.rows[row + 1 :])
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None
